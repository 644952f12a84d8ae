import CSQLite
import Dispatch
import Foundation
import QBSyncWire
import Synchronization

/// qbsync's durable state: one SQLite file (WAL), the embedded default, or
/// one PostgreSQL database.
///
/// Writes go to one writer thread that commits many callers' changes in one
/// transaction (group commit): a caller's `write` returns only after its
/// change is committed, so what was accepted survives kill -9, and the
/// commit cost is shared by everyone waiting. One failing change does not
/// undo the others: its batch runs again with a savepoint per change (see
/// `GroupCommitWriter.commit`). Reads use a small pool of reader connections
/// and never wait for the writer. Both databases run the same SQL (see
/// ``Database``).
public final class Store: Sendable {
    /// Settings.
    public struct Options: Sendable {
        /// `PRAGMA synchronous`: NORMAL survives process crashes (kill -9);
        /// FULL also survives power loss, at a cost per commit. (SQLite only:
        /// PostgreSQL commits as its server is configured.)
        public var synchronousFull = false
        /// Most changes committed in one transaction.
        public var maxBatch = 1024
        /// Reader connections kept open between reads (SQLite; PostgreSQL keeps
        /// at least ``postgresReaders``, since opening one starts a server process).
        public var readers = 4
        /// Reader connections a PostgreSQL store keeps open at least.
        public static let postgresReaders = 16
        /// Largest the database file may grow, in bytes (nil: as the disk
        /// allows). Past it, writes fail as on a full disk. (SQLite only.)
        public var maxSizeBytes: Int64?
        /// How long opening a PostgreSQL store waits for another instance's
        /// writer to let go of the database (a restart's old session ending).
        public var writerLockWait: Duration = .seconds(10)

        /// Defaults.
        public init() {}
    }

    /// Where the data is: the SQLite file's path, or the PostgreSQL URL
    /// without its password.
    public let path: String
    /// Which database it is.
    public let dialect: SQLDialect
    private let writer: GroupCommitWriter
    private let readers: Mutex<[ReaderBox]>
    private let openReader: @Sendable () throws -> any Database
    private let options: Options
    /// Reader connections kept open between reads.
    private let pooledReaders: Int

    /// Opens (creating and migrating) the SQLite store at `path`.
    ///
    /// - Parameters:
    ///   - path: Database file; created with mode 0600.
    ///   - options: Durability and pool settings.
    public convenience init(path: String, options: Options = Options()) throws {
        let database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA journal_mode = WAL")
        try database.execute("PRAGMA synchronous = \(options.synchronousFull ? "FULL" : "NORMAL")")
        try database.execute("PRAGMA temp_store = MEMORY")
        // Erased secrets (a disconnected company's client secret and refresh
        // token) are overwritten in the page, where that costs no extra I/O.
        try database.execute("PRAGMA secure_delete = FAST")
        if let maxSizeBytes = options.maxSizeBytes {
            let pageSize = try database.first("PRAGMA page_size") { $0.int64(0) } ?? 4096
            try database.execute("PRAGMA max_page_count = \(max(1, maxSizeBytes / pageSize))")
        }
        try database.execute("PRAGMA cache_size = -32768")
        // Checkpoints run on their own thread, finished by the writer between
        // batches so that the WAL starts over (see `WALCheckpoints`), never
        // inside a commit.
        try database.execute("PRAGMA wal_autocheckpoint = 0")
        try database.execute("PRAGMA journal_size_limit = \(WALCheckpoints.retainedBytes)")
        try Migrations.migrate(database)
        try self.init(
            path: path, dialect: .sqlite, writer: database, checkpoints: WALCheckpoints(writer: database, path: path),
            options: options, openReader: { try SQLiteDatabase(path: path, readOnly: true) }
        )
    }

