import QBSyncWire

/// The writer's side of a group commit, handed to each change in turn.
///
/// Besides the connection it tracks what a change adds to the event log, so
/// that a change rolled back to its savepoint also takes its events back,
/// and the committed events can be published in order after the commit.
public final class WriteTransaction {
    /// The writer connection; use only inside the change.
    public var database: any Database { self.connection }
    /// The same, holding inserts of new records to send many at once.
    let connection: BatchConnection
    /// Milliseconds since 1970 when the batch began: one clock per commit.
    public private(set) var now: Int64 = 0

    private var nextSequence: Int64
    private var batchStartSequence: Int64 = 0
    private var changeStartSequence: Int64 = 0
    private var batchEvents: [CommittedEvent] = []
    private var changeStartEventCount = 0
    /// Reads repeated by many changes (every invoice reads its company and
    /// mappings); dropped on any rollback and at the next batch, unless it
    /// may keep them (``beginBatch(size:keepingReads:reservedRecordIDs:)``).
    var companyCache: [String: CompanyRow] = [:]
    var mappingCache: [String: Mapping?] = [:]
    /// Records read by key and not written since (nil: known absent), this
    /// batch or, when nobody else wrote meanwhile, the ones before. Every
    /// write of a record goes through ``insert(_:note:blockers:)`` or a write
    /// of its columns, which drops its entry; and no other instance writes
    /// during the batch (the writers take turns).
    var recordCache: [RecordKey: RecordRow?] = [:]
    /// Companies found this batch to have no blockers at all, so that a
    /// record arriving needs no lookup of who waited for it.
    var unblockedCompanies: Set<String> = []
    /// Record ids taken from the sequence this batch and not used yet
    /// (PostgreSQL; see ``insert(_:note:blockers:)``). Replaced at the next
    /// batch: ids then follow the commit order across instances.
    var reservedRecordIDs: [Int64] = []
    /// How many changes the batch holds: how many ids to reserve at once.
    var batchSize = 1
    /// When the reads kept across batches were started (epoch ms).
    private var readsSince: Int64 = 0
    /// Longest a batch trusts reads of earlier batches (milliseconds): a hand
    /// edit of the database made in a transaction older than the writer's
    /// last one is seen within this.
    static let readsKeptFor: Int64 = 2_000
    /// Most records kept across batches; past it they are read again.
    static let recordsKept = 10_000
    /// What the batch's changes add to each counter, and its events, both
    /// written once at the end of the batch (``writeDeferred()``): one
    /// statement for all rather than one per change. Nothing inside the
    /// write transaction reads counters or events back.
    var counterDeltas: [CounterKey: Int64] = [:]
    private var eventRows: [[SQLValue]] = []
    private var changeStartCounterDeltas: [CounterKey: Int64] = [:]

    init(database: any Database) throws {
        self.connection = BatchConnection(database)
        self.nextSequence = Int64(try database.lastSequence()) + 1
    }

    /// Starts a batch of `size` changes. With `keepingReads` (nobody else
    /// wrote since the previous batch, PostgreSQL) the companies, mappings,
    /// records and blocker-free companies read before are kept, for at most
    /// ``readsKeptFor`` (and ``recordsKept`` records).
    func beginBatch(size: Int, keepingReads: Bool = false, reservedRecordIDs: [Int64] = []) {
        self.connection.dropHeldInserts()
        let now = Clock.milliseconds()
        if keepingReads, now - self.readsSince < Self.readsKeptFor {
            if self.recordCache.count > Self.recordsKept { self.recordCache.removeAll(keepingCapacity: true) }
        } else {
            self.forgetReads()
            self.readsSince = now
        }
        self.reservedRecordIDs = reservedRecordIDs.reversed()
        self.eventRows.removeAll(keepingCapacity: true)
        self.counterDeltas.removeAll(keepingCapacity: true)
        self.batchSize = size
        self.now = now
        self.batchStartSequence = self.nextSequence
        self.batchEvents.removeAll(keepingCapacity: true)
    }

