import Foundation
import Logging
import NIOCore
import QBOClient
import QBSyncCore
import QBSyncMetrics
import QBSyncRPC
import QBSyncStore
import QBSyncWire
import ServiceLifecycle

/// Everything `qbsync serve` runs, put together: the store, the sync
/// engine and the RPC server with the `QuickBooksSync` service. Tests use it
/// too, so they run the service exactly as shipped.
public final class QBSyncServer: Sendable {
    /// Settings of a running service.
    public struct Configuration: Sendable {
        /// RPC socket, permissions, peer allowlist and limits.
        public var rpc: RPCServerConfiguration
        /// SQLite database file, or a `postgres://` URL.
        public var databasePath: String
        /// Store durability settings.
        public var store = Store.Options()
        /// QBO endpoints, limits, retries, sweep.
        public var engine = EngineConfiguration()
        /// Longest wait for QBO inside LinkCustomer and VoidPayment.
        public var settleTimeout: Duration = .seconds(10)
        /// How long a company lease lasts unrenewed, when the database is
        /// PostgreSQL (several instances may share it): an instance that dies
        /// loses its companies to the others this long after its last renewal.
        public var leaseDuration: Duration = .seconds(8)
        /// Events a StreamSyncEvents subscriber may lag behind before its
        /// stream ends RESOURCE_EXHAUSTED with where to resume.
        public var eventSubscriberBuffer = QuickBooksSyncService.defaultSubscriberBuffer
        /// Intuit's webhooks, when received (a hint to read changes sooner).
        public var webhooks: WebhookConfiguration?
        /// Where Prometheus scrapes `GET /metrics` (host, port; 0 picks one); nil: no metrics.
        public var metrics: (host: String, port: Int)?
        /// A server span per call, under the caller's `traceparent`, for the
        /// tracer the process bootstrapped (`serve --otlp-traces-endpoint`).
        /// Pushes and QBO requests make spans whenever a tracer is bootstrapped.
        public var traceCalls = false

        /// Creates a configuration.
        public init(socketPath: String, databasePath: String) {
            self.rpc = RPCServerConfiguration(socketPath: socketPath)
            self.databasePath = databasePath
        }
    }

    /// The durable state.
    public let store: Store
    /// The sync core.
    public let engine: SyncEngine
    /// The socket server.
    public let rpcServer: RPCServer
    /// Intuit's webhooks, when configured.
    public let webhookListener: WebhookListener?
    /// Prometheus' scrapes, when configured.
    public let metricsListener: MetricsListener?

    /// Opens the store and wires the parts; nothing runs until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: Paths, endpoints and limits.
    ///   - transport: HTTP to QBO (libcurl by default).
    ///   - logger: The root logger.
    public init(configuration: Configuration, transport: (any HTTPTransport)? = nil, logger: Logger = Logger(label: "qbsync")) throws {
        self.store = try Store(location: configuration.databasePath, options: configuration.store)
        let metrics = configuration.metrics.map { _ in ServiceMetrics() }
        var engineConfiguration = configuration.engine
        if let metrics { engineConfiguration.observer = metrics }
        if self.store.dialect == .postgres, engineConfiguration.leases == nil {
            // Other instances may share the database: companies are pushed under leases.
            let name = "\(ProcessInfo.processInfo.hostName):\(configuration.rpc.socketPath)"
            var leases = LeaseSettings(instanceID: name)
            leases.duration = configuration.leaseDuration
            engineConfiguration.leases = leases
        }
        self.engine = try SyncEngine(store: self.store, configuration: engineConfiguration, transport: transport, logger: logger)
        var router = RPCRouter()
        QuickBooksSyncService(
            engine: self.engine,
            settleTimeout: configuration.settleTimeout,
            subscriberBuffer: configuration.eventSubscriberBuffer,
            logger: logger
        ).register(in: &router)
        if let metrics { router.observe { metrics.rpcEnded(method: $0, status: $1, duration: $2) } }
        if configuration.traceCalls { router.traceCalls() }
        self.rpcServer = RPCServer(configuration: configuration.rpc, router: router, logger: logger)
        let engine = self.engine
        self.webhookListener = configuration.webhooks.map { WebhookListener(configuration: $0, engine: engine, logger: logger) }
        if let metrics, let address = configuration.metrics {
            self.metricsListener = MetricsListener(host: address.host, port: address.port, metrics: metrics, engine: engine, logger: logger)
        } else {
            self.metricsListener = nil
        }
    }

    /// The services to run, in start order (the RPC server stops first).
    public var services: [any Service] {
        [EngineService(engine: self.engine, store: self.store), self.rpcServer]
            + (self.webhookListener.map { [$0] } ?? []) + (self.metricsListener.map { [$0] } ?? [])
    }
}

/// Runs the sync engine as a lifecycle service: started before the RPC
/// server, stopped after it, so no accepted request finds the engine gone.
struct EngineService: Service {
    let engine: SyncEngine
    let store: Store

    func run() async throws {
        try await self.engine.start()
        try? await gracefulShutdown()
        await self.engine.stop()
        self.store.close()
    }
}

extension QBSyncServer {
    /// Stores a company as connected before the engine starts (the built-in
    /// simulator's demo company); the engine connects it when it starts.
    public func registerCompany(companyID: String, credentials: QBOCredentials, settings: CompanySettings? = nil) async throws {
        let secrets = self.engine.configuration.secrets
        _ = try await self.store.write { transaction in
            try transaction.connectCompany(companyID, credentials: credentials, settings: settings, sealer: secrets)
        }
    }
}
