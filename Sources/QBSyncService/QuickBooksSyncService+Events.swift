import QBSyncCore
import QBSyncRPC
import QBSyncStore
import QBSyncWire

extension QuickBooksSyncService {
    /// Events a subscriber may lag behind before its stream is ended
    /// RESOURCE_EXHAUSTED (it then resumes from its cursor, losing nothing).
    static let subscriberBuffer = 10_000
    /// Events read from the log per page while replaying.
    static let replayPage = 500

    /// Replays the log after the caller's cursor, then streams live events,
    /// with no gap and no duplicate at the seam: the live subscription starts
    /// before the replay, and the replay stops at the sequence it started at.
    public func streamSyncEvents(_ request: StreamSyncEventsRequest, writer: RPCWriter<SyncEventStreamMessage>, context: ServerContext) async throws {
        if !request.companyID.isEmpty { try FieldRules.companyID(request.companyID) }
        for (index, entity) in request.entities.enumerated() {
            try FieldRules.entity(entity, field: "entities[\(index)]", required: true)
        }
        for (index, status) in request.statuses.enumerated() {
            if status == .unspecified { throw FieldRules.invalid("statuses[\(index)]", "is unspecified") }
            if case .unrecognized = status { throw FieldRules.invalid("statuses[\(index)]", "has a value this server does not know") }
        }
        let filter = EventFilter(
            companyID: request.companyID.isEmpty ? nil : request.companyID,
            entities: Set(request.entities),
            statuses: Set(request.statuses)
        )
        let (subscription, liveAfter) = self.engine.hub.subscribe(filter, capacity: Self.subscriberBuffer)
        defer { subscription.cancel() }
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
                try await writer.write(contentsOf: messages)
                delivered = min(page.last!.sequence, liveAfter)
            }
            delivered = liveAfter
        }
        while true {
            switch await subscription.next(max: 256) {
            case .overflowed:
                throw RPCError(
                    code: .resourceExhausted,
                    message: "the subscriber fell more than \(Self.subscriberBuffer) events behind; resume with after_sequence \(delivered)",
                    detail: StreamResumePoint(lastDeliveredSequence: delivered)
                )
            case .events(let events):
                if Task.isCancelled {
                    // Cancelled by a shutdown (a client's own cancel never sees this status).
                    throw RPCError(
                        code: .unavailable,
                        message: "the server is shutting down; resume with after_sequence \(delivered)",
                        detail: StreamResumePoint(lastDeliveredSequence: delivered)
                    )
                }
                let fresh = events.filter { $0.event.sequence > delivered }
                guard let last = fresh.last else { continue }
                try await writer.write(contentsOf: fresh.map { SyncEventStreamMessage(kind: .event($0.event)) })
                delivered = last.event.sequence
            }
        }
    }
}
