import CSQLite

/// A prepared statement, reset and reused from a connection's cache.
///
/// Bind parameters by position (1-based) with ``bind(_:)``; read columns by
/// index (0-based). Only ``SQLiteDatabase`` creates statements.
final class Statement: SQLRow {
    let handle: OpaquePointer
    private let connection: OpaquePointer

    init(handle: OpaquePointer, connection: OpaquePointer) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(self.handle)
    }

    /// Resets and binds all parameters.
    @discardableResult
    func bind(_ values: [SQLValue]) throws(SQLiteError) -> Statement {
        sqlite3_reset(self.handle)
        sqlite3_clear_bindings(self.handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .integer(let integer):
                result = sqlite3_bind_int64(self.handle, index, integer)
            case .text(let text):
                result = sqlite3_bind_text(self.handle, index, text, -1, sqliteTransient)
            case .blob(let bytes):
                result = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(self.handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), sqliteTransient)
                }
            case .null:
                result = sqlite3_bind_null(self.handle, index)
            }
            guard result == SQLITE_OK else { throw SQLiteError(code: result, connection: self.connection, doing: "bind parameter \(index)") }
        }
        return self
    }

    /// Advances to the next row; false when done.
    func step() throws(SQLiteError) -> Bool {
        let result = sqlite3_step(self.handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let sql = sqlite3_sql(self.handle).map { String(cString: $0) } ?? "?"
            throw SQLiteError(code: result, connection: self.connection, doing: "run \(sql.prefix(80))")
        }
    }

    /// Runs the statement to completion, ignoring rows.
    func run() throws(SQLiteError) {
        while try self.step() {}
    }

    /// Collects every row through `row`.
    func rows<T>(_ row: (Statement) throws -> T) throws -> [T] {
        var result: [T] = []
        while try self.step() { result.append(try row(self)) }
        return result
    }

    /// The first row, if any.
    func first<T>(_ row: (Statement) throws -> T) throws -> T? {
        defer { sqlite3_reset(self.handle) }
        return try self.step() ? try row(self) : nil
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(self.handle, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(self.handle, column) == SQLITE_NULL }

    /// Text read from its length (a stored NUL does not end it).
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(self.handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(self.handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(self.handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(self.handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}

// SQLite's SQLITE_TRANSIENT: copy the bound value now.
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
