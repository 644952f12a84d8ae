/// A realm's throttle settings, as a new realm gets them from the configuration and as
/// `/admin/realms/{id}/limits` reads and changes them.
struct RealmLimits: Sendable, Hashable {
    /// Requests of any kind, batches included, in a sliding 60-second window (QBO: 500).
    var requestsPerMinute: Int
    /// Requests in flight at once (QBO: 10).
    var concurrent: Int
    /// Batch requests in a sliding 60-second window, on top of `requestsPerMinute` (QBO: 40).
    var batchRequestsPerMinute: Int

    /// What any limit may be set to. Zero would refuse every request for good, which is
    /// what a fault plan is for; the top keeps a limit an `Int` on every platform and far
    /// above any load the simulator can see in a minute.
    static let allowed = 1...1_000_000_000

    init(configuration: SimulatorConfiguration) {
        requestsPerMinute = configuration.requestsPerMinute
        concurrent = configuration.concurrentRequests
        batchRequestsPerMinute = configuration.batchRequestsPerMinute
    }

    init(requestsPerMinute: Int, concurrent: Int, batchRequestsPerMinute: Int) {
        self.requestsPerMinute = requestsPerMinute
        self.concurrent = concurrent
        self.batchRequestsPerMinute = batchRequestsPerMinute
    }

    /// These limits with each given value replacing the current one; nil keeps it.
    /// - Throws: `SimulatorError` 400 naming the first value outside `allowed`.
    func updated(requestsPerMinute: Int?, concurrent: Int?, batchRequestsPerMinute: Int?) throws(SimulatorError) -> RealmLimits {
        var limits = self
        if let requestsPerMinute {
            limits.requestsPerMinute = try Self.check(requestsPerMinute, "requestsPerMinute")
        }
        if let concurrent {
            limits.concurrent = try Self.check(concurrent, "concurrent")
        }
        if let batchRequestsPerMinute {
            limits.batchRequestsPerMinute = try Self.check(batchRequestsPerMinute, "batchRequestsPerMinute")
        }
        return limits
    }

    /// The error for a limit that is not a whole number within `allowed`.
    static func outOfRange(_ name: String, got value: String) -> SimulatorError {
        .badRequest(
            "\(name) must be a whole number from \(allowed.lowerBound) to \(allowed.upperBound), got \(value)")
    }

    private static func check(_ value: Int, _ name: String) throws(SimulatorError) -> Int {
        guard allowed.contains(value) else { throw outOfRange(name, got: String(value)) }
        return value
    }
}
