/// The writer's connection as a batch's changes see it: new records are
/// inserted many per statement.
///
/// On PostgreSQL every statement is a round trip, and a batch of accepted
/// invoices is mostly inserts of new records. Their ids are reserved ahead
/// (see `WriteTransaction.insert`), so an insert returns nothing the change
/// waits for: it is held here and sent with the others in one multi-row
/// INSERT just before the next statement of any kind, so whatever runs
/// next (a read, an update of that record, the commit) sees it.
final class BatchConnection: Database {
    private let connection: any Database
    private var heldRecordInserts: [[SQLValue]] = []

    init(_ connection: any Database) {
        self.connection = connection
    }

    var dialect: SQLDialect { self.connection.dialect }

    /// Holds an insert of a record whose id is given (``RecordRow/insertWithIDSQL``'s values).
    func insertRecord(_ values: [SQLValue]) {
        self.heldRecordInserts.append(values)
    }

    /// Sends the held inserts, as few statements as the parameter limit allows.
    func sendHeldInserts() throws {
        guard !self.heldRecordInserts.isEmpty else { return }
        let held = self.heldRecordInserts
        self.heldRecordInserts.removeAll(keepingCapacity: true)
        for start in stride(from: 0, to: held.count, by: Self.recordsPerInsert) {
            let rows = held[start..<min(start + Self.recordsPerInsert, held.count)]
            try self.connection.run(RecordRow.insertWithIDSQL(rows: rows.count), rows.flatMap { $0 })
        }
    }

    /// Drops the held inserts (their change or batch was rolled back).
    func dropHeldInserts() {
        self.heldRecordInserts.removeAll(keepingCapacity: true)
    }

    /// 27 parameters a record: well under PostgreSQL's 65,535.
    private static let recordsPerInsert = 500

    func run(_ sql: String, _ values: [SQLValue]) throws {
        try self.sendHeldInserts()
        try self.connection.run(sql, values)
    }

    func rows<T>(_ sql: String, _ values: [SQLValue], _ row: (any SQLRow) throws -> T) throws -> [T] {
        try self.sendHeldInserts()
        return try self.connection.rows(sql, values, row)
    }

    func first<T>(_ sql: String, _ values: [SQLValue], _ row: (any SQLRow) throws -> T) throws -> T? {
        try self.sendHeldInserts()
        return try self.connection.first(sql, values, row)
    }

    func execute(_ sql: String) throws {
        try self.sendHeldInserts()
        try self.connection.execute(sql)
    }

    var changes: Int { self.connection.changes }

    func flush() throws {
        try self.sendHeldInserts()
        try self.connection.flush()
    }

    func close() {
        self.connection.close()
    }
}
