import QBSyncWire

/// Reads shared by readers and the writer (the writer uses them inside changes).
extension Database {
    /// One company.
    public func company(_ companyID: String) throws -> CompanyRow? {
        try self.first(CompanyRow.selectByIDSQL, [.text(companyID)], CompanyRow.init)
    }

    /// Every company, by id.
    public func companies() throws -> [CompanyRow] {
        try self.rows("SELECT \(CompanyRow.columns) FROM companies ORDER BY company_id", CompanyRow.init)
    }

    /// The companies not disconnected, by id.
    public func connectedCompanyIDs() throws -> [String] {
        try self.rows(
            "SELECT company_id FROM companies WHERE connection_state != ? ORDER BY company_id", [.integer(Int64(ConnectionState.disconnected.wireValue))]
        ) { $0.text(0) }
    }

    /// One record by key.
    public func record(_ key: RecordKey) throws -> RecordRow? {
        try self.first(
            "SELECT \(RecordRow.columns) FROM records WHERE company_id = ? AND entity = ? AND external_id = ?",
            [.text(key.companyID), .integer(Int64(key.entity.wireValue)), .text(key.externalID)],
            RecordRow.init
        )
    }

    /// One record by row id.
    public func record(id: Int64) throws -> RecordRow? {
        try self.first(RecordRow.selectByIDSQL, [.integer(id)], RecordRow.init)
    }

    /// A page of a company's records in row-id order, after `afterID`.
    public func records(companyID: String, entity: EntityType?, statuses: [SyncStatus], afterID: Int64, limit: Int) throws -> [RecordRow] {
        var sql = "SELECT \(RecordRow.columns) FROM records WHERE company_id = ? AND id > ?"
        var values: [SQLValue] = [.text(companyID), .integer(afterID)]
        if let entity {
            sql += " AND entity = ?"
            values.append(.integer(Int64(entity.wireValue)))
        }
        if !statuses.isEmpty {
            sql += " AND status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))"
            values += statuses.map { .integer(Int64($0.wireValue)) }
        }
        sql += " ORDER BY id LIMIT ?"
        values.append(.integer(Int64(limit)))
        return try self.rows(sql, values, RecordRow.init)
    }

    /// Records of the given entities dated within [from, to] (empty bounds are open).
    public func recordIDs(companyID: String, entities: [EntityType], from: String, to: String) throws -> [Int64] {
        var sql = "SELECT id FROM records WHERE company_id = ?"
        var values: [SQLValue] = [.text(companyID)]
        if !entities.isEmpty {
            sql += " AND entity IN (\(entities.map { _ in "?" }.joined(separator: ", ")))"
            values += entities.map { .integer(Int64($0.wireValue)) }
        }
        if !from.isEmpty { sql += " AND txn_date >= ?"; values.append(.text(from)) }
        if !to.isEmpty { sql += " AND txn_date <= ?"; values.append(.text(to)) }
        // Customers first, then invoices, payments, refunds: dependencies settle in
        // order. (An operator's bulk run may scan the company's records; no index
        // on dates is kept, since every accepted record would pay for it.)
        sql += " ORDER BY entity, txn_date, id"
        return try self.rows(sql, values) { $0.int64(0) }
    }

    /// A company's records of `entity` dated within `from...to` (either bound may be empty).
    public func records(companyID: String, entity: EntityType, from: String, to: String) throws -> [RecordRow] {
        var sql = "SELECT \(RecordRow.columns) FROM records WHERE company_id = ? AND entity = ?"
        var values: [SQLValue] = [.text(companyID), .integer(Int64(entity.wireValue))]
        if !from.isEmpty { sql += " AND txn_date >= ?"; values.append(.text(from)) }
        if !to.isEmpty { sql += " AND txn_date <= ?"; values.append(.text(to)) }
        return try self.rows(sql, values, RecordRow.init)
    }

    /// PENDING records of a company whose next attempt is due: every due
    /// interactive record first, then backfill ones, each lane oldest first.
    public func dueRecords(companyID: String, now: Int64, limit: Int) throws -> [RecordRow] {
        var due: [RecordRow] = []
        for lane in QueueLane.allCases where due.count < limit {
            due += try self.rows(
                "SELECT \(RecordRow.columns) FROM records WHERE company_id = ? AND status = ? AND lane = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                [.text(companyID), .integer(Int64(SyncStatus.pending.wireValue)), .integer(Int64(lane.rawValue)), .integer(now), .integer(Int64(limit - due.count))],
                RecordRow.init
            )
        }
        return due
    }

    /// When the next PENDING record of a company becomes due, if any (each
    /// lane's earliest is read from the queue index).
    public func nextDueTime(companyID: String) throws -> Int64? {
        var earliest: Int64?
        for lane in QueueLane.allCases {
            let due = try self.first(
                "SELECT MIN(next_attempt_at) FROM records WHERE company_id = ? AND status = ? AND lane = ?",
                [.text(companyID), .integer(Int64(SyncStatus.pending.wireValue)), .integer(Int64(lane.rawValue))]
            ) { $0.isNull(0) ? nil : $0.int64(0) } ?? nil
            if let due { earliest = min(earliest ?? due, due) }
        }
        return earliest
    }

    /// The blockers of a record.
    public func blockers(of recordID: Int64) throws -> [Blocker] {
        try self.rows("SELECT kind, ref, message FROM blockers WHERE record_id = ? ORDER BY kind, ref", [.integer(recordID)]) {
            Blocker(kind: BlockerKind(wireValue: Int32($0.int64(0))), ref: $0.text(1), message: $0.text(2))
        }
    }

