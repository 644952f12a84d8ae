import DequeModule
import QBOClient
import QBSyncStore

/// Keeps one realm under QBO's limits, pacing rather than bursting: requests
/// per minute and batch requests per minute (a batch spends one of each), each
/// a token bucket refilled smoothly at the minute's rate and holding at most
/// ``burst`` tokens, behind a sliding 60-second window that is never
/// exceeded; and requests in flight. A 429 pauses the realm — half a second at
/// first, doubling with every further 429 up to QBO's minute — empties the
/// buckets, narrows how many requests run at once and runs at four fifths of
/// the rate for a minute; successes widen it again.
///
/// QBO's window is measured on its side, when a request arrives; ours is
/// measured when a request leaves, a little earlier, so the window is padded
/// by ``windowMargin`` to keep normal operation free of 429s.
///
/// Requests are made for a lane (``lane``, set by whoever starts the work):
/// backfill requests never take the last request in flight nor the last
/// tenth of the minute's budget, and slots are handed to waiting interactive
/// requests first, so a backlog cannot make a single record wait longer than
/// the next token.
public actor RateLimiter {
    /// The lane of the requests the current task makes (interactive unless
    /// set: pushes set their record's lane, the periodic drift poll backfill).
    @TaskLocal public static var lane: QueueLane = .interactive

    /// What a request spends.
    public enum Kind: Sendable {
        /// One request of the minute's budget.
        case single
        /// `POST /batch`: one request and one batch request.
        case batch
    }

    /// Requests allowed per minute.
    public let requestsPerMinute: Int
    /// Batch requests allowed per minute (they also count as requests).
    public let batchRequestsPerMinute: Int
    /// Requests allowed in flight.
    public let maxConcurrent: Int
    /// The most requests the bucket lets go at once after a quiet spell.
    public let burst: Int
    /// Padding added to the 60-second window.
    public let windowMargin: Duration

    private var requests: Budget
    /// What the backfill lane spends of `requests`, paced at its share, so a
    /// backlog goes evenly instead of reaching its share early in the window and stalling.
    private var backfillRequests: Budget
    private var batches: Budget
    private var inFlight = 0
    private var pausedUntil: ContinuousClock.Instant?
    private var slowedUntil: ContinuousClock.Instant?
    private var throttleStreak = 0
    private var concurrency: Int
    private var successesSinceWidening = 0
    private var waiters: [QueueLane: Deque<Waiter>] = [:]
    private var wakeAt: ContinuousClock.Instant?
    /// 429s seen.
    public private(set) var throttledCount = 0

    private struct Waiter {
        var kind: Kind
        var continuation: CheckedContinuation<Void, Never>
    }

    /// Creates a limiter.
    ///
    /// - Parameters:
    ///   - requestsPerMinute: QBO's request budget (500).
    ///   - maxConcurrent: Requests in flight (10).
    ///   - batchRequestsPerMinute: QBO's batch budget (40).
    ///   - burst: Requests let go at once; by default a tenth of the minute, at most `maxConcurrent`.
    ///   - windowMargin: Padding of the 60-second window.
    public init(requestsPerMinute: Int, maxConcurrent: Int, batchRequestsPerMinute: Int = 40, burst: Int? = nil, windowMargin: Duration = .milliseconds(500)) {
        self.requestsPerMinute = max(1, requestsPerMinute)
        self.batchRequestsPerMinute = max(1, batchRequestsPerMinute)
        self.maxConcurrent = max(1, maxConcurrent)
        self.concurrency = max(1, maxConcurrent)
        self.burst = max(1, burst ?? min(max(1, maxConcurrent), max(1, requestsPerMinute) / 10))
        self.windowMargin = windowMargin
        self.requests = Budget(burst: self.burst)
        self.backfillRequests = Budget(burst: self.burst)
        self.batches = Budget(burst: max(1, min(self.burst, self.batchRequestsPerMinute / 20)))
    }

    /// Requests sent in the last minute.
    public var requestsLastMinute: Int {
        self.requests.expire(now: .now, margin: self.windowMargin)
        return self.requests.sent.count
    }

    /// Batch requests sent in the last minute.
    public var batchRequestsLastMinute: Int {
        self.batches.expire(now: .now, margin: self.windowMargin)
        return self.batches.sent.count
    }

    /// Requests in flight now.
    public var requestsInFlight: Int { self.inFlight }

    /// True when pushes are using the realm: someone waits for a slot, or
    /// four fifths of the minute's budget are spent. Background reads (the
    /// drift poll) wait for a quieter moment then.
    public var isBusy: Bool {
        let now = ContinuousClock.now
        self.requests.expire(now: now, margin: self.windowMargin)
        return self.waiters.values.contains { !$0.isEmpty } || self.pausedFor != nil || self.requests.sent.count >= self.limit(.single, now: now) * 4 / 5
    }

    /// How long a 429 still pauses the realm; nil when it is not paused.
    public var pausedFor: Duration? {
        guard let pausedUntil, pausedUntil > .now else { return nil }
        return pausedUntil - .now
    }

    private var slowed: Bool {
        guard let slowedUntil else { return false }
        return slowedUntil > .now
    }

    /// The budget per minute now (four fifths for a minute after a 429).
    private func limit(_ kind: Kind, now: ContinuousClock.Instant) -> Int {
        let limit = kind == .batch ? self.batchRequestsPerMinute : self.requestsPerMinute
        return self.slowed ? max(1, limit * 4 / 5) : limit
    }

    /// Requests allowed in flight now (narrowed after 429s).
    public var currentConcurrency: Int { self.concurrency }

    /// Requests of the minute's budget only interactive requests may use.
    public var backfillReserve: Int {
        let limit = self.limit(.single, now: .now)
        return limit - Self.backfillShare(of: limit)
    }

    /// Waits for a slot for `lane`, then takes it. Pair with ``release()``.
    public func acquire(lane: QueueLane = RateLimiter.lane, kind: Kind = .single) async {
        if self.waiters.values.allSatisfy(\.isEmpty), self.take(lane, kind, now: .now) { return }
        // Others wait: take a place in line, and go now if the line lets this one through.
        await withCheckedContinuation { continuation in
            self.waiters[lane, default: []].append(Waiter(kind: kind, continuation: continuation))
            self.dispatch()
        }
    }

    /// Gives a slot back after an answer that was not a 429.
    public func release() {
        self.inFlight -= 1
        self.throttleStreak = 0
        self.successesSinceWidening += 1
        if self.concurrency < self.maxConcurrent && self.successesSinceWidening >= 200 {
            self.concurrency += 1
            self.successesSinceWidening = 0
        }
        self.dispatch()
    }

    /// Gives a slot back after a 429: pause (Retry-After if QBO sent one,
    /// else 0.5 s doubling per consecutive 429, at most 60 s), empty the
    /// buckets, narrow the concurrency, and run at 80% of the rate for a minute.
    public func throttled(retryAfter: Duration?) {
        self.inFlight -= 1
        self.throttledCount += 1
        self.throttleStreak += 1
        self.successesSinceWidening = 0
        self.concurrency = max(1, self.concurrency * 3 / 4)
        let pause = retryAfter ?? min(.seconds(60), .milliseconds(500) * (1 << min(self.throttleStreak - 1, 7)))
        let now = ContinuousClock.now
        self.pausedUntil = max(self.pausedUntil ?? now, now + pause)
        self.slowedUntil = now + pause + .seconds(60)
        self.requests.empty(at: now)
        self.backfillRequests.empty(at: now)
        self.batches.empty(at: now)
        self.scheduleWake(at: now + pause)
    }

    /// Hands free slots to waiters: interactive ones first; within a lane
    /// batches first (one carries up to 30 records for the same request),
    /// then the others in order of arrival. A batch short of its own budget
    /// does not hold up the single requests behind it.
    private func dispatch() {
        let now = ContinuousClock.now
        for lane in QueueLane.allCases {
            guard var queue = self.waiters[lane], !queue.isEmpty else { continue }
            for kind in [Kind.batch, .single] {
                var index = 0
                while index < queue.count {
                    guard queue[index].kind == kind else {
                        index += 1
                        continue
                    }
                    guard self.take(lane, kind, now: now) else { break }  // the others of this kind wait for the same
                    queue.remove(at: index).continuation.resume()
                }
            }
            self.waiters[lane] = queue
            if lane == .interactive, queue.contains(where: { $0.kind == .single }) { return }  // backfill waits behind them
        }
    }

    /// Takes a slot if `lane` and `kind` fit now.
    private func take(_ lane: QueueLane, _ kind: Kind, now: ContinuousClock.Instant) -> Bool {
        if let until = self.blocker(lane, kind, now: now) {
            if let until { self.scheduleWake(at: until) }
            return false
        }
        self.requests.spend(at: now)
        if lane == .backfill { self.backfillRequests.spend(at: now) }
        if kind == .batch { self.batches.spend(at: now) }
        self.inFlight += 1
        return true
    }

    /// Nil when `lane` and `kind` fit now; else what they wait for: an
    /// instant, or nil inside when only an answer (a slot in flight) frees one.
    private func blocker(_ lane: QueueLane, _ kind: Kind, now: ContinuousClock.Instant) -> ContinuousClock.Instant?? {
        if let pausedUntil, pausedUntil > now { return .some(pausedUntil) }
        let backfill = lane == .backfill
        guard self.inFlight < self.concurrency - (backfill && self.concurrency > 1 ? 1 : 0) else { return .some(nil) }
        let limit = self.limit(.single, now: now)
        if let until = self.requests.blocker(limit: limit, share: limit, now: now, margin: self.windowMargin) { return .some(until) }
        if backfill {
            let share = Self.backfillShare(of: limit)
            if let until = self.backfillRequests.blocker(limit: share, share: share, now: now, margin: self.windowMargin) { return .some(until) }
        }
        if kind == .batch {
            let batchLimit = self.limit(.batch, now: now)
            if let until = self.batches.blocker(limit: batchLimit, share: batchLimit, now: now, margin: self.windowMargin) { return .some(until) }
        }
        return nil
    }

    private func scheduleWake(at instant: ContinuousClock.Instant) {
        if let wakeAt, wakeAt <= instant, wakeAt > .now { return }
        self.wakeAt = instant
        Task {
            try? await Task.sleep(until: instant, clock: .continuous)
            self.woke(instant)
        }
    }

    private func woke(_ instant: ContinuousClock.Instant) {
        if self.wakeAt == instant { self.wakeAt = nil }
        self.dispatch()
    }
}

