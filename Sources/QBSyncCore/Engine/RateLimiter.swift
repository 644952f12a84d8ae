import DequeModule
import QBOClient
import QBSyncStore

/// Keeps one realm under QBO's limits: requests per minute (sliding window)
/// and requests in flight. A 429 pauses the realm — half a second at first,
/// doubling with every further 429 up to QBO's minute — and narrows how many
/// requests run at once; successes widen it again.
///
/// QBO's window is measured on its side, when a request arrives; ours is
/// measured when a request leaves, a little earlier, so the window is padded
/// by ``windowMargin`` to keep normal operation free of 429s.
///
/// Requests are made for a lane (``lane``, set by whoever starts the work):
/// backfill requests never take the last request in flight nor the last
/// tenth of the minute's budget, and a freed slot goes to a waiting
/// interactive request first, so a backlog cannot make a single record wait
/// for the window to turn over.
public actor RateLimiter {
    /// The lane of the requests the current task makes (interactive unless
    /// set: pushes set their record's lane, the periodic drift poll backfill).
    @TaskLocal public static var lane: QueueLane = .interactive

    /// Requests allowed per minute.
    public let requestsPerMinute: Int
    /// Requests allowed in flight.
    public let maxConcurrent: Int
    /// Padding added to the 60-second window.
    public let windowMargin: Duration

    private var sent: Deque<ContinuousClock.Instant> = []
    private var inFlight = 0
    private var pausedUntil: ContinuousClock.Instant?
    private var slowedUntil: ContinuousClock.Instant?
    private var throttleStreak = 0
    private var concurrency: Int
    private var successesSinceWidening = 0
    private var waiters: [QueueLane: Deque<CheckedContinuation<Void, Never>>] = [:]
    private var wakeScheduled = false
    /// 429s seen.
    public private(set) var throttledCount = 0

    /// Creates a limiter.
    public init(requestsPerMinute: Int, maxConcurrent: Int, windowMargin: Duration = .milliseconds(500)) {
        self.requestsPerMinute = max(1, requestsPerMinute)
        self.maxConcurrent = max(1, maxConcurrent)
        self.concurrency = max(1, maxConcurrent)
        self.windowMargin = windowMargin
    }

    /// Requests sent in the last minute.
    public var requestsLastMinute: Int {
        self.expire(now: .now)
        return self.sent.count
    }

    /// Requests in flight now.
    public var requestsInFlight: Int { self.inFlight }

    /// True when pushes are using the realm: someone waits for a slot, or
    /// four fifths of the minute's budget are spent. Background reads (the
    /// drift poll) wait for a quieter moment then.
    public var isBusy: Bool {
        self.expire(now: .now)
        return self.waiters.values.contains { !$0.isEmpty } || self.pausedFor != nil || self.sent.count >= self.currentLimit * 4 / 5
    }

    /// How long a 429 still pauses the realm; nil when it is not paused.
    public var pausedFor: Duration? {
        guard let pausedUntil, pausedUntil > .now else { return nil }
        return pausedUntil - .now
    }

    private var currentLimit: Int {
        if let slowedUntil, slowedUntil > .now { return max(1, self.requestsPerMinute * 4 / 5) }
        return self.requestsPerMinute
    }

    /// Requests allowed in flight now (narrowed after 429s).
    public var currentConcurrency: Int { self.concurrency }

    /// Requests of the minute's budget only interactive requests may use.
    public var backfillReserve: Int { self.currentLimit - Self.backfillShare(of: self.currentLimit) }

    /// Waits for a slot for `lane`, then takes it. Pair with ``release()``.
    public func acquire(lane: QueueLane = RateLimiter.lane) async {
        while !self.tryTake(lane) {
            await withCheckedContinuation { self.waiters[lane, default: []].append($0) }
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
        self.wakeOne()
    }

    /// Gives a slot back after a 429: pause (Retry-After if QBO sent one,
    /// else 0.5 s doubling per consecutive 429, at most 60 s), narrow the
    /// concurrency, and run at 80% of the rate for a minute.
    public func throttled(retryAfter: Duration?) {
        self.inFlight -= 1
        self.throttledCount += 1
        self.throttleStreak += 1
        self.successesSinceWidening = 0
        self.concurrency = max(1, self.concurrency * 3 / 4)
        let pause = retryAfter ?? min(.seconds(60), .milliseconds(500) * (1 << min(self.throttleStreak - 1, 7)))
        self.pausedUntil = max(self.pausedUntil ?? .now, .now + pause)
        self.slowedUntil = .now + pause + .seconds(60)
        self.scheduleWake(at: .now + pause)
    }

    private func tryTake(_ lane: QueueLane) -> Bool {
        let now = ContinuousClock.now
        if let pausedUntil, pausedUntil > now {
            self.scheduleWake(at: pausedUntil)
            return false
        }
        self.expire(now: now)
        let backfill = lane == .backfill
        guard self.inFlight < self.concurrency - (backfill && self.concurrency > 1 ? 1 : 0) else { return false }
        guard self.sent.count < self.currentLimit - (backfill ? self.backfillReserve : 0) else {
            if let oldest = self.sent.first { self.scheduleWake(at: oldest + .seconds(60) + self.windowMargin) }
            return false
        }
        self.sent.append(now)
        self.inFlight += 1
        return true
    }

    private func expire(now: ContinuousClock.Instant) {
        let horizon = now - .seconds(60) - self.windowMargin
        while let oldest = self.sent.first, oldest <= horizon { self.sent.removeFirst() }
    }

    private func wakeOne() {
        for lane in QueueLane.allCases {
            if let waiter = self.waiters[lane]?.popFirst() {
                waiter.resume()
                return
            }
        }
    }

    private func scheduleWake(at instant: ContinuousClock.Instant) {
        guard !self.wakeScheduled else { return }
        self.wakeScheduled = true
        Task {
            try? await Task.sleep(until: instant, clock: .continuous)
            self.woke()
        }
    }

    private func woke() {
        self.wakeScheduled = false
        // Everyone retries; those who still do not fit wait again.
        let waiting = QueueLane.allCases.flatMap { self.waiters[$0] ?? [] }
        self.waiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }
}

/// An HTTP transport that takes a rate-limit slot for every API request.
public struct RateLimitedTransport: HTTPTransport {
    let base: any HTTPTransport
    let limiter: RateLimiter

    /// Wraps `base`.
    public init(base: any HTTPTransport, limiter: RateLimiter) {
        self.base = base
        self.limiter = limiter
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        await self.limiter.acquire()
        do {
            let response = try await self.base.send(request)
            if response.status == 429 {
                await self.limiter.throttled(retryAfter: response.header("Retry-After").flatMap(Int.init).map { .seconds($0) })
            } else {
                await self.limiter.release()
            }
            return response
        } catch {
            await self.limiter.release()
            throw error
        }
    }
}