    /// Codes records are blocked on, with how many records each blocks.
    public func blockingCodes(companyID: String) throws -> [(kind: BlockerKind, ref: String, records: Int)] {
        try self.rows(
            "SELECT kind, ref, COUNT(*) FROM blockers WHERE company_id = ? GROUP BY kind, ref ORDER BY kind, ref",
            [.text(companyID)]
        ) { (BlockerKind(wireValue: Int32($0.int64(0))), $0.text(1), $0.int(2)) }
    }

    /// A record's events, newest first.
    public func history(recordID: Int64, limit: Int) throws -> [SyncEvent] {
        try self.rows("SELECT body FROM events WHERE record_id = ? ORDER BY seq DESC LIMIT ?", [.integer(recordID), .integer(Int64(limit))]) { try SyncEvent(unpacking: $0.blob(0)) }
    }

    /// Events after `sequence`, oldest first: (sequence, company, entity, status, encoded SyncEvent).
    public func events(after sequence: UInt64, limit: Int) throws -> [StoredEvent] {
        try self.rows(
            "SELECT seq, company_id, entity, to_status, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            [.integer(Int64(clamping: sequence)), .integer(Int64(limit))]
        ) {
            StoredEvent(
                sequence: UInt64($0.int64(0)),
                companyID: $0.text(1),
                entity: EntityType(wireValue: Int32($0.int64(2))),
                toStatus: SyncStatus(wireValue: Int32($0.int64(3))),
                body: $0.blob(4)
            )
        }
    }

    /// Synced records with warnings, per company and kind.
    public func warningCounts(companyID: String?) throws -> [(companyID: String, kind: WarningKind, count: Int)] {
        var sql = "SELECT company_id, kind, COUNT(*) FROM warnings"
        var values: [SQLValue] = []
        if let companyID {
            sql += " WHERE company_id = ?"
            values.append(.text(companyID))
        }
        sql += " GROUP BY company_id, kind ORDER BY company_id, kind"
        return try self.rows(sql, values) { ($0.text(0), WarningKind(wireValue: Int32($0.int64(1))), Int($0.int64(2))) }
    }

    /// The newest event sequence ever assigned (0 for a new log), even when pruning emptied the log.
    public func lastSequence() throws -> UInt64 {
        try self.first(self.dialect.lastEventSequenceSQL) { UInt64($0.int64(0)) } ?? 0
    }

    /// Oldest event still kept (0 when the log is empty).
    public func firstSequence() throws -> UInt64 {
        try self.first("SELECT MIN(seq) FROM events") { $0.isNull(0) ? 0 : UInt64($0.int64(0)) } ?? 0
    }

    /// Record counts per entity and status (non-zero), for one company or all.
    public func counters(companyID: String?) throws -> [(companyID: String, entity: EntityType, status: SyncStatus, count: Int)] {
        let sql = "SELECT company_id, entity, status, count FROM counters WHERE count != 0"
            + (companyID == nil ? "" : " AND company_id = ?") + " ORDER BY company_id, entity, status"
        return try self.rows(sql, companyID.map { [.text($0)] } ?? []) {
            ($0.text(0), EntityType(wireValue: Int32($0.int64(1))), SyncStatus(wireValue: Int32($0.int64(2))), $0.int(3))
        }
    }

    /// A company's ERRORED records, most recently failed first.
    public func recentErrors(companyID: String, limit: Int) throws -> [RecordRow] {
        try self.rows(
            """
            SELECT \(RecordRow.columns.split(separator: ",").map { "r.\($0.filter { !$0.isWhitespace })" }.joined(separator: ", "))
            FROM errored_records e JOIN records r ON r.id = e.record_id
            WHERE e.company_id = ? ORDER BY e.failed_at DESC LIMIT ?
            """,
            [.text(companyID), .integer(Int64(limit))],
            RecordRow.init
        )
    }

    /// A company's mappings, by kind and code.
    public func mappings(companyID: String, kind: MappingKind?) throws -> [Mapping] {
        var sql = "SELECT kind, external_code, qbo_id, qbo_name, qbo_payment_method_id FROM mappings WHERE company_id = ?"
        var values: [SQLValue] = [.text(companyID)]
        if let kind {
            sql += " AND kind = ?"
            values.append(.integer(Int64(kind.wireValue)))
        }
        return try self.rows(sql + " ORDER BY kind, external_code", values, Mapping.init(row:))
    }

    /// One mapping.
    public func mapping(_ kind: MappingKind, _ code: String, companyID: String) throws -> Mapping? {
        try self.first(
            "SELECT kind, external_code, qbo_id, qbo_name, qbo_payment_method_id FROM mappings WHERE company_id = ? AND kind = ? AND external_code = ?",
            [.text(companyID), .integer(Int64(kind.wireValue)), .text(code)],
            Mapping.init(row:)
        )
    }
}

/// An event as stored, with the columns used to filter it without decoding.
public struct StoredEvent: Sendable {
    /// Sequence.
    public var sequence: UInt64
    /// Company.
    public var companyID: String
    /// Entity.
    public var entity: EntityType
    /// Status after.
    public var toStatus: SyncStatus
    /// Encoded `SyncEvent`.
    public var body: [UInt8]
}