extension RateLimiter {
    /// One budget: a token bucket refilled at the minute's rate, and the
    /// sliding window of what was sent, which is never exceeded.
    struct Budget {
        let burst: Int
        private(set) var tokens: Double
        private var refilledAt: ContinuousClock.Instant = .now
        private(set) var sent: Deque<ContinuousClock.Instant> = []

        init(burst: Int) {
            self.burst = burst
            self.tokens = Double(burst)
        }

        mutating func expire(now: ContinuousClock.Instant, margin: Duration) {
            let horizon = now - .seconds(60) - margin
            while let oldest = self.sent.first, oldest <= horizon { self.sent.removeFirst() }
        }

        /// Nil when one more fits (within `share` of the window, with a
        /// token); else the instant to look again.
        mutating func blocker(limit: Int, share: Int, now: ContinuousClock.Instant, margin: Duration) -> ContinuousClock.Instant? {
            self.expire(now: now, margin: margin)
            let perSecond = Double(limit) / 60
            let elapsed = now - self.refilledAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            self.tokens = min(Double(self.burst), self.tokens + seconds * perSecond)
            self.refilledAt = now
            if self.sent.count >= share, let oldest = self.sent.first {
                return oldest + .seconds(60) + margin
            }
            guard self.tokens >= 1 else {
                return now + .microseconds(Int64(((1 - self.tokens) / perSecond * 1e6).rounded(.up)))
            }
            return nil
        }

