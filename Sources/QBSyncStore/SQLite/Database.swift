import CSQLite

#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection with a prepared-statement cache.
///
/// Not thread-safe: ``Store`` gives the writer connection to one thread and
/// hands reader connections out one caller at a time.
public final class Database {
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]

    /// Opens (creating with mode 0600 if needed) the database at `path`.
    ///
    /// - Parameters:
    ///   - path: File path, or ":memory:".
    ///   - readOnly: Open for reading only (reader connections).
    init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        _ = Self.processSettings
        if !readOnly && path != ":memory:" {
            // Create the file with owner-only permissions before SQLite does:
            // it holds OAuth refresh tokens.
            let fd = open(path, O_CREAT | O_RDWR, 0o600)
            if fd >= 0 { close(fd) }
        }
        var connection: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &connection, flags, nil)
        guard result == SQLITE_OK, let connection else {
            let error = SQLiteError(code: result, connection: connection, doing: "open \(path)")
            sqlite3_close(connection)
            throw error
        }
        self.handle = connection
        sqlite3_busy_timeout(connection, 5000)
        sqlite3_extended_result_codes(connection, 1)
    }

    /// Settings for the whole process, applied before the first connection:
    /// no memory statistics (they take a global mutex on every allocation).
    private static let processSettings: Void = {
        _ = qbsync_sqlite3_disable_memstatus()
    }()

    deinit {
        self.statements.removeAll()
        sqlite3_close_v2(self.handle)
    }

    /// Runs SQL with no parameters and no rows (DDL, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(self.handle, sql, nil, nil, &message)
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_free(message)
            throw SQLiteError(code: result, message: "\(sql.prefix(80)): \(text)")
        }
    }

    /// The cached prepared statement for `sql`, bound to `values`.
    public func statement(_ sql: String, _ values: [Statement.Value] = []) throws(SQLiteError) -> Statement {
        let statement: Statement
        if let cached = self.statements[sql] {
            statement = cached
        } else {
            var handle: OpaquePointer?
            let result = sqlite3_prepare_v3(self.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
            guard result == SQLITE_OK, let handle else {
                throw SQLiteError(code: result, connection: self.handle, doing: "prepare \(sql.prefix(80))")
            }
            statement = Statement(handle: handle, connection: self.handle)
            self.statements[sql] = statement
        }
        return try statement.bind(values)
    }

    /// Runs one statement to completion.
    public func run(_ sql: String, _ values: [Statement.Value] = []) throws(SQLiteError) {
        try self.statement(sql, values).run()
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(self.handle)) }

    /// Row id of the last insert.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(self.handle) }

    /// `PRAGMA user_version`.
    var userVersion: Int {
        get throws {
            try self.statement("PRAGMA user_version").first { $0.int(0) } ?? 0
        }
    }
}
