import CSQLite

#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection with a prepared-statement cache.
///
/// Not thread-safe: ``Store`` gives the writer connection to one thread and
/// hands reader connections out one caller at a time.
public final class SQLiteDatabase: Database {
    let handle: OpaquePointer
    private var statements: [String: CachedStatement] = [:]
    /// Counts lookups; a statement's last lookup orders the evictions.
    private var clock: UInt64 = 0
    /// Prepared statements kept per connection; the least recently used
    /// quarter is finalized when the cache is full, so SQL built from request
    /// shapes can never grow it without bound.
    static let statementCacheCapacity = 256

    private final class CachedStatement {
        let statement: Statement
        var lastUse: UInt64

        init(statement: Statement, lastUse: UInt64) {
            self.statement = statement
            self.lastUse = lastUse
        }
    }

    /// Statements cached now (for tests).
    var cachedStatementCount: Int { self.statements.count }

    /// Opens (creating with mode 0600 if needed) the database at `path`.
    ///
    /// - Parameters:
    ///   - path: File path, or ":memory:".
    ///   - readOnly: Open for reading only (reader connections).
    public init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        _ = Self.processSettings
        if !readOnly && path != ":memory:" {
            // Create the file with owner-only permissions before SQLite does:
            // it holds OAuth refresh tokens.
            let fd = open(path, O_CREAT | O_RDWR, 0o600)
            if fd >= 0 { Glibc.close(fd) }
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

    public var dialect: SQLDialect { .sqlite }

    /// Nothing to do: SQLite's handle is closed when the connection is
    /// released, and holds no lock between transactions.
    public func close() {}

    /// Nothing to do: every SQLite statement runs to completion when called.
    public func flush() {}

    /// The cached prepared statement for `sql`, bound to `values`.
    func statement(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> Statement {
        self.clock &+= 1
        let statement: Statement
        if let cached = self.statements[sql] {
            cached.lastUse = self.clock
            statement = cached.statement
        } else {
            var handle: OpaquePointer?
            let result = sqlite3_prepare_v3(self.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
            guard result == SQLITE_OK, let handle else {
                throw SQLiteError(code: result, connection: self.handle, doing: "prepare \(sql.prefix(80))")
            }
            statement = Statement(handle: handle, connection: self.handle)
            if self.statements.count >= Self.statementCacheCapacity { self.evictLeastRecentlyUsed() }
            self.statements[sql] = CachedStatement(statement: statement, lastUse: self.clock)
        }
        return try statement.bind(values)
    }

    /// Drops the least recently used quarter of the cache. A dropped statement
    /// still in use by a caller is finalized when that caller lets go of it.
    private func evictLeastRecentlyUsed() {
        let uses = self.statements.values.map(\.lastUse).sorted()
        let cutoff = uses[uses.count / 4]
        self.statements = self.statements.filter { $0.value.lastUse > cutoff }
    }

    /// Runs one statement to completion.
    public func run(_ sql: String, _ values: [SQLValue]) throws(SQLiteError) {
        try self.statement(sql, values).run()
    }

    public func rows<T>(_ sql: String, _ values: [SQLValue], _ row: (any SQLRow) throws -> T) throws -> [T] {
        try self.statement(sql, values).rows(row)
    }

    public func first<T>(_ sql: String, _ values: [SQLValue], _ row: (any SQLRow) throws -> T) throws -> T? {
        try self.statement(sql, values).first(row)
    }

    /// True when no transaction is open (SQLite ends one by itself after
    /// some errors, such as a full disk).
    var isAutocommit: Bool { sqlite3_get_autocommit(self.handle) != 0 }

    /// The connection's most recent error.
    func lastError(doing: String) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(self.handle), connection: self.handle, doing: doing)
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(self.handle)) }

    /// `PRAGMA user_version`.
    var userVersion: Int {
        get throws {
            try self.statement("PRAGMA user_version").first { $0.int(0) } ?? 0
        }
    }
}
