import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import QBOSimulator
import QBSyncCore
import QBSyncService
import QBSyncWire
import ServiceLifecycle

/// `qbsync serve`: runs the service until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the qbsync service.",
        discussion: """
            Without --qbo-base-url, qbsync starts its built-in QuickBooks simulator with a
            demo company, so it can be tried at once; nothing reaches Intuit. With
            --qbo-base-url (production, sandbox, or a URL) it talks to QuickBooks Online;
            connect companies with `qbsync connect`.
            """
    )

    @Option(help: "Unix socket to listen on (env QBSYNC_SOCKET).")
    var socket: String = Defaults.socketPath

    @Option(help: "SQLite database (env QBSYNC_DATABASE). Default: <data dir>/qbsync.sqlite3, or a fresh temporary one with the built-in simulator.")
    var database: String?

    @Option(name: .customLong("qbo-base-url"), help: "QBO API base: production, sandbox, or a URL (env QBSYNC_QBO_BASE_URL).")
    var qboBaseURL: String?

    @Option(name: .customLong("token-url"), help: "OAuth token endpoint (default: Intuit's; <base>/oauth2/v1/tokens/bearer for a simulator URL).")
    var tokenURL: String?

    @Option(name: .customLong("app-url"), help: "Base of 'View in QuickBooks' links.")
    var appURL: String?

    @Option(help: "QBO requests per minute per company (QBO allows 500).")
    var requestsPerMinute: Int = 500

    @Option(help: "QBO requests in flight per company (QBO allows 10).")
    var concurrent: Int = 10

    @Option(help: "Socket file permissions, octal.")
    var socketMode: String = "660"

    @Option(name: .customLong("allow-uid"), help: "Only these peer uids may connect (repeatable; with --allow-gid).")
    var allowUIDs: [UInt32] = []

    @Option(name: .customLong("allow-gid"), help: "Only these peer gids may connect (repeatable; with --allow-uid).")
    var allowGIDs: [UInt32] = []

    @Option(help: "Most client connections at once.")
    var maxConnections: Int = 1024

    @Option(help: "Seconds in-flight calls may run after SIGTERM.")
    var drainTimeout: Int = 10

    @Option(help: "Seconds before the first retry of a failed push (doubles per attempt, with jitter).")
    var retryBaseDelay: Double = 2

    @Option(help: "Longest wait between retries, seconds.")
    var retryMaxDelay: Double = 300

    @Option(help: "Attempts per push before a transient failure is ERRORED (the sweep retries it later).")
    var maxAttempts: Int = 8

    @Option(help: "Seconds between sweeps that retry and re-link (default nightly).")
    var sweepInterval: Int = 86_400

    @Option(help: "Days of events kept for resuming subscribers.")
    var eventRetentionDays: Int = 30

    @Flag(help: "fsync every commit (survives power loss, not just crashes; slower).")
    var synchronousFull = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Built-in simulator: the demo company's id.")
    var demoCompany: String = "demo"

    @Option(help: "Built-in simulator: TCP port (0 picks one).")
    var simulatorPort: Int = 0

    func validate() throws {
        guard UInt32(self.socketMode, radix: 8) != nil else { throw ValidationError("--socket-mode must be octal, e.g. 660") }
        guard Logger.Level(rawValue: self.logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        guard self.requestsPerMinute > 0, self.concurrent > 0 else { throw ValidationError("--requests-per-minute and --concurrent must be positive") }
        guard self.sweepInterval > 0, self.eventRetentionDays > 0, self.drainTimeout >= 0 else { throw ValidationError("intervals must be positive") }
        guard self.retryBaseDelay > 0, self.retryMaxDelay >= self.retryBaseDelay, self.maxAttempts > 0 else {
            throw ValidationError("--retry-base-delay must be positive, --retry-max-delay at least as long, --max-attempts positive")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: self.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "qbsync")
        let environment = ProcessInfo.processInfo.environment
        let baseURL = self.qboBaseURL ?? environment["QBSYNC_QBO_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

        var configuration = QBSyncServer.Configuration(socketPath: self.socket, databasePath: "")
        configuration.rpc.socketMode = UInt32(self.socketMode, radix: 8) ?? 0o660
        configuration.rpc.allowedUIDs = Set(self.allowUIDs)
        configuration.rpc.allowedGIDs = Set(self.allowGIDs)
        configuration.rpc.maxConnections = self.maxConnections
        configuration.rpc.drainTimeout = .seconds(Int64(self.drainTimeout))
        configuration.store.synchronousFull = self.synchronousFull
        configuration.engine.requestsPerMinute = self.requestsPerMinute
        configuration.engine.concurrentRequests = self.concurrent
        configuration.engine.sweepInterval = .seconds(self.sweepInterval)
        configuration.engine.eventRetention = .seconds(self.eventRetentionDays * 86_400)
        configuration.engine.retry.baseDelay = .milliseconds(Int64(self.retryBaseDelay * 1000))
        configuration.engine.retry.maxDelay = .milliseconds(Int64(self.retryMaxDelay * 1000))
        configuration.engine.retry.maxAttempts = self.maxAttempts

        var services: [any Service] = []
        var demo: DemoBackend?
        if let baseURL {
            configuration.engine.qboBaseURL = Endpoints.apiBase(baseURL)
            configuration.engine.tokenURL = self.tokenURL ?? Endpoints.tokenURL(baseURL)
            configuration.engine.qboAppURL = self.appURL ?? Endpoints.appURL(baseURL)
            configuration.databasePath = try self.database ?? environment["QBSYNC_DATABASE"] ?? Self.defaultDatabase()
        } else {
            let backend = try await DemoBackend.start(port: self.simulatorPort, logger: logger)
            demo = backend
            services.append(backend.simulator)
            configuration.engine.qboBaseURL = backend.endpoint.baseURL
            configuration.engine.tokenURL = backend.endpoint.baseURL + "/oauth2/v1/tokens/bearer"
            configuration.engine.qboAppURL = self.appURL ?? backend.endpoint.baseURL + "/app/"
            configuration.databasePath = self.database ?? environment["QBSYNC_DATABASE"] ?? backend.temporaryDatabase
        }

        let server = try QBSyncServer(configuration: configuration, logger: logger)
        if let demo {
            try await server.registerCompany(companyID: self.demoCompany, credentials: demo.credentials)
        }
        services += server.services
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        let (socket, company, database, qbo) = (self.socket, self.demoCompany, configuration.databasePath, configuration.engine.qboBaseURL)
        let backend = demo
        let announce = Task {
            try await server.rpcServer.waitUntilRunning()
            if let backend {
                backend.announce(socket: socket, company: company, database: database)
            } else {
                FileHandle.standardError.write(Data("qbsync: listening on \(socket) (QBO at \(qbo), database \(database))\n".utf8))
            }
        }
        do {
            try await group.run()
        } catch {
            announce.cancel()
            demo?.cleanUp()
            throw error
        }
        demo?.cleanUp()
    }

    static func defaultDatabase() throws -> String {
        let directory = Defaults.dataDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory + "/qbsync.sqlite3"
    }
}

/// Where QBO lives for a --qbo-base-url value.
enum Endpoints {
    static func apiBase(_ value: String) -> String {
        switch value {
        case "production": "https://quickbooks.api.intuit.com"
        case "sandbox": "https://sandbox-quickbooks.api.intuit.com"
        default: value.hasSuffix("/") ? String(value.dropLast()) : value
        }
    }

    static func isIntuit(_ value: String) -> Bool {
        value == "production" || value == "sandbox" || value.contains("intuit.com")
    }

    static func tokenURL(_ value: String) -> String {
        self.isIntuit(value) ? "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer" : self.apiBase(value) + "/oauth2/v1/tokens/bearer"
    }

    static func appURL(_ value: String) -> String {
        if value == "sandbox" || value.contains("sandbox") { return "https://app.sandbox.qbo.intuit.com/app/" }
        return self.isIntuit(value) ? "https://app.qbo.intuit.com/app/" : self.apiBase(value) + "/app/"
    }
}
