import Foundation
import Logging
import QBOClient
import QBSyncStore
import QBSyncWire
import Synchronization

/// The sync core: one ``CompanySyncer`` per connected company, the event
/// hub, the periodic sweep, and the company operations the API exposes.
///
/// Data flows one way: the API accepts a record (``Intake``, durable), kicks
/// the company's syncer, which pushes it to QBO and records the outcome;
/// every status change is an event the hub fans out.
public actor SyncEngine {
    /// The durable state.
    public nonisolated let store: Store
    /// Live events.
    public nonisolated let hub: EventHub
    /// Accepts records.
    public nonisolated let intake: Intake
    /// Builds API views of records.
    public nonisolated let view: RecordView
    /// Settings.
    public nonisolated let configuration: EngineConfiguration
    let transport: any HTTPTransport
    let logger: Logger
    let startedAt = ContinuousClock.now
    private var syncers: [String: CompanySyncer] = [:]
    /// Each syncer's wake signal, reachable without a hop onto this actor.
    private nonisolated let wakes = Mutex<[String: WakeSignal]>([:])
    private var sweepTask: Task<Void, Never>?
    private var driftTask: Task<Void, Never>?
    private var renewalTask: Task<Void, Never>?
    /// Companies a webhook asked to check (see `checkDriftSoon`).
    var driftRequested: Set<String> = []
    /// The companies this instance pushes, when several share the database.
    var heldLeases: [String: HeldLease] = [:]
    /// Companies being handed to other instances (pushes finishing).
    var releasingLeases: Set<String> = []
    /// Companies whose lease a ConnectCompany is taking here (a round leaves them alone).
    var acquiringLeases: Set<String> = []
    private var leaseTask: Task<Void, Never>?

    /// Opens the engine on a store.
    ///
    /// - Parameters:
    ///   - store: The store (its commit observer is set here).
    ///   - configuration: QBO endpoints, limits, retries, sweep.
    ///   - transport: HTTP to QBO; a libcurl transport by default.
    ///   - logger: Where the engine logs.
    public init(store: Store, configuration: EngineConfiguration, transport: (any HTTPTransport)? = nil, logger: Logger = Logger(label: "qbsync.engine")) throws {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.transport = try transport ?? CurlTransport(configuration: Self.transportConfiguration(configuration))
        let hub = EventHub(lastSequence: try store.read { try $0.lastSequence() })
        self.hub = hub
        store.setCommitObserver(hub)
        self.view = RecordView(qboAppURL: configuration.qboAppURL)
        self.intake = Intake(store: store, view: self.view)
        // Work another instance accepted (or requeued) for a company this one pushes.
        store.setFollowHandler { [weak self] events in
            var companies: Set<String> = []
            for committed in events where committed.event.toStatus == .pending {
                if let companyID = committed.event.ref?.companyID { companies.insert(companyID) }
            }
            for companyID in companies { self?.kick(companyID) }
        }
    }

    /// The libcurl pool: no per-host cap (0; every realm is on the same host
    /// and each realm's limiter caps its own requests in flight), at most
    /// `maxQBOConnections` open in all.
    static func transportConfiguration(_ configuration: EngineConfiguration) -> CurlTransport.Configuration {
        CurlTransport.Configuration(
            connectTimeout: configuration.connectTimeout,
            timeout: configuration.requestTimeout,
            maxConnectionsPerHost: 0,
            maxTotalConnections: max(configuration.concurrentRequests, configuration.maxQBOConnections)
        )
    }

    /// Recovers pushes interrupted by a crash and starts every connected
    /// company; when several instances share the database, starts keeping
    /// this one's share of the companies instead (see ``LeaseSettings``).
    public func start() async throws {
        if let leases = self.configuration.leases {
            // Pushes another instance left SYNCING are recovered by whoever takes its lease.
            await self.leaseRound(leases)
            self.leaseTask = Task { [weak self] in
                try? await Task.sleep(for: leases.renewInterval)
                await self?.keepLeases(leases)
            }
        } else {
            try await self.resealSecrets()
            let settle = self.configuration.requestTimeout.milliseconds
            let recovered = try await self.store.write { try $0.recoverInterruptedPushes(settle: settle) }
            if recovered > 0 {
                self.logger.notice("recovered pushes interrupted by a restart; reading them back before any retry", metadata: ["records": "\(recovered)"])
            }
            for company in try self.store.read({ try $0.companies() }) where company.connectionState != .disconnected {
                await self.syncer(for: company.companyID).connect(company)
            }
        }
        self.sweepTask = Task { [weak self, interval = self.configuration.sweepInterval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                _ = try? await self?.sweep()
            }
        }
        self.renewalTask = Task { [weak self, interval = self.configuration.refreshTokenCheckInterval] in
            // Staggered: many services restarted together do not all renew at once.
            try? await Task.sleep(for: interval * Double.random(in: 0..<1))
            while !Task.isCancelled {
                await self?.renewAgingRefreshTokens()
                try? await Task.sleep(for: interval)
            }
        }
        if let interval = self.configuration.driftInterval {
            self.driftTask = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    await self?.checkDriftEverywhere()
                }
            }
        }
    }

    /// Stops the sweep and every syncer, letting pushes in flight finish.
    public func stop() async {
        self.sweepTask?.cancel()
        self.driftTask?.cancel()
        self.renewalTask?.cancel()
        self.leaseTask?.cancel()
        for syncer in self.syncers.values { await syncer.stop() }
        self.syncers.removeAll()
        // The other instances take this one's companies at once, not after the leases expire.
        if let leases = self.configuration.leases { await self.releaseAllLeases(leases) }
    }

    /// Work arrived for a company (cheap; callable from anywhere).
    public nonisolated func kick(_ companyID: String) {
        self.wakes.withLock { $0[companyID] }?.workArrived()
    }

    func syncer(for companyID: String) -> CompanySyncer {
        if let syncer = self.syncers[companyID] { return syncer }
        let syncer = CompanySyncer(
            companyID: companyID, store: self.store, transport: self.transport, configuration: self.configuration, logger: self.logger,
            onLeaseLost: { [weak self] lease in Task { await self?.syncerLostLease(lease) } }
        )
        self.syncers[companyID] = syncer
        self.wakes.withLock { $0[companyID] = syncer.wake }
        return syncer
    }

    func existingSyncer(_ companyID: String) -> CompanySyncer? {
        self.syncers[companyID]
    }

    /// The companies whose syncer is connected now.
    func connectedSyncers() async -> [(String, CompanySyncer)] {
        var connected: [(String, CompanySyncer)] = []
        for (companyID, syncer) in self.syncers.sorted(by: { $0.key < $1.key }) where await syncer.client != nil {
            connected.append((companyID, syncer))
        }
        return connected
    }

    /// The company's QBO client, when connected.
    func client(_ companyID: String) async throws -> QBOClient {
        if let elsewhere = self.heldElsewhere(companyID) { throw elsewhere }
        guard let client = await self.syncers[companyID]?.client else {
            throw RPCError(code: .failedPrecondition, message: "company \(companyID) is not connected to QuickBooks; ConnectCompany first")
        }
        return client
    }

    /// Waits until a record leaves PENDING/SYNCING (or `timeout`), then reads it.
    public nonisolated func settled(_ key: RecordKey, timeout: Duration) async throws -> RecordRow? {
        let store = self.store
        await self.hub.waitUntilSettled(key, timeout: timeout) {
            guard let row = try? store.read({ try $0.record(key) }) else { return true }
            return row.status != .pending && row.status != .syncing
        }
        return try store.read { try $0.record(key) }
    }

    /// Rate-limit use of a company: requests in the last minute, in flight,
    /// and how long QBO's throttling still pauses it.
    func rateUse(_ companyID: String) async -> (lastMinute: Int, inFlight: Int, throttledFor: Duration?) {
        guard let limiter = self.syncers[companyID]?.limiter else { return (0, 0, nil) }
        return (await limiter.requestsLastMinute, await limiter.requestsInFlight, await limiter.pausedFor)
    }
}
