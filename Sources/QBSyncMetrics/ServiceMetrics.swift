import CoreMetrics
import Prometheus
import QBSyncCore
import QBSyncWire

/// The service's metrics, kept with swift-metrics' API on a Prometheus
/// registry of its own (no global bootstrap, so each server, and each test,
/// has its own), exposed in Prometheus' text format by ``MetricsListener``.
///
/// | metric | kind | labels |
/// | --- | --- | --- |
/// | `qbsync_rpc_duration_seconds` | histogram | `method`, `status` (OK or the status code) |
/// | `qbsync_qbo_requests_total` | counter | `company`, `realm`, `status` (2xx, 3xx, 4xx, 429, 5xx, none) |
/// | `qbsync_qbo_request_duration_seconds` | histogram | `company` |
/// | `qbsync_push_duration_seconds` | histogram | `entity`, `result` (synced, blocked, skipped, failed) |
/// | `qbsync_queue_depth` | gauge | `company` (records PENDING or SYNCING), read at each scrape |
/// | `qbsync_companies` | gauge | `state` (active, error, disconnected), read at each scrape |
public final class ServiceMetrics: EngineObserver, Sendable {
    /// Where every metric lives.
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    public init() {
        var factory = PrometheusMetricsFactory(registry: self.registry)
        // Calls take tens of microseconds; QBO requests and pushes tens of milliseconds to seconds.
        factory.durationHistogramBuckets["qbsync_rpc_duration_seconds"] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100), .seconds(1), .seconds(10),
        ]
        let slow: [Duration] = [.milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60)]
        factory.durationHistogramBuckets["qbsync_qbo_request_duration_seconds"] = slow
        factory.durationHistogramBuckets["qbsync_push_duration_seconds"] = slow
        self.factory = factory
    }

    /// An RPC ended (see `RPCRouter.observe`).
    public func rpcEnded(method: String, status: String, duration: Duration) {
        self.timer("qbsync_rpc_duration_seconds", [("method", method), ("status", status)]).recordNanoseconds(Self.nanoseconds(duration))
    }

    public func qboRequest(companyID: String, realmID: String, status: Int?, duration: Duration) {
        let label: String = switch status {
        case nil: "none"
        case 429: "429"
        case let code?: "\(code / 100)xx"
        }
        self.counter("qbsync_qbo_requests_total", [("company", companyID), ("realm", realmID), ("status", label)]).increment()
        self.timer("qbsync_qbo_request_duration_seconds", [("company", companyID)]).recordNanoseconds(Self.nanoseconds(duration))
    }

    public func pushed(companyID: String, entity: EntityType, result: String, duration: Duration) {
        self.timer("qbsync_push_duration_seconds", [("entity", entity.label), ("result", result)]).recordNanoseconds(Self.nanoseconds(duration))
    }

    /// The text a scrape gets: the gauges set from `health` first.
    public func exposition(health: GetHealthResponse) -> [UInt8] {
        var states: [String: Int] = ["active": 0, "error": 0, "disconnected": 0]
        for company in health.companies {
            Gauge(label: "qbsync_queue_depth", dimensions: [("company", company.companyID)], factory: self.factory).record(Int64(clamping: company.queueDepth))
            states[Self.name(of: company.connectionState), default: 0] += 1
        }
        for (state, count) in states {
            Gauge(label: "qbsync_companies", dimensions: [("state", state)], factory: self.factory).record(count)
        }
        return self.registry.emitToBuffer()
    }

    private static func name(of state: ConnectionState) -> String {
        switch state {
        case .active: "active"
        case .error: "error"
        default: "disconnected"
        }
    }

    // The registry keeps one metric per name and labels: asking again returns it.
    private func timer(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: label, dimensions: dimensions, factory: self.factory)
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: label, dimensions: dimensions, factory: self.factory)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
