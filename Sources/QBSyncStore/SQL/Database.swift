/// A connection the store's queries run on: SQLite (``SQLiteDatabase``, the
/// embedded default) or PostgreSQL (``PostgresDatabase``, for several hosts).
///
/// The store's SQL is written once, in the subset both speak: `?`
/// parameters, `INSERT ... ON CONFLICT`, `RETURNING`. What differs (how a
/// write transaction begins, where the event sequence stands, the schema's
/// types) is in ``SQLDialect``. Not thread-safe: ``Store`` gives the writer
/// connection to one thread and hands reader connections out one caller at a time.
public protocol Database: AnyObject {
    /// Which SQL the connection speaks where the two differ.
    var dialect: SQLDialect { get }

    /// Runs one statement to completion, ignoring rows.
    func run(_ sql: String, _ values: [SQLValue]) throws

    /// Runs one statement and collects every row through `row`.
    func rows<T>(_ sql: String, _ values: [SQLValue], _ row: (any SQLRow) throws -> T) throws -> [T]

    /// Runs one statement and reads its first row, if any.
    func first<T>(_ sql: String, _ values: [SQLValue], _ row: (any SQLRow) throws -> T) throws -> T?

    /// Runs SQL with no parameters and no rows (DDL, transaction control).
    func execute(_ sql: String) throws

    /// Rows changed by the last statement run.
    var changes: Int { get }

    /// Waits for statements the connection sent without waiting for their
    /// answers (PostgreSQL, inside a transaction) and throws the first
    /// failure among them. The writer flushes before each commit, and after
    /// each change when it runs a batch with a savepoint per change.
    func flush() throws

    /// Ends the connection now rather than when it is released.
    func close()
}

extension Database {
    /// Runs one statement with no parameters.
    public func run(_ sql: String) throws { try self.run(sql, []) }

    /// Collects the rows of a statement with no parameters.
    public func rows<T>(_ sql: String, _ row: (any SQLRow) throws -> T) throws -> [T] { try self.rows(sql, [], row) }

    /// The first row of a statement with no parameters.
    public func first<T>(_ sql: String, _ row: (any SQLRow) throws -> T) throws -> T? { try self.first(sql, [], row) }
}

/// A value bound to a `?` parameter.
public enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
}

/// One result row, read by 0-based column index.
public protocol SQLRow {
    /// The column as an integer (0 when NULL).
    func int64(_ column: Int32) -> Int64
    /// Whether the column is NULL.
    func isNull(_ column: Int32) -> Bool
    /// The column as text ("" when NULL); a stored NUL does not end it.
    func text(_ column: Int32) -> String
    /// The column's bytes (empty when NULL).
    func blob(_ column: Int32) -> [UInt8]
}

extension SQLRow {
    public func int(_ column: Int32) -> Int { Int(self.int64(column)) }
    public func bool(_ column: Int32) -> Bool { self.int64(column) != 0 }
}

/// Where the two databases' SQL differs.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// Begins the writer's transaction (SQLite takes its write lock up front,
    /// so a batch never fails halfway for want of it).
    var beginWrite: String {
        switch self {
        case .sqlite: "BEGIN IMMEDIATE"
        case .postgres: "BEGIN"
        }
    }

    /// Taken by the writer right after `beginWrite`, until the transaction
    /// ends: on PostgreSQL, several instances write to one database, one
    /// batch at a time, so event sequences are assigned and committed in
    /// order (the log never has a gap a reader could pass over). SQLite has
    /// one writer, and `BEGIN IMMEDIATE` is its lock.
    var serializeWriters: String? {
        switch self {
        case .sqlite: nil
        case .postgres: "SELECT pg_advisory_xact_lock(\(Self.writersLock))"
        }
    }

    /// The lock number of ``serializeWriters``.
    static let writersLock: Int64 = 0x71_62_73_79_6E_63_02

    /// The database's clock in milliseconds since 1970, as an SQL
    /// expression: leases expire by one clock, whichever host reads them.
    var nowMilliseconds: String {
        switch self {
        case .sqlite: "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
        case .postgres: "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
        }
    }

    /// Begins a reader's snapshot: every query of one `Store.read` sees the same commit.
    var beginRead: String {
        switch self {
        case .sqlite: "BEGIN"
        case .postgres: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        }
    }

    /// The newest event sequence ever assigned (0 for an empty log).
    /// SQLite keeps it for an AUTOINCREMENT key even when the log was pruned
    /// empty; on PostgreSQL pruning always keeps the newest event (see
    /// `WriteTransaction.pruneEvents`), so the largest key is the same number.
    var lastEventSequenceSQL: String {
        switch self {
        case .sqlite: "SELECT seq FROM sqlite_sequence WHERE name = 'events'"
        case .postgres: "SELECT COALESCE(MAX(seq), 0) FROM events"
        }
    }
}

/// A failure of the database under the store, whichever it is.
public protocol DatabaseFailure: Error, CustomStringConvertible {
    /// True when the database could not grow (a full file system, SQLite's
    /// configured size limit, PostgreSQL's disk_full): nothing was stored,
    /// and retrying after space is freed will work.
    var isStorageFull: Bool { get }
}