    /// Opens (creating and migrating) the store on a PostgreSQL database.
    ///
    /// One instance writes to a database at a time: the writer connection
    /// holds a session lock, and a second `qbsync serve` on the same database
    /// is refused until the first one's connection ends.
    public convenience init(postgres location: PostgresLocation, options: Options = Options()) throws {
        let database = try PostgresDatabase(location: location, sessionLock: (PostgresDatabase.writerLock, options.writerLockWait))
        try PostgresSchema.migrate(database)
        try self.init(
            path: location.description, dialect: .postgres, writer: database, checkpoints: nil,
            options: options, openReader: { try PostgresDatabase(location: location) }
        )
    }

    /// Opens the store named by `location`: a `postgres://` URL, or a SQLite file's path.
    public convenience init(location: String, options: Options = Options()) throws {
        if PostgresLocation.isURL(location) {
            try self.init(postgres: PostgresLocation(url: location), options: options)
        } else {
            try self.init(path: location, options: options)
        }
    }

    private init(
        path: String, dialect: SQLDialect, writer: any Database, checkpoints: WALCheckpoints?, options: Options,
        openReader: @escaping @Sendable () throws -> any Database
    ) throws {
        self.path = path
        self.dialect = dialect
        self.options = options
        self.pooledReaders = dialect == .postgres ? max(options.readers, Options.postgresReaders) : options.readers
        self.openReader = openReader
        self.writer = try GroupCommitWriter(database: writer, maxBatch: options.maxBatch, checkpoints: checkpoints)
        self.readers = Mutex([])
    }

    /// Stops the writer thread after the changes already submitted, and
    /// ends the database connections.
    public func close() {
        self.writer.stop()
        for box in self.readers.withLock({ pool in defer { pool.removeAll() }; return pool }) { box.database.close() }
    }

    /// Called on the writer thread after each commit with that commit's
    /// events, in sequence order. Set once, before writing.
    public func setCommitObserver(_ observer: any CommitObserver) {
        self.writer.setObserver(observer)
    }

    /// Runs `change` in the next group commit and returns its result once committed.
    ///
    /// - Parameter change: Reads and writes through the transaction, and
    ///   nothing else: it may run more than once (when another change in its
    ///   batch throws, the batch runs again), and only the committed run's
    ///   result is returned. Throwing rolls back this change only.
    public func write<T: Sendable>(_ change: @escaping @Sendable (WriteTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            self.writer.submit { transaction in
                do {
                    let value = try change(transaction)
                    return (false, { continuation.resume(returning: value) })
                } catch {
                    return (true, { continuation.resume(throwing: error) })
                }
            } failed: { error in
                continuation.resume(throwing: error)
            }
        }
    }

    /// Changes submitted and not yet taken into a batch.
    var queuedChanges: Int { self.writer.queued }

    /// How many times the WAL started over from its beginning (SQLite).
    var walRestarts: UInt64 { self.writer.checkpoints?.restarts ?? 0 }

    /// Runs `query` on a reader connection (a consistent snapshot).
    ///
    /// A connection that failed is dropped, not returned to the pool: a
    /// PostgreSQL connection may have been lost with it.
    public func read<T>(_ query: (any Database) throws -> T) throws -> T {
        let box = try self.checkoutReader()
        do {
            try box.database.execute(self.dialect.beginRead)
            let value = try query(box.database)
            try box.database.execute("COMMIT")
            self.checkinReader(box)
            return value
        } catch {
            try? box.database.execute("ROLLBACK")
            throw error
        }
    }

    private func checkoutReader() throws -> ReaderBox {
        if let box = self.readers.withLock({ $0.popLast() }) { return box }
        return ReaderBox(database: try self.openReader())
    }

    private func checkinReader(_ box: ReaderBox) {
        self.readers.withLock { pool in
            if pool.count < self.pooledReaders { pool.append(box) }
        }
    }
}

/// Receives each commit's events on the writer thread, in order; must not block.
public protocol CommitObserver: AnyObject, Sendable {
    /// One commit's events, in sequence order.
    func committed(_ events: [CommittedEvent])
}

