import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import OTel
import QBOSimulator
import QBSyncCore
import QBSyncService
import QBSyncStore
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

            Limits a client meets (docs/protocol.md, "Limits"): frames up to
            --max-frame-size (4 MiB), of which frames other than request/response messages
            up to 64 KiB; method paths up to 256 bytes; call metadata up to 16 KiB per call
            and 1 MiB per connection, keys of lower-case letters, digits, '-', '_', '.';
            every string UTF-8 without NUL (else INVALID_ARGUMENT naming the field); an
            opened call's request within --request-timeout; --max-streams calls per
            connection; --max-connections connections (fewer when the file-descriptor limit
            leaves less room: the soft limit is raised to the hard one at start, and the
            cap is logged); filter lists (statuses, entity types) up to 32 entries; dates
            1900-01-01 to 2999-12-31. A client that does not read its answers may leave
            --outbound-budget bytes waiting; then nothing more is read from it, and after
            --outbound-grace seconds it is disconnected with GoAway. Connection errors are
            logged at most 10 a second (bursts of 50), with a count of those held back.
            """
    )

    @Option(help: "Unix socket to listen on (env QBSYNC_SOCKET).")
    var socket: String = Defaults.socketPath

    @Option(help: "SQLite database file, or a PostgreSQL database as postgres://USER[:PASSWORD]@HOST[:PORT]/NAME or postgres://USER@/NAME?host=/SOCKET/DIR (env QBSYNC_DATABASE, which keeps a password out of the process list). Default: <data dir>/qbsync.sqlite3, or a fresh temporary one with the built-in simulator.")
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

    @Option(help: "QBO batch requests per minute per company (QBO allows 40; each also counts as a request).")
    var batchRequestsPerMinute: Int = 40

    @Option(help: "Backfill creates go through QBO's Batch API, up to 30 a request: on or off.")
    var backfillBatches: String = "on"

    @Option(help: "Seal stored OAuth client secrets and refresh tokens with this 32-byte key (raw or base64; env QBSYNC_SECRETS_KEY holds it base64). Off by default.")
    var secretsKeyFile: String?

    @Option(name: .customLong("previous-secrets-key-file"), help: "A key stored secrets may still be sealed with (repeatable): while rotating, they are sealed again under --secrets-key-file at start.")
    var previousSecretsKeyFiles: [String] = []

    @Option(help: "Serve Prometheus metrics at GET /metrics on this TCP port (0 picks one). Off by default.")
    var metricsPort: Int?

    @Option(help: "Address of the metrics listener.")
    var metricsHost: String = "127.0.0.1"

    @Option(help: "Export OpenTelemetry traces over OTLP/HTTP to this URL, used as is (e.g. http://collector:4318/v1/traces; env QBSYNC_OTLP_TRACES_ENDPOINT): a span per call (continuing a `traceparent` in its metadata), per push and per QBO request. The standard OTEL_* variables tune the exporter (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json, OTEL_BSP_SCHEDULE_DELAY, headers). Off by default.")
    var otlpTracesEndpoint: String?

    @Option(help: "Renew a company's refresh token once it is this many days old, even when idle (Intuit's last 100).")
    var refreshTokenRenewalDays: Int = 30

    @Option(help: "Socket file permissions, octal.")
    var socketMode: String = "660"

    @Option(name: .customLong("allow-uid"), help: "Only these peer uids may connect (repeatable; with --allow-gid).")
    var allowUIDs: [UInt32] = []

    @Option(name: .customLong("allow-gid"), help: "Only these peer gids may connect (repeatable; with --allow-uid).")
    var allowGIDs: [UInt32] = []

    @Option(help: "Most client connections at once.")
    var maxConnections: Int = 1024

    @Option(help: "Most calls open at once on one connection.")
    var maxStreams: Int = 10_000

    @Option(help: "Largest frame accepted, bytes (at least 4096).")
    var maxFrameSize: Int = 4 * 1024 * 1024

    @Option(help: "Seconds an opened call may wait for its request message (then DEADLINE_EXCEEDED).")
    var requestTimeout: Int = 10

    @Option(help: "Bytes of answers that may wait for a client that does not read before reading from it stops.")
    var outboundBudget: Int = 4 * 1024 * 1024

    @Option(help: "Seconds a client may stay over --outbound-budget before it is disconnected.")
    var outboundGrace: Int = 30

    // Named explicitly: the derived name would be --max-database-mi-b.
    @Option(name: .customLong("max-database-mib"), help: "Largest the SQLite database may grow, MiB (past it, writes fail RESOURCE_EXHAUSTED as on a full disk).")
    var maxDatabaseMiB: Int?

    @Option(help: "Seconds in-flight calls may run after SIGTERM.")
    var drainTimeout: Int = 10

    @Option(help: "Seconds before the first retry of a failed push (doubles per attempt, with jitter).")
    var retryBaseDelay: Double = 2

    @Option(help: "Longest wait between retries, seconds.")
    var retryMaxDelay: Double = 300

    @Option(help: "Attempts per push before a transient failure is ERRORED (the sweep retries it later).")
    var maxAttempts: Int = 8

    @Option(help: "With a PostgreSQL database: seconds a company lease lasts unrenewed, 4 to 300 (default 8). An instance that dies loses its companies to the others about this long after, plus 2 s; a longer lease rides out longer database stalls.")
    var leaseSeconds: Int?

    @Option(help: "Seconds between sweeps that retry and re-link (default nightly).")
    var sweepInterval: Int = 86_400

    @Option(help: "Seconds between reads of QuickBooks' changes that find drift (records changed in QuickBooks after sync); 0 turns the poll off (CheckDrift still works).")
    var driftInterval: Int = 300

    @Option(help: "Listen for Intuit's webhooks on this TCP port (0 picks one); each signed notification starts a drift check of its companies. Needs env QBSYNC_WEBHOOK_VERIFIER_TOKEN. Off by default.")
    var webhookPort: Int?

    @Option(help: "Address the webhook listener binds (put an HTTPS proxy in front: Intuit posts to HTTPS URLs only).")
    var webhookHost: String = "127.0.0.1"

    @Option(help: "Path Intuit posts webhooks to.")
    var webhookPath: String = "/webhooks/quickbooks"

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
        guard self.requestsPerMinute > 0, self.concurrent > 0, self.batchRequestsPerMinute > 0 else {
            throw ValidationError("--requests-per-minute, --concurrent and --batch-requests-per-minute must be positive")
        }
        guard ["on", "off"].contains(self.backfillBatches) else { throw ValidationError("--backfill-batches must be on or off") }
        guard self.sweepInterval > 0, self.eventRetentionDays > 0, self.drainTimeout >= 0, self.requestTimeout > 0, self.outboundGrace > 0 else {
            throw ValidationError("intervals must be positive")
        }
        guard self.driftInterval >= 0 else { throw ValidationError("--drift-interval must be 0 (off) or a number of seconds") }
        if let port = self.webhookPort, !(0...65_535).contains(port) { throw ValidationError("--webhook-port must be between 0 and 65535") }
        guard (1...90).contains(self.refreshTokenRenewalDays) else { throw ValidationError("--refresh-token-renewal-days must be between 1 and 90 (Intuit's refresh tokens last 100 days)") }
        if let port = self.metricsPort, !(0...65_535).contains(port) { throw ValidationError("--metrics-port must be between 0 and 65535") }
        let environment = ProcessInfo.processInfo.environment
        if let (endpoint, source) = Self.chosen(self.otlpTracesEndpoint, "--otlp-traces-endpoint", environment, "QBSYNC_OTLP_TRACES_ENDPOINT") {
            try Self.checkTracesEndpoint(endpoint, option: source)
        }
        guard self.webhookPath.hasPrefix("/"), !self.webhookPath.contains(where: { $0.isWhitespace || $0 == "?" }) else {
            throw ValidationError("--webhook-path must start with / and hold no spaces or query")
        }
        guard self.maxConnections > 0, self.maxStreams > 0 else { throw ValidationError("--max-connections and --max-streams must be positive") }
        guard self.maxFrameSize >= Int(WireProtocol.minimumMaxFrameSize), self.maxFrameSize <= 64 * 1024 * 1024 else {
            throw ValidationError("--max-frame-size must be between 4096 and 67108864 bytes")
        }
        guard self.outboundBudget >= 64 * 1024 else { throw ValidationError("--outbound-budget must be at least 65536 bytes") }
        if let size = self.maxDatabaseMiB, size <= 0 { throw ValidationError("--max-database-mib must be positive") }
        if let (database, source) = Self.chosen(self.database, "--database", environment, "QBSYNC_DATABASE"), PostgresLocation.isURL(database) {
            do {
                _ = try PostgresLocation(url: database)
            } catch let error as PostgresStoreError {
                throw ValidationError("\(source): \(error.message)")
            }
            guard self.maxDatabaseMiB == nil, !self.synchronousFull else {
                throw ValidationError("--max-database-mib and --synchronous-full are SQLite settings, and \(source) names a PostgreSQL database (its size and durability are the server's)")
            }
            if let seconds = self.leaseSeconds, !(4...300).contains(seconds) {
                throw ValidationError("--lease-seconds must be between 4 and 300")
            }
        } else if self.leaseSeconds != nil {
            throw ValidationError("--lease-seconds applies to a PostgreSQL database shared by several instances; a SQLite database has one instance, which pushes every company")
        }
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
        configuration.rpc.maxConcurrentStreams = self.maxStreams
        configuration.rpc.maxFrameSize = self.maxFrameSize
        configuration.rpc.requestTimeout = .seconds(Int64(self.requestTimeout))
        configuration.rpc.outboundBudget = self.outboundBudget
        configuration.rpc.outboundGracePeriod = .seconds(Int64(self.outboundGrace))
        configuration.rpc.drainTimeout = .seconds(Int64(self.drainTimeout))
        configuration.store.synchronousFull = self.synchronousFull
        configuration.store.maxSizeBytes = self.maxDatabaseMiB.map { Int64($0) * 1024 * 1024 }
        if let seconds = self.leaseSeconds { configuration.leaseDuration = .seconds(seconds) }
        configuration.engine.requestsPerMinute = self.requestsPerMinute
        configuration.engine.concurrentRequests = self.concurrent
        configuration.engine.batchRequestsPerMinute = self.batchRequestsPerMinute
        configuration.engine.backfillBatches = self.backfillBatches == "on"
        configuration.engine.secrets = try self.secretSealer(environment)
        configuration.metrics = self.metricsPort.map { (self.metricsHost, $0) }
        configuration.engine.refreshTokenRenewalAge = .seconds(self.refreshTokenRenewalDays * 86_400)
        configuration.engine.sweepInterval = .seconds(self.sweepInterval)
        configuration.engine.driftInterval = self.driftInterval == 0 ? nil : .seconds(self.driftInterval)
        if let port = self.webhookPort {
            guard let token = environment["QBSYNC_WEBHOOK_VERIFIER_TOKEN"], !token.isEmpty else {
                throw ValidationError("--webhook-port needs the app's verifier token in env QBSYNC_WEBHOOK_VERIFIER_TOKEN (never on the command line)")
            }
            configuration.webhooks = WebhookConfiguration(host: self.webhookHost, port: port, path: self.webhookPath, verifierToken: token)
        }
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

        if let (endpoint, _) = Self.chosen(self.otlpTracesEndpoint, "--otlp-traces-endpoint", environment, "QBSYNC_OTLP_TRACES_ENDPOINT") {
            services.append(try Self.bootstrapTracing(endpoint: endpoint))
            configuration.traceCalls = true
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
        // The store's own name for its database: a PostgreSQL URL without its password.
        let (socket, company, database, qbo) = (self.socket, self.demoCompany, server.store.path, configuration.engine.qboBaseURL)
        let backend = demo
        let announce = Task {
            try await server.rpcServer.waitUntilRunning()
            if let backend {
                backend.announce(socket: socket, company: company, database: database)
            } else {
                FileHandle.standardError.write(Data("qbsync: listening on \(socket) (QBO at \(qbo), database \(database))\n".utf8))
            }
            if let listener = server.webhookListener, let webhooks = configuration.webhooks {
                let url = "http://\(webhooks.host):\(try await listener.port())\(webhooks.path)"
                FileHandle.standardError.write(Data("qbsync: webhooks at \(url)\n".utf8))
                // The built-in simulator tells qbsync of its changes as Intuit would.
                backend?.simulator.setWebhooks(SimulatorWebhooks(url: url, verifierToken: webhooks.verifierToken))
            }
            if let listener = server.metricsListener {
                FileHandle.standardError.write(Data("qbsync: metrics at http://\(self.metricsHost):\(try await listener.port())/metrics\n".utf8))
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

extension ServeCommand {
    /// The key (file, else env QBSYNC_SECRETS_KEY) and the previous ones.
    func secretSealer(_ environment: [String: String]) throws -> SecretSealer {
        func key(file path: String, option: String) throws -> SecretSealer.Key {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(option): cannot read \(path)") }
            do {
                return try SecretSealer.Key(material: data, source: "\(option) \(path)")
            } catch {
                throw ValidationError("\(error)")
            }
        }
        let keyInEnvironment = !(environment["QBSYNC_SECRETS_KEY"] ?? "").isEmpty
        if self.secretsKeyFile == nil, !keyInEnvironment, !self.previousSecretsKeyFiles.isEmpty {
            throw ValidationError("--previous-secrets-key-file needs --secrets-key-file (the key to seal under)")
        }
        var current: SecretSealer.Key?
        if let path = self.secretsKeyFile {
            current = try key(file: path, option: "--secrets-key-file")
        } else if let text = environment["QBSYNC_SECRETS_KEY"], !text.isEmpty {
            do {
                current = try SecretSealer.Key(material: Data(text.utf8), source: "QBSYNC_SECRETS_KEY")
            } catch {
                throw ValidationError("\(error)")
            }
        }
        let previous = try self.previousSecretsKeyFiles.map { try key(file: $0, option: "--previous-secrets-key-file") }
        return SecretSealer(current: current, previous: previous)
    }

    /// The option's value when given, else the environment variable's when
    /// set and not empty; with the name of the one used, for messages.
    static func chosen(_ option: String?, _ optionName: String, _ environment: [String: String], _ variable: String) -> (String, String)? {
        if let option { return (option, optionName) }
        guard let value = environment[variable], !value.isEmpty else { return nil }
        return (value, variable)
    }

    // MARK: Tracing

    /// An http or https URL with a host.
    static func checkTracesEndpoint(_ endpoint: String, option: String) throws {
        guard let url = URLComponents(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), !(url.host ?? "").isEmpty else {
            throw ValidationError("\(option) must be an http:// or https:// URL, such as http://localhost:4318/v1/traces")
        }
    }

    /// Bootstraps swift-otel for traces only (metrics go to Prometheus, logs
    /// to stderr); the returned service exports spans in batches.
    static func bootstrapTracing(endpoint: String) throws -> any Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "qbsync"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.endpoint = endpoint
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        return try OTel.bootstrap(configuration: configuration)
    }
}
