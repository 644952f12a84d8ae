import CSQLite

/// A failure reported by SQLite, with its result code and message.
public struct SQLiteError: DatabaseFailure, Sendable {
    /// SQLite's (extended) result code.
    public var code: Int32
    /// SQLite's message, and what qbsync was doing.
    public var message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(code: Int32, connection: OpaquePointer?, doing: String) {
        let detail = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
        self.init(code: code, message: "\(doing): \(detail)")
    }

    public var description: String { "SQLite error \(self.code): \(self.message)" }

    /// True when the database could not grow: the file system is full, or the
    /// database reached its configured size limit (SQLITE_FULL).
    public var isStorageFull: Bool { self.code & 0xFF == SQLITE_FULL }

    /// True for a UNIQUE or PRIMARY KEY violation.
    public var isConstraintViolation: Bool { self.code & 0xFF == SQLITE_CONSTRAINT }
}
