import Foundation
import QBOClient
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
        let limiter = RateLimiter(requestsPerMinute: 10, maxConcurrent: 2, burst: 10)
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
        let limiter = RateLimiter(requestsPerMinute: 100, maxConcurrent: 1, burst: 10)
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

/// Lanes: backfill leaves the last slot in flight and the last tenth of the
/// minute to interactive requests, which are also woken first.
@Suite struct RateLimiterLaneTests {
    @Test func backfillLeavesATenthOfTheMinuteToInteractiveRequests() async {
        let limiter = RateLimiter(requestsPerMinute: 20, maxConcurrent: 100, burst: 20)
        #expect(await limiter.backfillReserve == 2)
        for _ in 0..<18 {
            await limiter.acquire(lane: .backfill)
            await limiter.release()
        }
        let blocked = Task { await limiter.acquire(lane: .backfill); return true }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await limiter.requestsLastMinute == 18)  // the 19th backfill request waits for the window
        // Interactive requests still get the reserve at once.
        await limiter.acquire(lane: .interactive)
        await limiter.acquire(lane: .interactive)
        #expect(await limiter.requestsLastMinute == 20)
        _ = blocked  // goes when the window turns over
    }

    @Test func backfillNeverTakesTheLastRequestInFlight() async {
        let limiter = RateLimiter(requestsPerMinute: 1_000, maxConcurrent: 3)
        await limiter.acquire(lane: .backfill)
        await limiter.acquire(lane: .backfill)
        let third = Task { await limiter.acquire(lane: .backfill); return true }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await limiter.requestsInFlight == 2)
        await limiter.acquire(lane: .interactive)  // the reserved slot
        #expect(await limiter.requestsInFlight == 3)
        await limiter.release()  // the interactive one answered: back to 2, still no room for backfill
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await limiter.requestsInFlight == 2)
        await limiter.release()  // a backfill one answered: the waiting backfill request goes
        #expect(await third.value)
        #expect(await limiter.requestsInFlight == 2)
    }

    @Test func aFreedSlotGoesToAWaitingInteractiveRequestFirst() async {
        let limiter = RateLimiter(requestsPerMinute: 1_000, maxConcurrent: 1)
        await limiter.acquire(lane: .interactive)
        let order = OrderLog()
        let backfill = Task { await limiter.acquire(lane: .backfill); await order.append("backfill") }
        try? await Task.sleep(for: .milliseconds(30))
        let interactive = Task { await limiter.acquire(lane: .interactive); await order.append("interactive") }
        try? await Task.sleep(for: .milliseconds(30))
        await limiter.release()  // the backfill request waited longer, the interactive one goes first
        await interactive.value
        await limiter.release()
        await backfill.value
        #expect(await order.entries == ["interactive", "backfill"])
    }

    @Test func theQBOConnectionPoolLeavesEachRealmItsOwnTen() {
        // Every realm is on QBO's one host: a per-host cap would be shared by all of them.
        var configuration = EngineConfiguration()
        let pool = SyncEngine.transportConfiguration(configuration)
        #expect(pool.maxConnectionsPerHost == 0)
        #expect(pool.maxTotalConnections == 1_000)
        configuration.maxQBOConnections = 4
        #expect(SyncEngine.transportConfiguration(configuration).maxTotalConnections == 10)  // never below one realm's share
    }

    @Test func theBackfillShareAndTheTimeAtIt() {
        #expect(RateLimiter.backfillShare(of: 500) == 450)
        #expect(RateLimiter.backfillShare(of: 20) == 18)
        #expect(RateLimiter.backfillShare(of: 9) == 8)  // at least one request is kept back
        #expect(RateLimiter.backfillShare(of: 1) == 1)  // nothing to keep back from
        #expect(RateLimiter.backfillShare(of: 0) == 1)
        #expect(RateLimiter.secondsFor(requests: 450, perMinute: 450) == 60)   // paced: no burst at the start
        #expect(RateLimiter.secondsFor(requests: 451, perMinute: 450) == 61)
        #expect(RateLimiter.secondsFor(requests: 10_000, perMinute: 450) == 1_334)
        #expect(RateLimiter.secondsFor(requests: 0, perMinute: 0) == 0)
    }

    @Test func aBacklogsEstimateSpendsBothBudgets() {
        // 10,000 creates at QBO's limits (backfill share 450, 40 batches): 40 batches of 30
        // and 410 singles a minute, 1,610 documents: 6.2 minutes.
        let full = RateLimiter.backfillEstimate(singleRequests: 0, batchable: 10_000, perMinute: 450, batchesPerMinute: 40)
        #expect(full.seconds == 373)
        #expect(full.requests == 2_796)  // 7,453 creates in 249 batches, 2,547 alone
        // Without batches: one request each.
        let single = RateLimiter.backfillEstimate(singleRequests: 0, batchable: 10_000, perMinute: 450, batchesPerMinute: 0)
        #expect(single == (requests: 10_000, seconds: 1_334))
        // Payments (single only) longer than the creates: the singles decide, every create goes in a batch.
        let payments = RateLimiter.backfillEstimate(singleRequests: 4_100, batchable: 3_000, perMinute: 450, batchesPerMinute: 40)
        #expect(payments == (requests: 4_200, seconds: 600))
        // Everything in batches when the batch budget is all there is.
        #expect(RateLimiter.backfillEstimate(singleRequests: 0, batchable: 30, perMinute: 18, batchesPerMinute: 40) == (requests: 1, seconds: 4))
        #expect(RateLimiter.backfillEstimate(singleRequests: 0, batchable: 0, perMinute: 450, batchesPerMinute: 40) == (requests: 0, seconds: 0))
    }

    @Test func theLaneOfTheCurrentTaskIsUsedByDefault() async {
        let limiter = RateLimiter(requestsPerMinute: 1_000, maxConcurrent: 2)
        await RateLimiter.$lane.withValue(.backfill) { await limiter.acquire() }
        let second = Task { await RateLimiter.$lane.withValue(.backfill) { await limiter.acquire() }; return true }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await limiter.requestsInFlight == 1)  // backfill, from the task-local lane: no second slot
        await limiter.acquire()  // interactive by default
        #expect(await limiter.requestsInFlight == 2)
        await limiter.release()
        await limiter.release()
        #expect(await second.value)
    }
}

