import Dispatch
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// One PostgreSQL connection, used synchronously like a SQLite one.
///
/// The store's writer and readers are plain threads and synchronous callers,
/// so each statement waits for its answer from postgres-nio's event loop.
/// Readers may be called on an RPC connection's event loop (handlers and the
/// tasks they start run there), so these connections live on event loops of
/// their own, which never wait for anything: a caller blocked on one of them
/// cannot stall the loop that would answer it.
/// `?` parameters are rewritten to PostgreSQL's `$1, $2, ...` once per SQL
/// text. A connection found closed when a transaction begins is opened again
/// (the server restarted, or an idle connection was cut); inside a
/// transaction a lost connection fails that transaction, which the store's
/// callers see as a failed write and retry.
public final class PostgresDatabase: Database {
    /// Where it connects.
    public let location: PostgresLocation
    private var connection: PostgresConnection
    private var translations: [String: String] = [:]
    /// Inside a transaction, statements that return no rows are sent without
    /// waiting for their answers (postgres-nio runs a connection's queries in
    /// order); the next statement that returns rows, ``flush()`` or the end of
    /// the transaction collects them, and the first failure among them is thrown.
    private var unanswered: [(answer: EventLoopFuture<PostgresQueryResult>, sql: Substring)] = []
    private var inTransaction = false
    /// The last `run`'s answer, until ``changes`` reads it.
    private var lastRun: EventLoopFuture<PostgresQueryResult>?
    private var lastChanges = 0

    public var dialect: SQLDialect { .postgres }

    /// postgres-nio logs each query at debug level with its parameters, and
    /// parameters carry OAuth secrets: only its warnings and errors are kept.
    static let logger: Logger = {
        var logger = Logger(label: "qbsync.store.postgres")
        logger.logLevel = .warning
        return logger
    }()

    static let connectionIDs = Atomic<Int>(0)

    /// The event loops PostgreSQL connections live on, for the life of the process.
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// Longest wait for an answer. Every statement qbsync runs takes
    /// milliseconds; past this the connection is taken for lost (a query
    /// written as the server closed it is never answered by postgres-nio).
    static let answerTimeout: Duration = .seconds(30)

    /// Blocks the calling thread until `future` completes, or throws after
    /// `timeout`. (`EventLoopFuture.wait()` refuses to run on any event loop
    /// thread, including the RPC server's, which are safe here: the future
    /// completes on ``eventLoops``.)
    private static func result<T: Sendable>(of future: EventLoopFuture<T>, timeout: Duration = answerTimeout) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<T, any Error>?>(nil)
        future.whenComplete { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else {
            throw NoAnswer(timeout: timeout)
        }
        return try outcome.withLock { $0! }.get()
    }

    private struct NoAnswer: Error, CustomStringConvertible {
        var timeout: Duration
        var description: String { "no answer within \(self.timeout)" }
    }

    /// The answer to a statement of this connection; a connection that did
    /// not answer in time is closed, so the next transaction opens a new one.
    private func answer(_ future: EventLoopFuture<PostgresQueryResult>) throws -> PostgresQueryResult {
        do {
            return try Self.result(of: future)
        } catch let error as NoAnswer {
            Self.close(self.connection)
            throw PostgresStoreError(sqlState: "08006", message: "PostgreSQL did not answer within \(error.timeout); the connection is dropped")
        }
    }

    /// Connects.
    ///
    /// - Parameter location: The server and database.
    /// - Throws: ``PostgresStoreError`` when the server cannot be reached or refuses.
    public init(location: PostgresLocation) throws {
        self.location = location
        self.connection = try Self.connect(location)
    }

    private var closed = false

    deinit {
        if !self.closed { Self.close(self.connection) }
    }

    public func close() {
        guard !self.closed else { return }
        self.closed = true
        Self.close(self.connection)
    }

