import QBSyncCore
import QBSyncRPC
import QBSyncStore
import QBSyncWire

extension QuickBooksSyncService {
    /// Events a subscriber may lag behind by default before its stream is
    /// ended RESOURCE_EXHAUSTED (it then resumes from its cursor, losing nothing).
    public static let defaultSubscriberBuffer = 10_000
    /// Events read from the log per page while replaying.
    static let replayPage = 500

    /// Replays the log after the caller's cursor, then streams live events,
    /// with no gap and no duplicate at the seam: the live subscription starts
    /// before the replay, and the replay stops at the sequence it started at.
    public func streamSyncEvents(_ request: StreamSyncEventsRequest, writer: RPCWriter<SyncEventStreamMessage>, context: ServerContext) async throws {
        if !request.companyID.isEmpty { try FieldRules.companyID(request.companyID) }
        let entities = try FieldRules.entityFilter(request.entities, field: "entities")
        let statuses = try FieldRules.statusFilter(request.statuses, field: "statuses")
        let filter = EventFilter(
            companyID: request.companyID.isEmpty ? nil : request.companyID,
            entities: Set(entities),
            statuses: Set(statuses)
        )
        let (subscription, liveAfter) = self.engine.hub.subscribe(filter, capacity: self.subscriberBuffer)
        defer { subscription.cancel() }
        // A client that grants no credit leaves this handler waiting in
        // `write`; falling behind must still end the stream (with where to resume).
        subscription.onOverflow { writer.interrupt() }
        // The hub fans out a moment after each commit: a cursor up to the
        // newest committed sequence is valid (the live buffer brings the rest).
        if request.afterSequence > liveAfter, request.afterSequence > (try self.engine.store.read { try $0.lastSequence() }) {
            throw RPCError(
                code: .outOfRange,
                message: "after_sequence \(request.afterSequence) is ahead of the event log (newest \(liveAfter)); was the database replaced? Reload state with GetHealth and ListRecords, then stream from \(liveAfter)",
                detail: StreamResumePoint(lastDeliveredSequence: liveAfter)
            )
        }
        var delivered = request.afterSequence == 0 ? liveAfter : request.afterSequence
        var written = WrittenEvents(cursor: delivered)
        func overflowed() async -> RPCError {
            let resume = await resumePoint()
            return RPCError(
                code: .resourceExhausted,
                message: "the subscriber fell more than \(self.subscriberBuffer) events behind; resume with after_sequence \(resume)",
                detail: StreamResumePoint(lastDeliveredSequence: resume)
            )
        }
        /// Writes, turning an interrupted write (the buffer overflowed while
        /// the client granted no credit) into the overflow's status.
        func send(_ messages: [SyncEventStreamMessage]) async throws {
            var failure: RPCError?
            do {
                try await writer.write(contentsOf: messages)
            } catch {
                failure = error
            }
            guard let failure else { return }
            if failure.code == .aborted && subscription.hasOverflowed { throw await overflowed() }
            throw failure
        }
        /// Where the client resumes when the stream ends with an error now:
        /// after the last event that really left (messages still waiting for
        /// its credit are dropped, since an error status needs none).
        func resumePoint() async -> UInt64 {
            written.resumePoint(droppingLast: await writer.discardUnsent())
        }

        if request.includeHealth {
            let health = try await self.engine.health(companyID: filter.companyID, errorLimit: 10)
            try await writer.write(SyncEventStreamMessage(kind: .health(health)))
        }
        if request.afterSequence > 0 && request.afterSequence < liveAfter {
            let oldest = try self.engine.store.read { try $0.firstSequence() }
            if oldest > request.afterSequence + 1 {
                throw RPCError(
                    code: .outOfRange,
                    message: "events after \(request.afterSequence) are no longer kept (the oldest kept is \(oldest)); reload state with GetHealth and ListRecords, then stream from \(liveAfter)",
                    detail: StreamResumePoint(lastDeliveredSequence: liveAfter)
                )
            }
            while delivered < liveAfter {
                let page = try self.engine.store.read { try $0.events(after: delivered, limit: Self.replayPage) }
                guard !page.isEmpty else { break }
                var messages: [SyncEventStreamMessage] = []
                for stored in page where stored.sequence <= liveAfter {
                    if filter.matches(companyID: stored.companyID, entity: stored.entity, status: stored.toStatus) {
                        messages.append(SyncEventStreamMessage(kind: .event(try SyncEvent(unpacking: stored.body))))
                    }
                }
                // Counted as written before the write: an interrupted write's
                // messages are queued, and counted again as dropped.
                for message in messages { if case .event(let event)? = message.kind { written.wrote(event.sequence) } }
                try await send(messages)
                delivered = min(page.last!.sequence, liveAfter)
            }
            delivered = liveAfter
        }
        while true {
            switch await subscription.next(max: 256) {
            case .overflowed:
                throw await overflowed()
            case .events(let events):
                if Task.isCancelled {
                    // Cancelled by a shutdown (a client's own cancel never sees this status).
                    let resume = await resumePoint()
                    throw RPCError(
                        code: .unavailable,
                        message: "the server is shutting down; resume with after_sequence \(resume)",
                        detail: StreamResumePoint(lastDeliveredSequence: resume)
                    )
                }
                let fresh = events.filter { $0.event.sequence > delivered }
                guard let last = fresh.last else { continue }
                for event in fresh { written.wrote(event.event.sequence) }
                try await send(fresh.map { SyncEventStreamMessage(kind: .event($0.event)) })
                delivered = last.event.sequence
            }
        }
    }
}

/// The sequences of the events most recently handed to a stream's writer.
///
/// When a stream ends with an error, the messages still waiting for the
/// client's credit are dropped; the resume point must then name the last
/// event that was really sent, or the client would miss the dropped ones.
struct WrittenEvents {
    /// More than the writer can hold unsent (its buffer plus one batch).
    private static let kept = 4096
    private var recent: [UInt64] = []
    /// The resume point when none of `recent` was sent.
    private var cursor: UInt64

    init(cursor: UInt64) {
        self.cursor = cursor
    }

    mutating func wrote(_ sequence: UInt64) {
        self.recent.append(sequence)
        if self.recent.count > 2 * Self.kept {
            self.cursor = self.recent[self.recent.count - Self.kept - 1]
            self.recent.removeFirst(self.recent.count - Self.kept)
        }
    }

    /// The sequence to resume after when the last `dropped` events were not sent.
    func resumePoint(droppingLast dropped: Int) -> UInt64 {
        let sent = self.recent.count - dropped
        return sent > 0 ? self.recent[sent - 1] : self.cursor
    }
}
