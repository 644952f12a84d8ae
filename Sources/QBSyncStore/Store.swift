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
        /// Defaults.
        public init() {}
    }

    /// Where the data is: the SQLite file's path, or the PostgreSQL URL
    /// without its password.
    public let path: String
    /// Which database it is.
    public let dialect: SQLDialect
    private let writer: GroupCommitWriter
    /// Wakes the writer when another instance commits (PostgreSQL).
    private let follower = Mutex<PostgresLogFollower?>(nil)
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
    /// Several instances may write to one database: their batches take turns
    /// (see `SQLDialect.serializeWriters`), and each publishes the events the
    /// others commit to its own commit observer, in sequence order (see
    /// ``followTheLog()`` and `PostgresLogFollower`).
    public convenience init(postgres location: PostgresLocation, options: Options = Options()) throws {
        let database = try PostgresDatabase(location: location)
        try PostgresSchema.migrate(database)
        try self.init(
            path: location.description, dialect: .postgres, writer: database, checkpoints: nil,
            options: options, openReader: { try PostgresDatabase(location: location) }
        )
        let writer = self.writer
        self.follower.withLock { $0 = PostgresLogFollower(location: location, ownTag: writer.writerTag) { writer.follow() } }
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
        self.follower.withLock { $0?.stop() }
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
    /// - Parameters:
    ///   - keys: Records the change will look up by key. A PostgreSQL store
    ///     reads those of the whole batch in one statement before its changes
    ///     run, so they find them without a round trip each; a hint only.
    ///   - change: Reads and writes through the transaction, and
    ///     nothing else: it may run more than once (when another change in its
    ///     batch throws, the batch runs again), and only the committed run's
    ///     result is returned. Throwing rolls back this change only.
    public func write<T: Sendable>(reading keys: [RecordKey] = [], _ change: @escaping @Sendable (WriteTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            self.writer.submit(reading: keys) { transaction in
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

    /// Called on the writer thread with the events other instances committed
    /// (see ``followTheLog()``), after the commit observer has them. Set once, before writing.
    public func setFollowHandler(_ handler: @escaping @Sendable ([CommittedEvent]) -> Void) {
        self.writer.setFollowHandler(handler)
    }

    /// Publishes to the commit observer, in sequence order, the events other
    /// instances sharing the database committed since the last batch (a
    /// PostgreSQL store does it at every batch too; its `PostgresLogFollower`
    /// calls this when one of them commits). Returns at once; requests coalesce.
    public func followTheLog() {
        self.writer.follow()
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
        /// Records the change will look up (see `Store.write(reading:_:)`).
        var reads: [RecordKey]
    }

    private let database: any Database
    private let transaction: WriteTransaction
    private let maxBatch: Int
    private let queue = Mutex<(items: [Pending], stopped: Bool, follow: Bool)>(([], false, false))
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let observer = Mutex<(any CommitObserver)?>(nil)
    let checkpoints: WALCheckpoints?

    /// Names this writer in its notifications, so its own follower skips them.
    let writerTag: String
    private let followHandler = Mutex<(@Sendable ([CommittedEvent]) -> Void)?>(nil)

    init(database: any Database, maxBatch: Int, checkpoints: WALCheckpoints?) throws {
        self.database = database
        self.transaction = try WriteTransaction(database: database)
        self.published = self.transaction.upcomingSequence - 1
        self.sharesTheLog = database.dialect == .postgres
        self.writerTag = "\(UInt64.random(in: 1...UInt64.max))"
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

    func setFollowHandler(_ handler: @escaping @Sendable ([CommittedEvent]) -> Void) {
        self.followHandler.withLock { $0 = handler }
    }

    /// Asks the writer thread to publish what other instances committed, when
    /// it is next idle (a batch does it anyway). Requests coalesce.
    func follow() {
        let first = self.queue.withLock { queue -> Bool in
            defer { queue.follow = true }
            return !queue.follow && !queue.stopped
        }
        if first { self.wakeup.signal() }
    }

    func submit(reading keys: [RecordKey] = [], _ change: @escaping Change, failed: @escaping @Sendable (any Error) -> Void) {
        let accepted = self.queue.withLock { queue -> Bool in
            guard !queue.stopped else { return false }
            queue.items.append(Pending(change: change, failed: failed, reads: keys))
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
                let (batch, stopped, follow) = self.queue.withLock { queue -> ([Pending], Bool, Bool) in
                    let count = min(queue.items.count, self.maxBatch)
                    let batch = Array(queue.items.prefix(count))
                    queue.items.removeFirst(count)
                    defer { queue.follow = false }
                    return (batch, queue.stopped, queue.follow)
                }
                if batch.isEmpty, follow, !stopped {
                    self.followTheLog()
                    continue
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

    /// The newest event sequence handed to the observer.
    private var published: UInt64
    /// A batch failed in the database. Its COMMIT may have gone through (a
    /// PostgreSQL connection lost while committing), so the next batch reads
    /// where the log stands rather than reusing those sequences.
    private var uncertain = false
    /// Other instances write to the log too (PostgreSQL): every batch reads
    /// where the log stands, under the writers' lock.
    private let sharesTheLog: Bool
    /// The id PostgreSQL gave this writer's previous transaction. Every
    /// transaction that writes gets the next id when it first asks, and
    /// qbsync's writers ask right after taking the writers' lock: when this
    /// batch's id follows the previous one's, no other transaction in the
    /// whole cluster wrote in between, so what the previous batches read of
    /// companies, mappings and records still holds (see `WriteTransaction.beginBatch`).
    private var lastTransactionID: UInt64 = 0
    private var nobodyElseWrote = false
    /// Record ids reserved with the batch's first read.
    private var reservedRecordIDs: [Int64] = []

    /// Publishes the events committed since ``published`` that this writer
    /// did not write (another instance's, or a batch of its own whose COMMIT
    /// went through with its answer lost: its callers were told it failed;
    /// they retry, and a retried change that is already stored changes
    /// nothing), and moves the sequence past them.
    ///
    /// Sequences are assigned under the writers' lock and committed before
    /// it is let go, so the committed log is always a prefix without gaps:
    /// this may also run outside a transaction (``followTheLog()``).
    private func catchUpWithTheLog(reservingRecordIDs reserve: Int? = nil) throws {
        let last: UInt64
        if self.sharesTheLog, let reserve {
            // In one round trip: where the log stands, this transaction's id,
            // and ids for the records the batch's changes may insert.
            let (sequence, transactionID, ids) = try self.database.first(
                """
                SELECT COALESCE(MAX(seq), 0), pg_current_xact_id()::text,
                    (SELECT COALESCE(string_agg(nextval(pg_get_serial_sequence('records', 'id'))::text, ','), '') FROM generate_series(1, ?))
                FROM events
                """,
                [.integer(Int64(reserve))]
            ) { (UInt64($0.int64(0)), UInt64($0.text(1)) ?? 0, $0.text(2).split(separator: ",").compactMap { Int64($0) }) } ?? (0, 0, [])
            last = sequence
            self.nobodyElseWrote = transactionID != 0 && transactionID == self.lastTransactionID + 1
            self.lastTransactionID = transactionID
            self.reservedRecordIDs = ids
        } else {
            last = try self.database.lastSequence()
        }
        var followed: [CommittedEvent] = []
        while last > self.published {
            let stored = try self.database.events(after: self.published, limit: 1000)
            guard let newest = stored.last else { break }  // pruned meanwhile
            followed += stored.compactMap { stored in
                (try? SyncEvent(unpacking: stored.body)).map { CommittedEvent(event: $0, body: stored.body) }
            }
            self.published = newest.sequence
        }
        self.published = max(self.published, last)
        self.transaction.resume(after: Int64(last))
        self.uncertain = false
        if !followed.isEmpty {
            if let observer = self.observer.withLock({ $0 }) { observer.committed(followed) }
            self.followHandler.withLock { $0 }?(followed)
        }
    }

    /// Between batches: publishes what other instances committed (see ``GroupCommitWriter/follow()``).
    private func followTheLog() {
        do {
            // In a transaction of its own: a lost connection is opened again at BEGIN.
            try self.database.execute(self.database.dialect.beginRead)
            try self.catchUpWithTheLog()
            try self.database.execute("COMMIT")
        } catch {
            try? self.database.execute("ROLLBACK")
            // The next batch, or the next follow, reads it again.
        }
    }

    private func run(_ batch: [Pending], savepoints: Bool) -> BatchOutcome {
        var completions: [() -> Void] = []
        completions.reserveCapacity(batch.count)
        var began = false
        do {
            try self.database.execute(self.database.dialect.beginWrite)
            if let lock = self.database.dialect.serializeWriters { try self.database.run(lock) }
            self.nobodyElseWrote = false
            self.reservedRecordIDs = []
            // Changes that name records they read are intake: most insert one.
            if self.sharesTheLog || self.uncertain { try self.catchUpWithTheLog(reservingRecordIDs: batch.count { !$0.reads.isEmpty }) }
            self.transaction.beginBatch(size: batch.count, keepingReads: self.nobodyElseWrote, reservedRecordIDs: self.reservedRecordIDs)
            began = true
            // Each statement that returns rows is a round trip to PostgreSQL:
            // the records the changes will look up are read all at once.
            if self.database.dialect == .postgres { try self.transaction.prefetch(batch.flatMap(\.reads)) }
            for pending in batch {
                if savepoints { try self.database.execute("SAVEPOINT change") }
                self.transaction.beginChange()
                var (failed, completion) = pending.change(self.transaction)
                if !failed && savepoints {
                    // Statements sent without waiting (PostgreSQL) belong to this
                    // change: their failure is its failure.
                    do {
                        try self.transaction.connection.flush()
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
            try self.transaction.writeDeferred()
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
            if self.sharesTheLog, self.transaction.batchHasEvents {
                // Other instances' followers wake at the commit (see `PostgresLogFollower`).
                try self.database.run("SELECT pg_notify(?, ?)", [.text(PostgresLogFollower.channel), .text(self.writerTag)])
            }
            try self.database.execute("COMMIT")
            return .committed(completions)
        } catch {
            if (self.database as? SQLiteDatabase)?.isAutocommit != true { try? self.database.execute("ROLLBACK") }
            if began {
                self.transaction.rollbackBatch()
                self.uncertain = true
            }
            return .failed(error)
        }
    }

    private func finish(_ completions: [() -> Void]) {
        let events = self.transaction.endBatch()
        if let newest = events.last { self.published = newest.event.sequence }
        if !events.isEmpty, let observer = self.observer.withLock({ $0 }) {
            observer.committed(events)
        }
        for completion in completions { completion() }
    }
}