private actor OrderLog {
    var entries: [String] = []
    func append(_ entry: String) { self.entries.append(entry) }
}

/// The pacer: token buckets for requests and batch requests behind the
/// sliding window, so a backlog is sent at the minute's rate instead of in
/// a burst, and a batch spends both budgets.
@Suite struct RateLimiterPacingTests {
    @Test func aBacklogGoesAtTheMinutesRateNotInABurst() async {
        // 600 a minute is one every 100 ms; two may go at once.
        let limiter = RateLimiter(requestsPerMinute: 600, maxConcurrent: 10, burst: 2)
        let start = ContinuousClock.now
        for _ in 0..<12 {
            await limiter.acquire()
            await limiter.release()
        }
        // The burst, then ten tokens at 100 ms each: never sooner (a loaded machine is only slower).
        #expect(ContinuousClock.now - start >= .milliseconds(950))
        #expect(await limiter.requestsLastMinute == 12)
    }

    @Test func aBackfillIsPacedAtItsShareNotAtTheFullRate() async {
        // 600 a minute (10/s), of which backfill 540 (9/s): after the burst of 2,
        // nine backfill requests take a second, where interactive ones take 0.9 s.
        let limiter = RateLimiter(requestsPerMinute: 600, maxConcurrent: 10, burst: 2)
        let start = ContinuousClock.now
        for _ in 0..<11 {
            await limiter.acquire(lane: .backfill)
            await limiter.release()
        }
        #expect(ContinuousClock.now - start >= .milliseconds(980))
    }

    @Test func aBatchSpendsARequestAndABatchRequest() async {
        let limiter = RateLimiter(requestsPerMinute: 1_000, maxConcurrent: 10, batchRequestsPerMinute: 2)
        await limiter.acquire(lane: .backfill, kind: .batch)
        #expect(await limiter.requestsLastMinute == 1)
        #expect(await limiter.batchRequestsLastMinute == 1)
        // The next batch waits for the batch budget (one token every 30 s) ...
        let second = Task { await limiter.acquire(lane: .backfill, kind: .batch); return true }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await limiter.batchRequestsLastMinute == 1)
        // ... without holding up single requests of the same lane behind it.
        await limiter.acquire(lane: .backfill)
        await limiter.acquire(lane: .interactive)
        #expect(await limiter.requestsLastMinute == 3)
        #expect(await limiter.requestsInFlight == 3)
        second.cancel()  // left waiting: the test does not wait 30 s
    }

    @Test func a429EmptiesTheBucketSoTheRealmResumesSlowly() async {
        let limiter = RateLimiter(requestsPerMinute: 600, maxConcurrent: 10, burst: 10)
        await limiter.acquire()
        await limiter.throttled(retryAfter: .milliseconds(1))
        let start = ContinuousClock.now
        for _ in 0..<3 {
            await limiter.acquire()
            await limiter.release()
        }
        // No saved-up burst: at four fifths of 600 a minute (125 ms each), three take 375 ms.
        #expect(ContinuousClock.now - start >= .milliseconds(350))
    }

    @Test func onlyAPostToBatchIsABatch() throws {
        func request(_ method: HTTPRequest.Method, _ url: String) -> HTTPRequest {
            HTTPRequest(method: method, url: url)
        }
        #expect(RateLimitedTransport.isBatch(request(.post, "https://quickbooks.api.intuit.com/v3/company/1/batch?minorversion=75")))
        #expect(RateLimitedTransport.isBatch(request(.post, "http://127.0.0.1:8089/v3/company/1/batch")))
        #expect(!RateLimitedTransport.isBatch(request(.post, "https://quickbooks.api.intuit.com/v3/company/1/invoice?minorversion=75")))
        #expect(!RateLimitedTransport.isBatch(request(.get, "https://quickbooks.api.intuit.com/v3/company/1/batch")))
        #expect(!RateLimitedTransport.isBatch(request(.post, "https://quickbooks.api.intuit.com/v3/company/1/query?query=select+*+from+batch")))
    }
}
