import DequeModule
import QBOClient

/// Keeps one realm under QBO's limits: requests per minute (sliding window)
/// and requests in flight. A 429 pauses the realm and lowers its rate for a while.
///
/// QBO's window is measured on its side, when a request arrives; ours is
/// measured when a request leaves, a little earlier, so the window is padded
/// by ``windowMargin`` to keep normal operation free of 429s.
public actor RateLimiter {
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
    private var waiters: Deque<CheckedContinuation<Void, Never>> = []
    private var wakeScheduled = false
    /// 429s seen.
    public private(set) var throttledCount = 0

    /// Creates a limiter.
    public init(requestsPerMinute: Int, maxConcurrent: Int, windowMargin: Duration = .milliseconds(500)) {
        self.requestsPerMinute = max(1, requestsPerMinute)
        self.maxConcurrent = max(1, maxConcurrent)
        self.windowMargin = windowMargin
    }

    /// Requests sent in the last minute.
    public var requestsLastMinute: Int {
        self.expire(now: .now)
        return self.sent.count
    }

    /// Requests in flight now.
    public var requestsInFlight: Int { self.inFlight }

    private var currentLimit: Int {
        if let slowedUntil, slowedUntil > .now { return max(1, self.requestsPerMinute / 2) }
        return self.requestsPerMinute
    }

    /// Waits for a slot, then takes it. Pair with ``release()``.
    public func acquire() async {
        while !self.tryTake() {
            await withCheckedContinuation { self.waiters.append($0) }
        }
    }

    /// Gives a slot back.
    public func release() {
        self.inFlight -= 1
        self.wakeOne()
    }

    /// QBO answered 429: pause, then run at half rate for a few minutes.
    public func throttled(retryAfter: Duration?) {
        self.throttledCount += 1
        let pause = retryAfter ?? .seconds(60)
        self.pausedUntil = .now + pause
        self.slowedUntil = .now + pause + .seconds(300)
        self.scheduleWake(at: .now + pause)
    }

    private func tryTake() -> Bool {
        let now = ContinuousClock.now
        if let pausedUntil, pausedUntil > now {
            self.scheduleWake(at: pausedUntil)
            return false
        }
        self.expire(now: now)
        guard self.inFlight < self.maxConcurrent else { return false }
        guard self.sent.count < self.currentLimit else {
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
        if let waiter = self.waiters.popFirst() { waiter.resume() }
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
        let waiting = self.waiters
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
            await self.limiter.release()
            if response.status == 429 {
                await self.limiter.throttled(retryAfter: response.header("Retry-After").flatMap(Int.init).map { .seconds($0) })
            }
            return response
        } catch {
            await self.limiter.release()
            throw error
        }
    }
}
