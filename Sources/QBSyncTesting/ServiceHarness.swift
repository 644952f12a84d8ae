import Foundation
import Logging
import protocol QBOClient.HTTPTransport
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncWire
import ServiceLifecycle

/// The whole service in-process for tests: a QBO simulator, the qbsync
/// server on a temporary socket and database, and a connected client.
///
/// ```swift
/// let harness = try await ServiceHarness.start()
/// try await harness.connect("acme")
/// _ = try await harness.client.syncInvoice(...)
/// await harness.stop()
/// ```
public final class ServiceHarness: Sendable {
    /// The simulated QBO.
    public let simulator: QBOSimulator
    /// Where the simulator listens.
    public let endpoint: SimulatorEndpoint
    /// The service under test.
    public let server: QBSyncServer
    /// A client connected to it.
    public let client: QBSyncClient
    /// The service's socket.
    public let socketPath: String
    /// The service's database.
    public let databasePath: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>
    private let directory: URL

    /// Starts a simulator and the service.
    ///
    /// - Parameters:
    ///   - simulator: Simulator settings (limits, faults, token lifetime).
    ///   - transport: HTTP to QBO (libcurl by default; tests may lose answers).
    ///   - configure: Adjusts the service configuration (retry timings, limits).
    public static func start(
        simulator simulatorConfiguration: SimulatorConfiguration = SimulatorConfiguration(),
        transport: (any HTTPTransport)? = nil,
        configure: (inout QBSyncServer.Configuration) -> Void = { _ in }
    ) async throws -> ServiceHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-harness-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "qbsync-test")
        logger.logLevel = ProcessInfo.processInfo.environment["QBSYNC_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let simulator = QBOSimulator(configuration: simulatorConfiguration, logger: logger)
        let endpoint = try await simulator.start()
        let socketPath = directory.appendingPathComponent("s.sock").path
        let databasePath = try TestDatabase.fresh(in: directory, name: "qbsync.sqlite3")
        var configuration = QBSyncServer.Configuration(socketPath: socketPath, databasePath: databasePath)
        configuration.engine.qboBaseURL = endpoint.baseURL
        configuration.engine.tokenURL = endpoint.baseURL + "/oauth2/v1/tokens/bearer"
        configuration.engine.qboAppURL = endpoint.baseURL + "/app/"
        configuration.engine.retry.baseDelay = .milliseconds(50)
        configuration.engine.retry.maxDelay = .milliseconds(400)
        // On PostgreSQL the engine pushes under company leases: long ones here, so
        // that a machine loaded by the whole suite never lets one lapse mid-test.
        configuration.leaseDuration = .seconds(30)
        configure(&configuration)
        let server = try QBSyncServer(configuration: configuration, transport: transport, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: server.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            logger: logger
        ))
        let running = Task { try await group.run() }
        try await server.rpcServer.waitUntilRunning()
        let client = try await QBSyncClient(socketPath: socketPath)
        return ServiceHarness(simulator: simulator, endpoint: endpoint, server: server, client: client, socketPath: socketPath,
                              databasePath: databasePath, group: group, running: running, directory: directory)
    }

    private init(simulator: QBOSimulator, endpoint: SimulatorEndpoint, server: QBSyncServer, client: QBSyncClient, socketPath: String,
                 databasePath: String, group: ServiceGroup, running: Task<Void, any Error>, directory: URL) {
        self.simulator = simulator
        self.endpoint = endpoint
        self.server = server
        self.client = client
        self.socketPath = socketPath
        self.databasePath = databasePath
        self.group = group
        self.running = running
        self.directory = directory
    }

    /// Shuts everything down and removes the temporary files.
    public func stop() async {
        await self.client.close()
        await self.group.triggerGracefulShutdown()
        _ = try? await self.running.value
        await self.simulator.stop()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Creates a simulator realm and connects a company to it.
    ///
    /// - Returns: The realm's credentials.
    @discardableResult
    public func connect(_ companyID: String, settings: QBSyncWire.CompanySettings? = nil) async throws -> RealmCredentials {
        let realm = await self.simulator.createRealm()
        _ = try await self.client.connectCompany(ConnectCompanyRequest(
            companyID: companyID,
            credentials: QBOCredentials(realmID: realm.realmId, clientID: realm.clientId, clientSecret: realm.clientSecret, refreshToken: realm.refreshToken),
            settings: settings
        ))
        return realm
    }

    /// Polls a record until `condition` holds or `timeout` passes.
    ///
    /// - Returns: The record as last read.
    @discardableResult
    public func waitForRecord(
        _ ref: RecordRef,
        timeout: Duration = .seconds(20),
        until condition: (SyncRecord) -> Bool
    ) async throws -> SyncRecord {
        let end = ContinuousClock.now + timeout
        while true {
            let record = try await self.client.getRecord(GetRecordRequest(ref: ref)).record ?? SyncRecord()
            if condition(record) || ContinuousClock.now > end { return record }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Waits until the company has nothing PENDING or SYNCING.
    public func waitUntilIdle(_ companyID: String, timeout: Duration = .seconds(60)) async throws -> CompanyHealth {
        let end = ContinuousClock.now + timeout
        while true {
            let health = try await self.client.getHealth(GetHealthRequest(companyID: companyID)).companies.first ?? CompanyHealth()
            if health.queueDepth == 0 || ContinuousClock.now > end { return health }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Entities of one type in the simulator's books for a realm.
    public func ledger(_ realm: RealmCredentials, _ entity: String) async throws -> [JSONValue] {
        try await self.simulator.ledger(realmID: realm.realmId)[entity] ?? []
    }
}
