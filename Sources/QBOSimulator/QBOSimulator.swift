import Foundation
import Logging
import ServiceLifecycle

/// An in-process QuickBooks Online look-alike: QBO's Accounting API v3, its OAuth token
/// endpoint, and an admin API, over real HTTP on loopback TCP or a Unix socket.
///
/// It serves many realms (companies) at once, each with its own books, tokens, throttle
/// and fault plan, and answers with QBO's JSON shapes, fault codes and quirks as recorded
/// in `shared/qbo-fixtures`. Use it from tests (`start()`, then `stop()`) or as a
/// `ServiceLifecycle.Service` (`run()`), which is how `qbo-sim` and `qbsync serve` host it.
///
/// ```swift
/// let simulator = QBOSimulator(configuration: SimulatorConfiguration())
/// let endpoint = try await simulator.start()
/// let company = await simulator.createRealm()
/// // point a client at endpoint.baseURL with company.refreshToken ...
/// await simulator.stop()
/// ```
public actor QBOSimulator: Service {
    private struct Running: Sendable {
        var server: HTTPServer
        var serving: Task<Void, Never>
        var endpoint: SimulatorEndpoint
    }

    /// The configuration the simulator started with.
    public nonisolated let configuration: SimulatorConfiguration
    private let logger: Logger
    private let core: SimulatorCore
    private var starting: Task<Running, Error>?

    /// Creates a simulator; nothing listens until `start()` or `run()`.
    /// - Parameters:
    ///   - configuration: Where to listen and how to behave.
    ///   - logger: Where the simulator logs; quiet below `.info`.
    public init(configuration: SimulatorConfiguration = SimulatorConfiguration(), logger: Logger = Logger(label: "qbo-sim")) {
        self.configuration = configuration
        self.logger = logger
        core = SimulatorCore(configuration: configuration, logger: logger)
    }

    /// Binds the listener and starts serving in the background. Calling it again returns
    /// the same endpoint.
    /// - Returns: Where the simulator listens.
    public func start() async throws -> SimulatorEndpoint {
        if let starting { return try await starting.value.endpoint }
        let configuration = configuration
        let router = RequestRouter(core: core)
        let logger = logger
        let task = Task<Running, Error> {
            let target: HTTPServer.BindTarget =
                configuration.unixSocketPath.map { .unixSocket(path: $0) }
                ?? .tcp(host: configuration.host, port: configuration.port)
            let server = try await HTTPServer.bind(target, router: router, logger: logger)
            let serving = Task { await server.serve() }
            let endpoint: SimulatorEndpoint
            if let path = configuration.unixSocketPath {
                endpoint = SimulatorEndpoint(baseURL: "http://localhost", unixSocketPath: path)
            } else {
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                endpoint = SimulatorEndpoint(baseURL: "http://\(host):\(server.port ?? configuration.port)", unixSocketPath: nil)
            }
            logger.info("QBO simulator listening", metadata: ["baseURL": "\(endpoint.baseURL)"])
            return Running(server: server, serving: serving, endpoint: endpoint)
        }
        starting = task
        do {
            return try await task.value.endpoint
        } catch {
            starting = nil
            throw error
        }
    }

    /// Starts if needed and serves until the task is cancelled or a graceful shutdown
    /// begins, then stops.
    public func run() async throws {
        _ = try await start()
        guard let serving = try await starting?.value.serving else { return }
        await withTaskCancellationOrGracefulShutdownHandler {
            await serving.value
        } onCancelOrGracefulShutdown: {
            Task { await self.stop() }
        }
        await stop()
    }

    /// Stops listening and closes every connection. Safe to call more than once; a later
    /// `start()` listens again with the realms kept.
    public func stop() async {
        guard let starting else { return }
        self.starting = nil
        guard let running = try? await starting.value else { return }
        // Closing the listener ends serving: see HTTPServer.serve (no cancellation, apple/swift-nio#2813).
        await running.server.close()
        await running.serving.value
        if let path = running.endpoint.unixSocketPath { unlink(path) }
        logger.info("QBO simulator stopped")
    }

    // MARK: Realms

    /// Creates and seeds a realm and issues its first refresh token. For an existing realm,
    /// issues a new refresh token (the old one stops working) and keeps its books.
    /// - Parameter realmID: The realm id; nil generates a QBO-like 16-digit one.
    /// - Returns: What an app needs to connect.
    public nonisolated func createRealm(_ realmID: String? = nil) async -> RealmCredentials {
        core.createRealm(realmID)
    }

    /// Wipes a realm's books and seeds them again; tokens stay valid, `requestid`s are forgotten.
    /// - Parameter realmID: The realm.
    public nonisolated func resetRealm(_ realmID: String) async throws {
        try await core.resetRealm(realmID)
    }

    /// Every entity of a realm, by entity name (`"Invoice"`, ...), exactly as reads return them.
    /// - Parameter realmID: The realm.
    public nonisolated func ledger(realmID: String) async throws -> [String: [JSONValue]] {
        try await core.ledger(realmID)
    }

    // MARK: Realm settings

    /// A realm's settings: company name, kind of sales tax, inventory tracking.
    /// - Parameter realmID: The realm.
    public nonisolated func realmSettings(realmID: String) async throws -> RealmSettings {
        try await core.realmSettings(realmID)
    }

    /// Replaces a realm's settings. Its Preferences and CompanyInfo become new versions, and
    /// sales forms written from now on are taxed by the new settings (stored ones keep their
    /// tax until they are updated).
    /// - Parameters:
    ///   - settings: The new settings; an empty name or a rate outside 0...100 is refused.
    ///   - realmID: The realm.
    public nonisolated func setRealmSettings(_ settings: RealmSettings, realmID: String) async throws {
        _ = try await core.updateRealmSettings(realmID) { $0 = settings }
    }

    /// Switches a realm between manual and automated sales tax
    /// (`Preferences.TaxPrefs.PartnerTaxEnabled`), optionally with a new engine rate.
    /// - Parameters:
    ///   - realmID: The realm.
    ///   - automated: True for QBO's automated sales tax (AST), false for manual sales tax.
    ///   - rate: The AST engine's rate in percent (`8.25` is 8.25%); nil keeps the current one.
    public nonisolated func setSalesTax(realmID: String, automated: Bool, rate: Decimal? = nil) async throws {
        _ = try await core.updateRealmSettings(realmID) { settings in
            settings.automatedSalesTax = automated
            if let rate { settings.automatedSalesTaxRate = rate }
        }
    }

    // MARK: Faults and limits

    /// Sets the faults injected into every realm (`realmID` nil) or into one realm, which
    /// then no longer follows the global plan. An unknown realm is ignored and logged.
    /// - Parameters:
    ///   - plan: What to inject.
    ///   - realmID: One realm, or nil for the global plan.
    public nonisolated func setFaults(_ plan: FaultPlan, realmID: String? = nil) async {
        guard let realmID else { return core.setFaults(plan, realm: nil) }
        guard let realm = core.realm(realmID) else {
            return logger.warning("setFaults: no such realm", metadata: ["realm": "\(realmID)"])
        }
        core.setFaults(plan, realm: realm)
    }

    /// The fault plan in force for a realm (its own, else the global one), or the global plan.
    /// - Parameter realmID: One realm, or nil for the global plan.
    public nonisolated func faults(realmID: String? = nil) async -> FaultPlan {
        core.faultPlan(of: realmID.flatMap { core.realm($0) })
    }

    /// Sets a realm's throttle. Each limit is a whole number from 1 to 1,000,000,000.
    /// - Parameters:
    ///   - realmID: The realm.
    ///   - requestsPerMinute: Requests allowed in any 60-second window, batches included.
    ///   - concurrent: Requests allowed in flight at once.
    ///   - batchRequestsPerMinute: `POST /batch` requests allowed in any 60-second window, on
    ///     top of `requestsPerMinute`; nil keeps the current one.
    /// - Throws: ``SimulatorError`` for an unknown realm or a limit out of range; then nothing changes.
    public nonisolated func setLimits(
        realmID: String, requestsPerMinute: Int, concurrent: Int, batchRequestsPerMinute: Int? = nil
    ) async throws {
        _ = try core.setLimits(
            realmID, requestsPerMinute: requestsPerMinute, concurrent: concurrent,
            batchRequestsPerMinute: batchRequestsPerMinute)
    }

    /// Marks a payment as deposited; QBO then refuses to change, void or delete it (6540).
    /// - Parameters:
    ///   - realmID: The realm.
    ///   - paymentID: The payment's Id.
    public nonisolated func markDeposited(realmID: String, paymentID: String) async throws {
        try await core.markDeposited(realmID, paymentID: paymentID)
    }

    /// Sets (or, with nil, clears) where every realm's writes are announced as
    /// Intuit's webhooks.
    public nonisolated func setWebhooks(_ webhooks: SimulatorWebhooks?) {
        core.webhooks.settings = webhooks
    }

    /// Webhook posts so far: answered 2xx, and failed.
    public nonisolated var webhookDeliveries: (delivered: Int, failed: Int) {
        core.webhooks.counts
    }

    /// Changes an entity as an accountant would in QBO's screens: the API's
    /// rules, its SyncToken bumped and `LastUpdatedTime` now, so change data
    /// capture reports it; a delete leaves the deletion stub.
    /// - Parameters:
    ///   - realmID: The realm.
    ///   - entity: The entity name (`"Invoice"`).
    ///   - id: Its Id.
    ///   - action: Edit (the properties to change), delete or void.
    /// - Returns: The entity afterwards.
    /// - Throws: ``SimulatorError`` for an unknown realm or entity, or a change QBO would refuse.
    @discardableResult
    public nonisolated func byHand(realmID: String, entity: String, id: String, _ action: HandAction) async throws -> JSONObject {
        try await core.byHand(realmID, action, entity: entity, entityID: id)
    }

    // MARK: Clock

    /// The simulated company time: the wall clock moved forward by `advanceClock(by:)`.
    public nonisolated var now: Date {
        core.clock.now
    }

    /// Moves the clock of every realm's books forward: later writes carry later
    /// `MetaData` times, and change data capture's 30-day window moves with it. Access
    /// tokens and the throttle keep real time.
    /// - Parameter duration: How far; not negative.
    public nonisolated func advanceClock(by duration: Duration) throws {
        try core.advanceClock(by: duration.timeInterval)
    }

    // MARK: Tokens

    /// Makes every access token of the realm expired now (the API answers 401 / 3200).
    /// - Parameter realmID: The realm.
    public nonisolated func expireAccessTokens(realmID: String) async throws {
        try core.expireAccessTokens(realmID)
    }

    /// Revokes the realm's connection: its refresh token gives `invalid_grant` and its
    /// access tokens 401. `createRealm(realmID)` issues a new refresh token.
    /// - Parameter realmID: The realm.
    public nonisolated func revokeRefreshTokens(realmID: String) async throws {
        try core.revokeTokens(realmID)
    }

    /// A realm's request counters.
    /// - Parameter realmID: The realm.
    public nonisolated func stats(realmID: String) async throws -> SimulatorStats {
        try core.stats(realmID)
    }
}