    func beginChange() {
        self.changeStartSequence = self.nextSequence
        self.changeStartEventCount = self.batchEvents.count
        self.changeStartCounterDeltas = self.counterDeltas
    }

    func rollbackChange() {
        // Inserts still held are this change's: the writer sends a change's
        // before its savepoint is released (``sendHeldInserts()``).
        self.connection.dropHeldInserts()
        self.forgetReads()
        self.nextSequence = self.changeStartSequence
        self.batchEvents.removeSubrange(self.changeStartEventCount...)
        self.eventRows.removeSubrange(self.changeStartEventCount...)
        self.counterDeltas = self.changeStartCounterDeltas
    }

    func rollbackBatch() {
        self.connection.dropHeldInserts()
        self.forgetReads()
        self.nextSequence = self.batchStartSequence
        self.batchEvents.removeAll()
        self.eventRows.removeAll()
        self.counterDeltas.removeAll()
    }

    /// Writes what the batch's changes deferred: its events, in sequence
    /// order, and each counter's net change. Runs last, before COMMIT.
    func writeDeferred() throws {
        try self.connection.sendHeldInserts()
        for start in stride(from: 0, to: self.eventRows.count, by: Self.rowsPerInsert) {
            let rows = self.eventRows[start..<min(start + Self.rowsPerInsert, self.eventRows.count)]
            try self.database.run(
                "INSERT INTO events (seq, at, record_id, company_id, entity, to_status, body) VALUES "
                    + Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: rows.count).joined(separator: ", "),
                rows.flatMap { $0 }
            )
        }
        self.eventRows.removeAll(keepingCapacity: true)
        let deltas = self.counterDeltas.filter { $0.value != 0 }.sorted { ($0.key.companyID, $0.key.entity, $0.key.status) < ($1.key.companyID, $1.key.entity, $1.key.status) }
        self.counterDeltas.removeAll(keepingCapacity: true)
        for start in stride(from: 0, to: deltas.count, by: Self.rowsPerInsert) {
            let rows = deltas[start..<min(start + Self.rowsPerInsert, deltas.count)]
            try self.database.run(
                "INSERT INTO counters (company_id, entity, status, count) VALUES "
                    + Array(repeating: "(?, ?, ?, ?)", count: rows.count).joined(separator: ", ")
                    + " ON CONFLICT (company_id, entity, status) DO UPDATE SET count = counters.count + excluded.count",
                rows.flatMap { [.text($0.key.companyID), .integer(Int64($0.key.entity)), .integer(Int64($0.key.status)), .integer($0.value)] }
            )
        }
    }

    /// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits.
    private static let rowsPerInsert = 500

    func endBatch() -> [CommittedEvent] {
        // What the next batch may keep of this one's reads, it decides (``beginBatch(size:keepingReads:reservedRecordIDs:)``).
        defer { self.batchEvents.removeAll(keepingCapacity: true) }
        return self.batchEvents
    }

    /// Drops what the batch read (a rollback may have undone what it saw).
    private func forgetReads() {
        self.readsSince = 0
        self.companyCache.removeAll(keepingCapacity: true)
        self.mappingCache.removeAll(keepingCapacity: true)
        self.recordCache.removeAll(keepingCapacity: true)
        self.unblockedCompanies.removeAll(keepingCapacity: true)
        self.reservedRecordIDs.removeAll(keepingCapacity: true)
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
        // Written with the batch's other events (``writeDeferred()``).
        self.eventRows.append([.integer(sequence), .integer(self.now), .integer(recordID), .text(companyID),
                               .integer(Int64(entity.wireValue)), .integer(Int64(event.toStatus.wireValue)), .blob(body)])
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

/// One of the `counters` rows: records of a company's entity in one status.
struct CounterKey: Hashable {
    var companyID: String
    var entity: Int32
    var status: Int32
}