        mutating func spend(at now: ContinuousClock.Instant) {
            self.tokens -= 1
            self.sent.append(now)
        }

        /// After a 429: no saved-up tokens.
        mutating func empty(at now: ContinuousClock.Instant) {
            self.tokens = 0
            self.refilledAt = now
        }
    }
}

/// An HTTP transport that takes a rate-limit slot for every API request.
public struct RateLimitedTransport: HTTPTransport {
    let base: any HTTPTransport
    let limiter: RateLimiter
    let observe: (@Sendable (_ status: Int?, _ duration: Duration) -> Void)?

    /// Wraps `base`; `observe` is told each request's status (nil: no answer) and duration.
    public init(base: any HTTPTransport, limiter: RateLimiter, observe: (@Sendable (_ status: Int?, _ duration: Duration) -> Void)? = nil) {
        self.base = base
        self.limiter = limiter
        self.observe = observe
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        await self.limiter.acquire(kind: Self.isBatch(request) ? .batch : .single)
        let started = ContinuousClock.now
        do {
            let response = try await self.base.send(request)
            self.observe?(response.status, .now - started)
            if response.status == 429 {
                await self.limiter.throttled(retryAfter: response.header("Retry-After").flatMap(Int.init).map { .seconds($0) })
            } else {
                await self.limiter.release()
            }
            return response
        } catch {
            self.observe?(nil, .now - started)
            await self.limiter.release()
            throw error
        }
    }

    /// A `POST …/batch`: it spends the batch budget too.
    static func isBatch(_ request: HTTPRequest) -> Bool {
        request.method == .post && (request.url.split(separator: "?", maxSplits: 1).first?.hasSuffix("/batch") ?? false)
    }
}
