import Foundation
import Testing

@testable import QBSyncCore

/// The per-realm limiter's counting, narrowing and widening, without QBO.
@Suite struct RateLimiterTests {
    @Test func slotsAreCountedPerMinuteAndInFlight() async {
        let limiter = RateLimiter(requestsPerMinute: 100, maxConcurrent: 3)
        for _ in 0..<3 { await limiter.acquire() }
        #expect(await limiter.requestsInFlight == 3)
        #expect(await limiter.requestsLastMinute == 3)
        await limiter.release()
        #expect(await limiter.requestsInFlight == 2)
        #expect(await limiter.requestsLastMinute == 3)
    }

    @Test func busyWhenSomeoneWaitsOrFourFifthsOfTheMinuteAreSpent() async {
        let limiter = RateLimiter(requestsPerMinute: 10, maxConcurrent: 2)
        #expect(await !limiter.isBusy)
        await limiter.acquire()
        await limiter.release()
        #expect(await !limiter.isBusy)  // 1 of 10
        await limiter.acquire()
        await limiter.acquire()
        let waiter = Task { await limiter.acquire() }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await limiter.isBusy)  // a caller waits for a slot
        await limiter.release()
        await waiter.value
        await limiter.release()
        await limiter.release()
        #expect(await !limiter.isBusy)  // 4 of 10, nobody waiting
        for _ in 0..<4 {
            await limiter.acquire()
            await limiter.release()
        }
        #expect(await limiter.isBusy)  // 8 of 10
    }

    @Test func aPeriodicDriftCheckIsPutOffAnHourAtMost() {
        let now = Date()
        #expect(SyncEngine.driftCheckOverdue(cursor: "", now: now))
        #expect(!SyncEngine.driftCheckOverdue(cursor: now.addingTimeInterval(-600).formatted(.iso8601), now: now))
        #expect(SyncEngine.driftCheckOverdue(cursor: now.addingTimeInterval(-3_601).formatted(.iso8601), now: now))
    }

    @Test func aFullConcurrencyMakesTheNextCallerWaitForARelease() async {
        let limiter = RateLimiter(requestsPerMinute: 100, maxConcurrent: 1)
        await limiter.acquire()
        let waiter = Task { await limiter.acquire(); return true }
        // Still waiting: nothing was released. (Nothing can release it but us.)
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await limiter.requestsInFlight == 1)
        await limiter.release()
        #expect(await waiter.value)
        #expect(await limiter.requestsInFlight == 1)
    }

    @Test func a429PausesTheRealmAndNarrowsConcurrency() async {
        let limiter = RateLimiter(requestsPerMinute: 10_000, maxConcurrent: 8)
        await limiter.acquire()
        await limiter.throttled(retryAfter: .seconds(60))
        #expect(await limiter.currentConcurrency == 6)
        #expect(await limiter.throttledCount == 1)
        #expect(await limiter.pausedFor != nil)
    }

    @Test func successesAfter429sWidenConcurrencyAgain() async {
        let limiter = RateLimiter(requestsPerMinute: 10_000, maxConcurrent: 8)
        for _ in 0..<2 {
            await limiter.acquire()  // after the previous 1 ms pause
            await limiter.throttled(retryAfter: .milliseconds(1))
        }
        #expect(await limiter.currentConcurrency == 4)
        for _ in 0..<200 {
            await limiter.acquire()
            await limiter.release()
        }
        #expect(await limiter.currentConcurrency == 5)
    }

    @Test func limitsBelowOneAreRaisedToOne() async {
        let limiter = RateLimiter(requestsPerMinute: 0, maxConcurrent: -3)
        #expect(await limiter.requestsPerMinute == 1)
        #expect(await limiter.maxConcurrent == 1)
    }
}
