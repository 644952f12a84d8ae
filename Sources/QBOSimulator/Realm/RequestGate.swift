/// QBO's throttle for one realm: a sliding 60-second request budget, a sliding 60-second
/// budget of its own for batch requests, and a cap on requests in flight.
///
/// A batch is one HTTP request: it takes one place in flight and one unit of the request
/// budget (Intuit: the 500 a minute include batch requests), and one unit of the batch
/// budget besides. Every limit is checked before anything is recorded, so a refused request
/// is counted against none of them.
struct RequestGate: Sendable {
    /// What a request is, to the throttle.
    enum Kind: Sendable {
        case single
        /// `POST /batch`.
        case batch
    }

    /// The gate's answer: let through, or the limit that refused it.
    enum Admission: Sendable, Equatable {
        case admitted
        case overConcurrentLimit
        case overRequestBudget
        case overBatchBudget
    }

    var limits: RealmLimits
    private(set) var inFlight = 0
    private(set) var maxConcurrentSeen = 0
    private var requests = MinuteWindow()
    private var batches = MinuteWindow()

    init(limits: RealmLimits) {
        self.limits = limits
    }

    /// Admits a request unless a limit is reached; an admitted request must be `release`d
    /// when answered. The limits are checked in flight first, then the request budget,
    /// then, for a batch, the batch budget.
    mutating func admit(_ kind: Kind = .single, at now: ContinuousClock.Instant) -> Admission {
        guard inFlight < limits.concurrent else { return .overConcurrentLimit }
        guard requests.count(at: now) < limits.requestsPerMinute else { return .overRequestBudget }
        if kind == .batch {
            guard batches.count(at: now) < limits.batchRequestsPerMinute else { return .overBatchBudget }
            batches.record(at: now)
        }
        requests.record(at: now)
        inFlight += 1
        maxConcurrentSeen = max(maxConcurrentSeen, inFlight)
        return .admitted
    }

    mutating func release() {
        inFlight = max(0, inFlight - 1)
    }

    mutating func requestsInLastMinute(at now: ContinuousClock.Instant) -> Int {
        requests.count(at: now)
    }
}
