import QBSyncWire

/// The writer's side of a group commit, handed to each change in turn.
///
/// Besides the connection it tracks what a change adds to the event log, so
/// that a change rolled back to its savepoint also takes its events back,
/// and the committed events can be published in order after the commit.
public final class WriteTransaction {
    /// The writer connection; use only inside the change.
    public let database: any Database
    /// Milliseconds since 1970 when the batch began: one clock per commit.
    public private(set) var now: Int64 = 0

    private var nextSequence: Int64
    private var batchStartSequence: Int64 = 0
    private var changeStartSequence: Int64 = 0
    private var batchEvents: [CommittedEvent] = []
    private var changeStartEventCount = 0
    /// Reads repeated by many changes of one batch (every invoice reads its
    /// company and mappings); dropped with the batch, and on any rollback.
    var companyCache: [String: CompanyRow] = [:]
    var mappingCache: [String: Mapping?] = [:]

    init(database: any Database) throws {
        self.database = database
        self.nextSequence = Int64(try database.lastSequence()) + 1
    }

    func beginBatch() {
        self.companyCache.removeAll(keepingCapacity: true)
        self.mappingCache.removeAll(keepingCapacity: true)
        self.now = Clock.milliseconds()
        self.batchStartSequence = self.nextSequence
        self.batchEvents.removeAll(keepingCapacity: true)
    }

    func beginChange() {
        self.changeStartSequence = self.nextSequence
        self.changeStartEventCount = self.batchEvents.count
    }

    func rollbackChange() {
        self.companyCache.removeAll(keepingCapacity: true)
        self.mappingCache.removeAll(keepingCapacity: true)
        self.nextSequence = self.changeStartSequence
        self.batchEvents.removeSubrange(self.changeStartEventCount...)
    }

    func rollbackBatch() {
        self.companyCache.removeAll(keepingCapacity: true)
        self.mappingCache.removeAll(keepingCapacity: true)
        self.nextSequence = self.batchStartSequence
        self.batchEvents.removeAll()
    }

    func endBatch() -> [CommittedEvent] {
        defer { self.batchEvents.removeAll(keepingCapacity: true) }
        return self.batchEvents
    }

    /// Continues the sequence after `lastSequence`, where the log stands.
    func resume(after lastSequence: Int64) {
        self.nextSequence = lastSequence + 1
    }

    /// Whether the batch so far appended any event.
    var batchHasEvents: Bool { !self.batchEvents.isEmpty }

    /// The sequence the next appended event will get.
    var upcomingSequence: UInt64 { UInt64(self.nextSequence) }

    /// Deletes events older than `horizon` (epoch ms) but the newest one,
    /// which keeps where the sequence stands (see `SQLDialect.lastEventSequenceSQL`);
    /// returns how many.
    public func pruneEvents(before horizon: Int64) throws -> Int {
        try self.database.run("DELETE FROM events WHERE at < ? AND seq < (SELECT MAX(seq) FROM events)", [.integer(horizon)])
        return self.database.changes
    }

    /// Whether any record of the company has reached QBO.
    public func hasRecordsInQBO(companyID: String) throws -> Bool {
        try self.database.first("SELECT 1 FROM records WHERE company_id = ? AND qbo_id != '' LIMIT 1", [.text(companyID)]) { _ in true } ?? false
    }

    /// Appends an event to the log; its sequence is assigned here.
    ///
    /// - Returns: The sequence number.
    func appendEvent(recordID: Int64, companyID: String, entity: EntityType, _ event: SyncEvent) throws -> UInt64 {
        let sequence = self.nextSequence
        var event = event
        event.sequence = UInt64(sequence)
        event.at = Clock.rfc3339(milliseconds: self.now)
        let body = event.packed()
        try self.database.run(
            "INSERT INTO events (seq, at, record_id, company_id, entity, to_status, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.integer(sequence), .integer(self.now), .integer(recordID), .text(companyID),
             .integer(Int64(entity.wireValue)), .integer(Int64(event.toStatus.wireValue)), .blob(body)]
        )
        self.nextSequence += 1
        self.batchEvents.append(CommittedEvent(event: event, body: body))
        return UInt64(sequence)
    }
}

/// An event as committed: the message and its encoding (sent as is).
public struct CommittedEvent: Sendable {
    /// The event.
    public let event: SyncEvent
    /// Its protobuf encoding.
    public let body: [UInt8]
}