/// A reader connection moving between threads, one user at a time.
private final class ReaderBox: @unchecked Sendable {
    let database: any Database
    init(database: any Database) { self.database = database }
}

/// The single writer thread and its queue.
final class GroupCommitWriter: @unchecked Sendable {
    /// A change: runs in the transaction; says whether it failed (its
    /// savepoint is rolled back) and what to do after the commit.
    typealias Change = @Sendable (WriteTransaction) -> (failed: Bool, completion: () -> Void)

    private struct Pending: Sendable {
        var change: Change
        var failed: @Sendable (any Error) -> Void
    }

    private let database: any Database
    private let transaction: WriteTransaction
    private let maxBatch: Int
    private let queue = Mutex<(items: [Pending], stopped: Bool)>(([], false))
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let observer = Mutex<(any CommitObserver)?>(nil)
    let checkpoints: WALCheckpoints?

    init(database: any Database, maxBatch: Int, checkpoints: WALCheckpoints?) throws {
        self.database = database
        self.transaction = try WriteTransaction(database: database)
        self.maxBatch = maxBatch
        self.checkpoints = checkpoints
        let thread = Thread { [self] in self.loop() }
        thread.name = "qbsync-store-writer"
        thread.start()
    }

    var queued: Int { self.queue.withLock { $0.items.count } }

    func setObserver(_ observer: any CommitObserver) {
        self.observer.withLock { $0 = observer }
    }

    func submit(_ change: @escaping Change, failed: @escaping @Sendable (any Error) -> Void) {
        let accepted = self.queue.withLock { queue -> Bool in
            guard !queue.stopped else { return false }
            queue.items.append(Pending(change: change, failed: failed))
            return true
        }
        if accepted {
            self.wakeup.signal()
        } else {
            failed(SQLiteError(code: SQLITE_MISUSE, message: "the store is closed"))
        }
    }

    func stop() {
        let wasRunning = self.queue.withLock { queue -> Bool in
            defer { queue.stopped = true }
            return !queue.stopped
        }
        guard wasRunning else { return }
        self.wakeup.signal()
        self.finished.wait()
    }

    private func loop() {
        while true {
            self.wakeup.wait()
            while true {
                let (batch, stopped) = self.queue.withLock { queue -> ([Pending], Bool) in
                    let count = min(queue.items.count, self.maxBatch)
                    let batch = Array(queue.items.prefix(count))
                    queue.items.removeFirst(count)
                    return (batch, queue.stopped)
                }
                if batch.isEmpty {
                    if stopped {
                        self.checkpoints?.close()
                        self.database.close()
                        self.finished.signal()
                        return
                    }
                    break
                }
                self.commit(batch)
                // Between batches no write is open: the moment to let the
                // WAL start over (see `WALCheckpoints`).
                self.checkpoints?.afterCommit()
            }
        }
    }

    private func commit(_ batch: [Pending]) {
        // Changes rarely throw (requests are validated before they get here),
        // so the batch first runs without a savepoint per change (each one
        // costs two statements and a copy of every page the change touches).
        // When one does throw, everything is rolled back and the batch runs
        // again, each change in its own savepoint. A change's closure only
        // reads and writes through the transaction, so running it twice is
        // the same as running it once.
        switch self.run(batch, savepoints: false) {
        case .committed(let completions):
            self.finish(completions)
        case .changeFailed(let completion) where batch.count == 1:
            completion()
        case .changeFailed:
            switch self.run(batch, savepoints: true) {
            case .committed(let completions): self.finish(completions)
            case .changeFailed: preconditionFailure("with savepoints a failing change is rolled back on its own")
            case .failed(let error): for pending in batch { pending.failed(error) }
            }
        case .failed(let error):
            for pending in batch { pending.failed(error) }
        }
    }

