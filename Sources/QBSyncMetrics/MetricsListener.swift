import Logging
import NIOHTTP1
import NIOServing
import QBSyncCore
import ServiceLifecycle

/// `GET /metrics` in Prometheus' text format, on its own TCP port
/// (`qbsync serve --metrics-port`). Anything else is 404 or 405; a body is
/// not read past 4 KiB. Scrapes read the store's health (queue depths,
/// connection states) as GetHealth does.
public final class MetricsListener: Service, Sendable {
    private let http: HTTPListener
    private let logger: Logger
    private let address: String

    /// Creates the listener (it binds when run).
    public init(host: String, port: Int, metrics: ServiceMetrics, engine: SyncEngine, logger: Logger) {
        self.logger = logger
        self.address = "\(host):\(port)"
        self.http = HTTPListener(host: host, port: port, maxBodyBytes: 4096, logger: logger) { request, _ in
            guard request.uri.split(separator: "?", maxSplits: 1).first == "/metrics" else { return HTTPListener.Answer(.notFound, "not found; metrics are at /metrics") }
            guard request.method == .GET else { return HTTPListener.Answer(.methodNotAllowed, "GET only") }
            do {
                let health = try await engine.health(companyID: nil, errorLimit: 0)
                return HTTPListener.Answer(.ok, body: metrics.exposition(health: health), contentType: "text/plain; version=0.0.4; charset=utf-8")
            } catch {
                return HTTPListener.Answer(.internalServerError, "could not read the service's health: \(error)")
            }
        }
    }

    /// The port it listens on, once bound (waits up to 10 s).
    public func port() async throws -> Int {
        try await self.http.port()
    }

    public func run() async throws {
        self.logger.info("metrics listener up", metadata: ["address": "\(self.address)/metrics"])
        try await self.http.run()
    }
}
