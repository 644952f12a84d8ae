import QBSyncWire

extension WriteTransaction {
    /// The record with this key, if any.
    public func record(_ key: RecordKey) throws -> RecordRow? {
        if let cached = self.recordCache[key] { return cached }
        let row = try self.database.first(
            RecordRow.selectByKeySQL, [.text(key.companyID), .integer(Int64(key.entity.wireValue)), .text(key.externalID)],
            RecordRow.init
        )
        self.recordCache[key] = .some(row)
        return row
    }

    /// Reads the records with these keys in one statement per hundred, so
    /// that the batch's changes find them without a round trip each (a
    /// PostgreSQL store; see `Store.write(reading:_:)`).
    func prefetch(_ keys: [RecordKey]) throws {
        var wanted: [RecordKey] = []
        var seen: Set<RecordKey> = []
        for key in keys where self.recordCache[key] == nil && seen.insert(key).inserted { wanted.append(key) }
        for start in stride(from: 0, to: wanted.count, by: 100) {
            let chunk = wanted[start..<min(start + 100, wanted.count)]
            // A join with the keys as a table: one lookup in the unique key's
            // index per key, whatever the planner thinks of the company's size
            // (an IN list per company let it scan the queue index instead).
            let keys = Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", ")
            let rows = try self.database.rows(
                "SELECT \(RecordRow.columns(of: "r")) FROM (VALUES \(keys)) AS k JOIN records r "
                    + "ON r.company_id = k.column1 AND r.entity = k.column2 AND r.external_id = k.column3",
                chunk.flatMap { [.text($0.companyID), .integer(Int64($0.entity.wireValue)), .text($0.externalID)] },
                RecordRow.init
            )
            for key in chunk { self.recordCache[key] = .some(nil) }
            for row in rows { self.recordCache[row.key] = .some(row) }
        }
    }

    /// The records of `entities` that are a QBO object (change data capture
    /// names objects by Id; a refund's credit memo and refund receipt share the entity).
    public func records(companyID: String, entity: EntityType, qboID: String) throws -> [RecordRow] {
        try self.database.rows(
            "SELECT \(RecordRow.columns) FROM records WHERE company_id = ? AND entity = ? AND qbo_id = ?",
            [.text(companyID), .integer(Int64(entity.wireValue)), .text(qboID)],
            RecordRow.init
        )
    }

    /// The QBO ids of a company's records of one entity (the payments qbsync pushed, for example).
    public func qboIDs(companyID: String, entity: EntityType) throws -> [String] {
        try self.database.rows(
            "SELECT qbo_id FROM records WHERE company_id = ? AND entity = ? AND qbo_id != ''",
            [.text(companyID), .integer(Int64(entity.wireValue))]
        ) { $0.text(0) }
    }

    /// The zero-amount payments that apply qbsync's credit memos to invoices.
    public func applicationPaymentIDs(companyID: String) throws -> [String] {
        try self.database.rows(
            "SELECT state FROM records WHERE company_id = ? AND entity = ? AND qbo_id != ''",
            [.text(companyID), .integer(Int64(EntityType.refund.wireValue))]
        ) { RecordState(decoding: $0.blob(0)).applicationPaymentID }.filter { !$0.isEmpty }
    }

    /// A record's link to QBO without decoding it: row id, status, QBO id.
    /// Dependency checks need only this, for every record they look at.
    public func link(_ key: RecordKey) throws -> (id: Int64, status: SyncStatus, qboID: String)? {
        if let cached = self.recordCache[key] { return cached.map { ($0.id, $0.status, $0.qboID) } }
        return try self.database.first(
            "SELECT id, status, qbo_id FROM records WHERE company_id = ? AND entity = ? AND external_id = ?",
            [.text(key.companyID), .integer(Int64(key.entity.wireValue)), .text(key.externalID)]
        ) { ($0.int64(0), SyncStatus(wireValue: Int32($0.int64(1))), $0.text(2)) }
    }

    /// The record with this row id, if any.
    public func record(id: Int64) throws -> RecordRow? {
        try self.database.first(RecordRow.selectByIDSQL, [.integer(id)], RecordRow.init)
    }

    /// Inserts a new record in its initial status, with its first event.
    ///
    /// - Parameters:
    ///   - row: The record; `id`, timestamps and `lastEventSequence` are filled in.
    ///   - note: What happened, for the event.
    ///   - blockers: Its blockers when BLOCKED.
    public func insert(_ row: inout RecordRow, note: String, blockers: [Blocker] = []) throws {
        row.createdAt = self.now
        row.updatedAt = self.now
        // The insert's event is the next one appended: record its sequence up front.
        row.lastEventSequence = self.upcomingSequence
        self.recordCache[row.key] = nil
        if self.database.dialect == .postgres {
            // An id reserved for the batch: the insert is held and sent with
            // others in one statement, before anything else runs (`BatchConnection`).
            row.id = try self.reservedRecordID()
            self.connection.insertRecord([.integer(row.id)] + row.values)
        } else {
            row.id = try self.database.first(RecordRow.insertSQL, row.values) { $0.int64(0) } ?? 0
        }
        try self.adjustCounter(row.key, status: row.status, by: 1)
        try self.insertBlockers(of: row, blockers)
        let sequence = try self.event(for: row, from: .unspecified, note: note, blockers: blockers, error: nil)
        assert(sequence == row.lastEventSequence)
    }

    /// Saves a record's columns without a status change (no event).
    public func save(_ row: RecordRow) throws {
        var row = row
        row.updatedAt = self.now
        try self.writeColumns(row)
    }

    /// Moves a record to `status`: one event, counters adjusted, blockers replaced.
    ///
    /// - Parameters:
    ///   - row: The record, updated in place.
    ///   - status: The new status (may equal the old one for a notable change, e.g. a retry).
    ///   - note: What happened, in a sentence.
    ///   - blockers: The record's blockers after the change (BLOCKED only).
    ///   - error: The failure, for ERRORED and retries.
    public func transition(
        _ row: inout RecordRow,
        to status: SyncStatus,
        note: String,
        blockers: [Blocker] = [],
        error: ErrorDetail? = nil
    ) throws {
        let from = row.status
        if from != status {
            try self.adjustCounter(row.key, status: from, by: -1)
            try self.adjustCounter(row.key, status: status, by: 1)
            if from == .errored {
                try self.database.run("DELETE FROM errored_records WHERE company_id = ? AND record_id = ?", [.text(row.key.companyID), .integer(row.id)])
            }
        }
        if status == .errored {
            try self.database.run("INSERT INTO errored_records (company_id, record_id, failed_at) VALUES (?, ?, ?) ON CONFLICT (company_id, record_id) DO UPDATE SET failed_at = excluded.failed_at",
                                  [.text(row.key.companyID), .integer(row.id), .integer(self.now)])
        }
        row.status = status
        row.updatedAt = self.now
        if status != .skipped { row.skipReason = "" }
        try self.replaceBlockers(of: row, with: status == .blocked ? blockers : [])
        row.lastEventSequence = try self.event(for: row, from: from, note: note, blockers: status == .blocked ? blockers : [], error: error)
        try self.writeColumns(row)
    }

    /// Replaces a record's warnings (in its state and in the health index).
    /// Call before the transition that records a push's outcome.
    public func setWarnings(_ warnings: [RecordWarning], of row: inout RecordRow) throws {
        let stored = warnings.map(RecordState.Warning.init)
        try self.database.run("DELETE FROM warnings WHERE record_id = ?", [.integer(row.id)])
        for kind in Set(stored.map(\.kind)) {
            try self.database.run("INSERT INTO warnings (record_id, company_id, kind) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                  [.integer(row.id), .text(row.key.companyID), .integer(Int64(kind))])
        }
        row.state.warnings = stored
    }

    /// The blockers recorded for a record.
    public func blockers(of recordID: Int64) throws -> [Blocker] {
        try self.database.rows("SELECT kind, ref, message FROM blockers WHERE record_id = ? ORDER BY kind, ref", [.integer(recordID)]) {
            Blocker(kind: BlockerKind(wireValue: Int32($0.int64(0))), ref: $0.text(1), message: $0.text(2))
        }
    }

    /// Records of a company blocked on one dependency.
    public func recordsBlocked(on kind: BlockerKind, ref: String, companyID: String) throws -> [Int64] {
        // Most companies have no blockers at all: one look per batch instead of one per record.
        if self.unblockedCompanies.contains(companyID) { return [] }
        if try self.database.first("SELECT 1 FROM blockers WHERE company_id = ? LIMIT 1", [.text(companyID)], { _ in true }) == nil {
            self.unblockedCompanies.insert(companyID)
            return []
        }
        return try self.database.rows(
            "SELECT DISTINCT record_id FROM blockers WHERE company_id = ? AND kind = ? AND ref = ?",
            [.text(companyID), .integer(Int64(kind.wireValue)), .text(ref)]
        ) { $0.int64(0) }
    }

    /// Record ids of a company in one status (for requeueing on settings changes).
    public func recordIDs(companyID: String, entity: EntityType, status: SyncStatus) throws -> [Int64] {
        try self.database.rows(
            "SELECT id FROM records WHERE company_id = ? AND status = ? AND entity = ?",
            [.text(companyID), .integer(Int64(status.wireValue)), .integer(Int64(entity.wireValue))]
        ) { $0.int64(0) }
    }

    /// Records a SYNCING record back to PENDING after a restart (the push's outcome is unknown).
    ///
    /// - Parameter settle: Milliseconds after the push was claimed before it
    ///   is read back (see ``interrupted(_:note:settle:)``).
    public func recoverInterruptedPushes(settle: Int64 = 0) throws -> Int {
        let ids = try self.database.rows("SELECT id FROM records WHERE status = ?", [.integer(Int64(SyncStatus.syncing.wireValue))]) { $0.int64(0) }
        for id in ids {
            guard var row = try self.record(id: id) else { continue }
            try self.interrupted(&row, settle: settle)
        }
        return ids.count
    }

    /// Records a company's SYNCING records that no push holds back to
    /// PENDING, their outcome unknown: a claim whose commit went through
    /// while its answer was lost (a PostgreSQL connection dropped at COMMIT)
    /// left them claimed by nobody.
    public func recoverUnheldClaims(
        companyID: String, held: Set<Int64>,
        note: String = "claimed for a push that never started (the store's answer was lost); it will be read back from QBO before any retry",
        settle: Int64 = 0
    ) throws -> Int {
        let ids = try self.database.rows(
            "SELECT id FROM records WHERE company_id = ? AND status = ?", [.text(companyID), .integer(Int64(SyncStatus.syncing.wireValue))]
        ) { $0.int64(0) }.filter { !held.contains($0) }
        for id in ids {
            guard var row = try self.record(id: id) else { continue }
            try self.interrupted(&row, note: note, settle: settle)
        }
        return ids.count
    }

    private func writeColumns(_ row: RecordRow) throws {
        self.recordCache[row.key] = nil
        try self.database.run(RecordRow.updateSQL, row.values + [.integer(row.id)])
    }

    private func replaceBlockers(of row: RecordRow, with blockers: [Blocker]) throws {
        try self.database.run("DELETE FROM blockers WHERE record_id = ?", [.integer(row.id)])
        try self.insertBlockers(of: row, blockers)
    }

    private func insertBlockers(of row: RecordRow, _ blockers: [Blocker]) throws {
        if !blockers.isEmpty { self.unblockedCompanies.remove(row.key.companyID) }
        for blocker in blockers {
            try self.database.run(
                """
                INSERT INTO blockers (record_id, company_id, kind, ref, message) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (record_id, kind, ref) DO UPDATE SET company_id = excluded.company_id, message = excluded.message
                """,
                [.integer(row.id), .text(row.key.companyID), .integer(Int64(blocker.kind.wireValue)), .text(blocker.ref), .text(blocker.message)]
            )
        }
    }

    /// Counters change at the end of the batch, once per counter (see ``WriteTransaction/writeDeferred()``).
    private func adjustCounter(_ key: RecordKey, status: SyncStatus, by delta: Int64) throws {
        self.counterDeltas[CounterKey(companyID: key.companyID, entity: key.entity.wireValue, status: status.wireValue), default: 0] += delta
    }

    private func event(for row: RecordRow, from: SyncStatus, note: String, blockers: [Blocker], error: ErrorDetail?) throws -> UInt64 {
        let event = SyncEvent(
            ref: row.key.ref,
            fromStatus: from,
            toStatus: row.status,
            note: note,
            qboID: row.qboID,
            blockers: blockers,
            error: error,
            attempts: UInt32(clamping: row.attempts),
            warnings: row.status == .synced ? row.state.warnings.map(\.wire) : []
        )
        return try self.appendEvent(recordID: row.id, companyID: row.key.companyID, entity: row.key.entity, event)
    }
}

extension WriteTransaction {
    /// The next id reserved for this batch's new records, reserving as many
    /// as the batch has changes when none is left (one round trip per batch
    /// rather than one per insert). Reserved under the writers' turn, so ids
    /// grow in commit order across instances, as they would one by one.
    fileprivate func reservedRecordID() throws -> Int64 {
        if self.reservedRecordIDs.isEmpty {
            self.reservedRecordIDs = try self.database.rows(
                "SELECT nextval(pg_get_serial_sequence('records', 'id')) FROM generate_series(1, ?)", [.integer(Int64(max(self.batchSize, 1)))]
            ) { $0.int64(0) }.reversed()
        }
        guard let id = self.reservedRecordIDs.popLast() else {
            throw PostgresStoreError(message: "the records sequence gave no id")
        }
        return id
    }
}
