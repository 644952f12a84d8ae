import DequeModule
import Dispatch
import QBSyncStore
import QBSyncWire
import Synchronization

/// Which events a subscriber wants.
public struct EventFilter: Sendable {
    /// One company, or nil for all.
    public var companyID: String?
    /// Entities; empty for all.
    public var entities: Set<EntityType>
    /// Statuses transitioned to; empty for all.
    public var statuses: Set<SyncStatus>

    /// Creates a filter.
    public init(companyID: String? = nil, entities: Set<EntityType> = [], statuses: Set<SyncStatus> = []) {
        self.companyID = companyID
        self.entities = entities
        self.statuses = statuses
    }

    /// Whether an event passes.
    public func matches(companyID: String, entity: EntityType, status: SyncStatus) -> Bool {
        (self.companyID == nil || self.companyID == companyID)
            && (self.entities.isEmpty || self.entities.contains(entity))
            && (self.statuses.isEmpty || self.statuses.contains(status))
    }
}

/// Fans committed events out to live subscribers and to callers waiting for
/// a record to settle.
///
/// The store's writer hands over each commit's events, in sequence order;
/// the fan-out runs on the hub's own serial queue, so the writer never waits
/// for subscribers however many there are, and subscribers still see events
/// in order. Each subscriber has a bounded buffer; one that falls behind is
/// ended (never slows the writer or others).
public final class EventHub: CommitObserver {
    private struct State {
        var subscribers: [ObjectIdentifier: Subscription] = [:]
        var lastSequence: UInt64
        var settleWaiters: [RecordKey: [Waiter]] = [:]
        /// Commits handed to the fan-out queue and not yet delivered.
        var queuedDeliveries = 0
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, Never>
    }

    private let state: Mutex<State>
    private let nextWaiterID = Atomic<UInt64>(1)
    private let fanout = DispatchQueue(label: "qbsync-event-fanout")

    /// Creates a hub whose log ends at `lastSequence`.
    public init(lastSequence: UInt64) {
        self.state = Mutex(State(lastSequence: lastSequence))
    }

    /// Newest published sequence.
    public var lastSequence: UInt64 { self.state.withLock { $0.lastSequence } }

    /// Live subscribers.
    public var subscriberCount: Int { self.state.withLock { $0.subscribers.count } }

    /// Takes one commit's events (called by the store writer) and fans them
    /// out on the hub's queue.
    public func committed(_ events: [CommittedEvent]) {
        // Nobody to tell and nothing queued before these: only the log's end
        // moves, right here (no hop to the fan-out queue for each commit).
        let delivered = self.state.withLock { state -> Bool in
            guard state.queuedDeliveries == 0, state.subscribers.isEmpty, state.settleWaiters.isEmpty else {
                state.queuedDeliveries += 1
                return false
            }
            for committed in events { state.lastSequence = max(state.lastSequence, committed.event.sequence) }
            return true
        }
        if !delivered { self.fanout.async { self.deliver(events) } }
    }

    /// Waits until everything handed over so far has been fanned out.
    public func flush() async {
        await withCheckedContinuation { continuation in self.fanout.async { continuation.resume() } }
    }

    private func deliver(_ events: [CommittedEvent]) {
        var resumed: [CheckedContinuation<Void, Never>] = []
        self.state.withLock { state in
            state.queuedDeliveries -= 1
            for committed in events {
                let event = committed.event
                state.lastSequence = max(state.lastSequence, event.sequence)
                let companyID = event.ref?.companyID ?? ""
                let entity = event.ref?.entity ?? .unspecified
                for subscriber in state.subscribers.values
                where subscriber.filter.matches(companyID: companyID, entity: entity, status: event.toStatus) {
                    subscriber.offer(committed)
                }
                if event.toStatus != .pending, event.toStatus != .syncing, let ref = event.ref {
                    let key = RecordKey(companyID: ref.companyID, entity: ref.entity, externalID: ref.externalID)
                    if let waiters = state.settleWaiters.removeValue(forKey: key) {
                        resumed += waiters.map(\.continuation)
                    }
                }
            }
        }
        for continuation in resumed { continuation.resume() }
    }

    /// Registers a live subscriber.
    ///
    /// - Returns: The subscription and the last sequence published before it
    ///   began: replay the log up to that sequence, then read the subscription.
    public func subscribe(_ filter: EventFilter, capacity: Int) -> (subscription: Subscription, liveAfter: UInt64) {
        let subscription = Subscription(filter: filter, capacity: capacity, hub: self)
        let last = self.state.withLock { state in
            state.subscribers[ObjectIdentifier(subscription)] = subscription
            return state.lastSequence
        }
        return (subscription, last)
    }

