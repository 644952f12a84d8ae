/// QBO's throttle for one realm: a sliding 60-second request budget and a cap on requests
/// in flight. A refused request is not counted against the budget.
struct RequestGate: Sendable {
    var requestsPerMinute: Int
    var concurrentLimit: Int
    private(set) var inFlight = 0
    private(set) var maxConcurrentSeen = 0
    private var admitted: [ContinuousClock.Instant] = []
    private var oldest = 0

    init(requestsPerMinute: Int, concurrentLimit: Int) {
        self.requestsPerMinute = requestsPerMinute
        self.concurrentLimit = concurrentLimit
    }

    /// Admits a request unless either limit is reached; an admitted request must be
    /// `release`d when answered.
    mutating func admit(at now: ContinuousClock.Instant) -> Bool {
        forget(before: now)
        guard inFlight < concurrentLimit, admitted.count - oldest < requestsPerMinute else { return false }
        admitted.append(now)
        inFlight += 1
        maxConcurrentSeen = max(maxConcurrentSeen, inFlight)
        return true
    }

    mutating func release() {
        inFlight = max(0, inFlight - 1)
    }

    mutating func requestsInLastMinute(at now: ContinuousClock.Instant) -> Int {
        forget(before: now)
        return admitted.count - oldest
    }

    private mutating func forget(before now: ContinuousClock.Instant) {
        let windowStart = now - .seconds(60)
        while oldest < admitted.count, admitted[oldest] <= windowStart { oldest += 1 }
        if oldest > 1024, oldest * 2 > admitted.count {
            admitted.removeFirst(oldest)
            oldest = 0
        }
    }
}
