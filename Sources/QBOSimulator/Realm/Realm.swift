import Foundation
import Synchronization

/// One simulated QBO company: its books, tokens, throttle, fault plan and counters.
///
/// Each part has its own lock or actor, so requests for different realms never wait on
/// each other, and a realm's books are touched by one request at a time.
final class Realm: Sendable {
    let id: String
    let store: RealmStore
    let tokens = Mutex(RealmTokens())
    let gate: Mutex<RequestGate>
    /// A fault plan for this realm alone; nil follows the global plan.
    let faults = Mutex<FaultInjector?>(nil)
    let counters = Mutex(Counters())

    struct Counters: Sendable {
        var requests = 0
        var writes = 0
        var throttled = 0
        var batchRequests = 0
        var batchThrottled = 0
        var injectedFaults = 0
        var replayedRequestIDs = 0
        var refreshes = 0
        var spentRefreshTokenUses = 0
    }

    init(id: String, limits: RealmLimits, settings: RealmSettings, at now: Date) {
        self.id = id
        store = RealmStore(seededAt: now, settings: settings)
        gate = Mutex(RequestGate(limits: limits))
    }

    func stats(at now: ContinuousClock.Instant) -> SimulatorStats {
        let counters = counters.withLock { $0 }
        let (maxSeen, lastMinute) = gate.withLock { gate in
            (gate.maxConcurrentSeen, gate.requestsInLastMinute(at: now))
        }
        return SimulatorStats(
            requests: counters.requests, writes: counters.writes, throttled: counters.throttled,
            maxConcurrentSeen: maxSeen, requestsLastMinute: lastMinute, injectedFaults: counters.injectedFaults,
            replayedRequestIds: counters.replayedRequestIDs, batchRequests: counters.batchRequests,
            batchThrottled: counters.batchThrottled, refreshes: counters.refreshes,
            spentRefreshTokenUses: counters.spentRefreshTokenUses)
    }
}