    func remove(_ subscription: Subscription) {
        _ = self.state.withLock { $0.subscribers.removeValue(forKey: ObjectIdentifier(subscription)) }
    }

    /// Waits until the record's next transition out of PENDING/SYNCING, or `timeout`.
    ///
    /// - Parameters:
    ///   - key: The record.
    ///   - timeout: How long to wait at most.
    ///   - alreadySettled: Checked after registering, so a transition that
    ///     happened just before is not missed.
    public func waitUntilSettled(_ key: RecordKey, timeout: Duration, alreadySettled: @Sendable () -> Bool) async {
        let id = self.nextWaiterID.wrappingAdd(1, ordering: .relaxed).oldValue
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.cancelWaiter(key, id: id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                self.state.withLock { $0.settleWaiters[key, default: []].append(Waiter(id: id, continuation: continuation)) }
                if alreadySettled() { self.cancelWaiter(key, id: id) }
            }
        } onCancel: {
            self.cancelWaiter(key, id: id)
        }
        timer.cancel()
    }

    private func cancelWaiter(_ key: RecordKey, id: UInt64) {
        let continuation = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard var waiters = state.settleWaiters[key], let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = waiters.remove(at: index)
            state.settleWaiters[key] = waiters.isEmpty ? nil : waiters
            return waiter.continuation
        }
        continuation?.resume()
    }
}

/// One live subscriber's bounded buffer.
public final class Subscription: Sendable {
    /// How a subscription's next read ended.
    public enum Next: Sendable {
        /// Events, in order.
        case events([CommittedEvent])
        /// The buffer overflowed: the subscriber fell behind and must resume from its cursor.
        case overflowed
    }

    private struct State {
        var buffer: Deque<CommittedEvent> = []
        var overflowed = false
        var waiter: CheckedContinuation<Void, Never>?
        var onOverflow: (@Sendable () -> Void)?
    }

    let filter: EventFilter
    private let capacity: Int
    private let state = Mutex(State())
    private weak let hub: EventHub?

    init(filter: EventFilter, capacity: Int, hub: EventHub) {
        self.filter = filter
        self.capacity = capacity
        self.hub = hub
    }

    func offer(_ event: CommittedEvent) {
        let (waiter, onOverflow) = self.state.withLock { state -> (CheckedContinuation<Void, Never>?, (@Sendable () -> Void)?) in
            guard !state.overflowed else { return (nil, nil) }
            var onOverflow: (@Sendable () -> Void)?
            if state.buffer.count >= self.capacity {
                state.overflowed = true
                state.buffer.removeAll()
                onOverflow = state.onOverflow
                state.onOverflow = nil
            } else {
                state.buffer.append(event)
            }
            defer { state.waiter = nil }
            return (state.waiter, onOverflow)
        }
        waiter?.resume()
        onOverflow?()
    }

    /// Calls `handler` once when the buffer overflows (at once if it already
    /// has). A subscriber blocked elsewhere, writing to a client that grants
    /// no credit, learns this way that it has fallen behind.
    public func onOverflow(_ handler: @escaping @Sendable () -> Void) {
        let already = self.state.withLock { state -> Bool in
            if state.overflowed { return true }
            state.onOverflow = handler
            return false
        }
        if already { handler() }
    }

    /// Whether the buffer overflowed.
    public var hasOverflowed: Bool { self.state.withLock { $0.overflowed } }

    /// Waits for buffered events (at most `max`), or the overflow.
    public func next(max: Int) async -> Next {
        while true {
            let ready = self.state.withLock { state -> Next? in
                if state.overflowed { return .overflowed }
                guard !state.buffer.isEmpty else { return nil }
                let count = Swift.min(max, state.buffer.count)
                let batch = Array(state.buffer.prefix(count))
                state.buffer.removeFirst(count)
                return .events(batch)
            }
            if let ready { return ready }
            if Task.isCancelled { return .events([]) }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.overflowed || !state.buffer.isEmpty { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
            if Task.isCancelled { return .events([]) }
        }
    }

    /// Stops delivery and frees the buffer.
    public func cancel() {
        self.hub?.remove(self)
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.buffer.removeAll()
            state.onOverflow = nil
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