    private enum BatchOutcome {
        /// Committed; each change's completion, in order.
        case committed([() -> Void])
        /// Without savepoints, a change threw: the batch was rolled back.
        case changeFailed(() -> Void)
        /// The database failed: the batch was rolled back, or (PostgreSQL,
        /// the connection lost at COMMIT) may have been committed after all.
        case failed(any Error)
    }

    /// Set when a batch failed in the database: the first event sequence it
    /// would have used. Its COMMIT may have gone through (a PostgreSQL
    /// connection lost while committing), so the next batch reads where the
    /// log stands rather than reusing those sequences.
    private var uncertainFrom: Int64?

    /// After a failed batch: moves the sequence past what the log holds and
    /// publishes the events of a batch that was committed after all (its
    /// callers were told it failed; they retry, and a retried change that is
    /// already stored changes nothing).
    private func catchUpWithTheLog() throws {
        guard let from = self.uncertainFrom else { return }
        let last = try self.database.lastSequence()
        if last >= UInt64(from) {
            // At most one batch: up to `maxBatch` changes, a few events each.
            let events = try self.database.events(after: UInt64(from - 1), limit: Int(last - UInt64(from)) + 1).compactMap { stored in
                (try? SyncEvent(unpacking: stored.body)).map { CommittedEvent(event: $0, body: stored.body) }
            }
            if !events.isEmpty, let observer = self.observer.withLock({ $0 }) { observer.committed(events) }
        }
        self.transaction.resume(after: Int64(last))
        self.uncertainFrom = nil
    }

    private func run(_ batch: [Pending], savepoints: Bool) -> BatchOutcome {
        var completions: [() -> Void] = []
        completions.reserveCapacity(batch.count)
        var began = false
        do {
            try self.database.execute(self.database.dialect.beginWrite)
            try self.catchUpWithTheLog()
            self.transaction.beginBatch()
            began = true
            for pending in batch {
                if savepoints { try self.database.execute("SAVEPOINT change") }
                self.transaction.beginChange()
                var (failed, completion) = pending.change(self.transaction)
                if !failed && savepoints {
                    // Statements sent without waiting (PostgreSQL) belong to this
                    // change: their failure is its failure.
                    do {
                        try self.database.flush()
                    } catch {
                        (failed, completion) = (true, { pending.failed(error) })
                    }
                }
                if failed, let sqlite = self.database as? SQLiteDatabase, sqlite.isAutocommit {
                    // SQLite rolled the whole transaction back itself (a full
                    // disk, an I/O error): every change of the batch fails with it.
                    self.transaction.rollbackBatch()
                    return .failed(sqlite.lastError(doing: "write"))
                }
                if failed && !savepoints {
                    try self.database.execute("ROLLBACK")
                    self.transaction.rollbackBatch()
                    return .changeFailed(completion)
                }
                if failed {
                    try self.database.execute("ROLLBACK TO change")
                    self.transaction.rollbackChange()
                }
                if savepoints { try self.database.execute("RELEASE change") }
                completions.append(completion)
            }
            if !savepoints {
                // A statement sent without waiting failed: which change sent it
                // is found by running the batch again with savepoints.
                do {
                    try self.database.flush()
                } catch {
                    try self.database.execute("ROLLBACK")
                    self.transaction.rollbackBatch()
                    return .changeFailed({ batch[0].failed(error) })
                }
            }
            try self.database.execute("COMMIT")
            return .committed(completions)
        } catch {
            if (self.database as? SQLiteDatabase)?.isAutocommit != true { try? self.database.execute("ROLLBACK") }
            if began {
                self.transaction.rollbackBatch()
                self.uncertainFrom = self.uncertainFrom ?? Int64(self.transaction.upcomingSequence)
            }
            return .failed(error)
        }
    }

    private func finish(_ completions: [() -> Void]) {
        let events = self.transaction.endBatch()
        if !events.isEmpty, let observer = self.observer.withLock({ $0 }) {
            observer.committed(events)
        }
        for completion in completions { completion() }
    }
}