    /// Closes a connection, keeping it alive until it is closed (postgres-nio requires it).
    private static func close(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// How long the server lets a session sit idle inside a transaction.
    static let idleInTransactionTimeoutMilliseconds = 15_000

    /// How postgres-nio connects to `location`.
    static func configuration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketPath = location.socketPath {
            configuration = .init(unixSocketPath: socketPath, username: location.username, password: location.password, database: location.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch location.tls {
            case .disable:
                tls = .disable
            case .prefer, .require:
                do {
                    let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                    tls = location.tls == .require ? .require(context) : .prefer(context)
                } catch {
                    throw PostgresStoreError(message: "TLS for \(location): \(error)")
                }
            }
            configuration = .init(host: location.host ?? "localhost", port: location.port, username: location.username,
                                  password: location.password, database: location.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        // A session whose client stops in the middle of a transaction (a
        // process paused, cut off) is ended by the server: it would hold the
        // writers' lock (`SQLDialect.serializeWriters`) and stop every other
        // instance's writes. qbsync's own transactions never idle this long (15 s:
        // well clear of a loaded machine's scheduling delays).
        configuration.options.additionalStartupParameters = [("idle_in_transaction_session_timeout", "\(Self.idleInTransactionTimeoutMilliseconds)")]
        return configuration
    }

    private static func connect(_ location: PostgresLocation) throws -> PostgresConnection {
        let configuration = try Self.configuration(location)
        let id = Self.connectionIDs.add(1, ordering: .relaxed).newValue
        do {
            return try Self.result(of: PostgresConnection.connect(
                on: Self.eventLoops.next(), configuration: configuration, id: id, logger: Self.logger
            ))
        } catch {
            throw PostgresStoreError(error, doing: "connect to \(location)")
        }
    }

    public func run(_ sql: String, _ values: [SQLValue]) throws {
        guard self.inTransaction else {
            self.lastRun = nil
            self.lastChanges = try self.query(sql, values).metadata.rows ?? 0
            return
        }
        let answer = self.send(sql, values)
        self.unanswered.append((answer, sql.prefix(80)))
        self.lastRun = answer
    }

    /// Rows changed by the last `run` (waits for its answer; a failed one
    /// counts 0, and its error is thrown by the next statement or ``flush()``).
    public var changes: Int {
        if let answer = self.lastRun {
            self.lastRun = nil
            self.lastChanges = (try? self.answer(answer))?.metadata.rows ?? 0
        }
        return self.lastChanges
    }

    public func rows<T>(_ sql: String, _ values: [SQLValue], _ row: (any SQLRow) throws -> T) throws -> [T] {
        try self.query(sql, values).rows.map { try row(PostgresRowCells(cells: Array($0))) }
    }

    public func first<T>(_ sql: String, _ values: [SQLValue], _ row: (any SQLRow) throws -> T) throws -> T? {
        try self.query(sql, values).rows.first.map { try row(PostgresRowCells(cells: Array($0))) }
    }

    /// Waits for every statement sent without waiting; throws the first failure.
    public func flush() throws {
        let unanswered = self.unanswered
        self.unanswered.removeAll(keepingCapacity: true)
        var failure: (any Error)?
        for (answer, sql) in unanswered {
            do {
                _ = try self.answer(answer)
            } catch {
                failure = failure ?? PostgresStoreError(error, doing: "run \(sql)")
            }
        }
        if let failure { throw failure }
    }

    /// Runs one statement without parameters (DDL, transaction control).
    ///
    /// A `COMMIT` that PostgreSQL answered with `ROLLBACK` (a statement of the
    /// transaction had failed and its error was not seen) throws: what the
    /// caller thinks was stored was not.
    public func execute(_ sql: String) throws {
        if sql.hasPrefix("BEGIN"), self.connection.isClosed, !self.closed {
            Self.close(self.connection)
            self.connection = try Self.connect(self.location)
        }
        if sql.hasPrefix("ROLLBACK") {
            // What was sent before is being undone: its failures are moot.
            try? self.flush()
        } else {
            try self.flush()
        }
        if sql.hasPrefix("BEGIN") {
            // Answered with the transaction's first statement that returns
            // rows (or its end): a failure there fails that statement.
            self.unanswered.append((self.send(sql, []), sql.prefix(80)))
            self.inTransaction = true
            return
        }
        let result = try self.query(sql, [])
        switch sql {
        case _ where sql.hasPrefix("BEGIN"): self.inTransaction = true
        case "COMMIT", "ROLLBACK": self.inTransaction = false
        default: break
        }
        if sql == "COMMIT", result.metadata.command == "ROLLBACK" {
            throw PostgresStoreError(sqlState: "25P02", message: "the transaction was rolled back at commit: a statement in it had failed")
        }
    }

    /// Runs a statement and waits for its answer. When it fails after
    /// statements sent without waiting, the first of their failures is thrown
    /// (it is why this one failed: the transaction was aborted).
    private func query(_ sql: String, _ values: [SQLValue]) throws -> PostgresQueryResult {
        let answer = self.send(sql, values)
        do {
            let result = try self.answer(answer)
            if !self.unanswered.isEmpty { try self.flush() }  // answered already: they ran first
            return result
        } catch {
            try self.flush()
            throw error as? PostgresStoreError ?? PostgresStoreError(error, doing: "run \(sql.prefix(80))")
        }
    }

    private func send(_ sql: String, _ values: [SQLValue]) -> EventLoopFuture<PostgresQueryResult> {
        guard !self.connection.isClosed else {
            // postgres-nio would never answer a query written to a closed channel.
            return Self.eventLoops.next().makeFailedFuture(PostgresStoreError(sqlState: "08006", message: "the connection to PostgreSQL was lost"))
        }
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .integer(let integer): binds.append(integer)
            case .text(let text): binds.append(text)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            case .null: binds.appendNull()
            }
        }
        return self.connection.query(PostgresQuery(unsafeSQL: self.translated(sql), binds: binds), logger: Self.logger)
    }

    /// `sql` with its `?` parameters numbered as PostgreSQL's `$n` (quoted
    /// text and identifiers are left alone).
    func translated(_ sql: String) -> String {
        if let cached = self.translations[sql] { return cached }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var quote: Character?
        var next = 1
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                result += "$\(next)"
                next += 1
            } else {
                result.append(character)
            }
        }
        // SQL texts come from code (built from a bounded set of request
        // shapes), but the cache is bounded all the same.
        if self.translations.count >= 1024 { self.translations.removeAll(keepingCapacity: true) }
        self.translations[sql] = result
        return result
    }
}

/// A row's cells as postgres-nio read them (binary format).
private struct PostgresRowCells: SQLRow {
    let cells: [PostgresCell]

    func int64(_ column: Int32) -> Int64 { (try? self.cells[Int(column)].decode(Int64.self)) ?? 0 }
    func isNull(_ column: Int32) -> Bool { self.cells[Int(column)].bytes == nil }
    func text(_ column: Int32) -> String { (try? self.cells[Int(column)].decode(String.self)) ?? "" }

    func blob(_ column: Int32) -> [UInt8] {
        guard let bytes = self.cells[Int(column)].bytes else { return [] }
        return Array(bytes.readableBytesView)
    }
}
