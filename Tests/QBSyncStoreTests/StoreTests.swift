import Foundation
import QBSyncTesting
import QBSyncWire
import Synchronization
import Testing

@testable import QBSyncStore

/// A new store's location: a SQLite file, or a PostgreSQL database when the suites run on one.
func temporaryStorePath() throws -> String {
    try TestDatabase.fresh(name: "qbsync-store-\(UUID().uuidString).sqlite3")
}

@Suite(.timeLimit(.minutes(3))) struct StoreTests {
    private func newRecord(_ id: String, status: SyncStatus = .pending) -> RecordRow {
        RecordRow(key: RecordKey(companyID: "acme", entity: .invoice, externalID: id), payload: [1, 2], contentHash: "h-\(id)", status: status)
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "a SQLite file")) func databaseFileIsOwnerOnlyAndMigrated() throws {
        let path = try temporaryStorePath()
        let store = try Store(location: path)
        defer { store.close() }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try store.read { try ($0 as! SQLiteDatabase).userVersion } == Migrations.all.count)
    }

    @Test(.enabled(if: TestDatabase.isPostgres, "a PostgreSQL database")) func instancesSharingAPostgresDatabaseWriteOneLogAndSeeEachOthersEvents() async throws {
        let location = try temporaryStorePath()
        let first = try Store(location: location)
        defer { first.close() }
        #expect(try first.read { try $0.first("SELECT version FROM qbsync_schema") { $0.int(0) } } == Migrations.all.count)
        // A second instance opens the same database (already migrated) and writes beside the first.
        let second = try Store(location: location)
        defer { second.close() }
        #expect(try second.read { try $0.first("SELECT COUNT(*) FROM qbsync_schema") { $0.int(0) } } == 1)
        let seenByFirst = SequenceRecorder(), seenBySecond = SequenceRecorder()
        first.setCommitObserver(seenByFirst)
        second.setCommitObserver(seenBySecond)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                let store = index % 2 == 0 ? first : second
                group.addTask {
                    try await store.write { transaction in
                        var row = self.newRecord("inv-\(index)")
                        try transaction.insert(&row, note: "accepted")
                    }
                }
            }
            try await group.waitForAll()
        }
        // One log: every sequence once, none skipped, in commit order.
        let logged = try first.read { try $0.rows("SELECT seq FROM events ORDER BY seq") { UInt64($0.int64(0)) } }
        #expect(logged.count == 200)
        #expect(logged == Array(1...UInt64(logged.count)))
        // Each instance publishes every event, its own and the other's, once and in order
        // (the other's when its follower hears of them, or at its next batch).
        let deadline = ContinuousClock.now + .seconds(10)
        while (seenByFirst.sequences.withLock { $0 }.count < logged.count || seenBySecond.sequences.withLock { $0 }.count < logged.count) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(seenByFirst.sequences.withLock { $0 } == logged)
        #expect(seenBySecond.sequences.withLock { $0 } == logged)
        // Record ids (reserved a batch at a time on PostgreSQL) grow in commit order across instances too.
        let idsInLogOrder = try first.read { try $0.rows("SELECT record_id FROM events ORDER BY seq") { $0.int64(0) } }
        #expect(idsInLogOrder == idsInLogOrder.sorted() && Set(idsInLogOrder).count == 200)
    }

    /// A PostgreSQL writer keeps what its batches read of companies, mappings
    /// and records while nobody else writes. What another instance writes
    /// must be read again at this one's next batch.
    @Test(.enabled(if: TestDatabase.isPostgres, "a PostgreSQL database")) func whatAnotherInstanceWroteIsReadAgainNotKeptFromEarlierBatches() async throws {
        let location = try temporaryStorePath()
        let first = try Store(location: location)
        defer { first.close() }
        let second = try Store(location: location)
        defer { second.close() }
        let key = RecordKey(companyID: "acme", entity: .invoice, externalID: "inv-1")
        try await first.write { transaction in
            try transaction.save(CompanyRow(companyID: "acme"))
            try transaction.save(Mapping(kind: .item, externalCode: "TENT-20", qboID: "1", qboName: "Tent", qboPaymentMethodID: ""), companyID: "acme")
            var row = self.newRecord("inv-1")
            try transaction.insert(&row, note: "accepted")
        }
        @Sendable func look(_ transaction: WriteTransaction) throws -> [String] {
            [try transaction.company("acme")?.homeCurrency ?? "?", try transaction.mapping(.item, "TENT-20", companyID: "acme")?.qboID ?? "?",
             try transaction.record(key)?.status.label ?? "?"]
        }
        // Read twice by the first instance (the second time from what it kept), then changed by the second.
        let before = try await first.write(reading: [key], look)
        #expect(try await first.write(reading: [key], look) == before)
        try await second.write { transaction in
            var company = try #require(try transaction.company("acme"))
            company.homeCurrency = "CAD"
            try transaction.save(company)
            try transaction.save(Mapping(kind: .item, externalCode: "TENT-20", qboID: "2", qboName: "Tent", qboPaymentMethodID: ""), companyID: "acme")
            var row = try #require(try transaction.record(key))
            try transaction.transition(&row, to: .synced, note: "pushed")
        }
        #expect(try await first.write(reading: [key], look) == ["CAD", "2", SyncStatus.synced.label])
    }

    @Test(.enabled(if: TestDatabase.isPostgres, "a PostgreSQL database")) func aLostConnectionFailsOnlyWhatWasInFlightAndIsOpenedAgain() async throws {
        let location = try temporaryStorePath()
        let store = try Store(location: location)
        defer { store.close() }
        try await store.write { transaction in
            var row = self.newRecord("inv-1")
            try transaction.insert(&row, note: "accepted")
        }
        #expect(try store.read { try $0.record(RecordKey(companyID: "acme", entity: .invoice, externalID: "inv-1")) } != nil)
        // The server ends every session of the store's database (a restart, a cut idle connection).
        let admin = try PostgresDatabase(location: try #require(TestDatabase.postgres))
        defer { admin.close() }
        let database = try PostgresLocation(url: location).database
        try admin.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", [.text(database)])
        try await Task.sleep(for: .milliseconds(200))
        // A write and a read may fail once with the connection; the next ones open it again.
        var failures = 0
        for attempt in 0..<3 {
            do {
                try await store.write { transaction in
                    var row = self.newRecord("inv-2")
                    if try transaction.record(row.key) == nil { try transaction.insert(&row, note: "accepted") }
                }
                break
            } catch {
                failures += 1
                #expect(error is PostgresStoreError, "\(error)")
                #expect(attempt < 1, "still failing: \(error)")
            }
        }
        #expect(failures <= 1)
        var rows: [RecordRow] = []
        for _ in 0..<3 {
            if let page = try? store.read({ try $0.records(companyID: "acme", entity: nil, statuses: [], afterID: 0, limit: 10) }) {
                rows = page
                break
            }
        }
        #expect(rows.map(\.key.externalID) == ["inv-1", "inv-2"])
        #expect(try store.read { try $0.counters(companyID: "acme") }.first?.count == 2)
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "SQLite's statement cache")) func theStatementCacheEvictsTheLeastRecentlyUsed() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.execute("CREATE TABLE t (a INTEGER)")
        let capacity = SQLiteDatabase.statementCacheCapacity
        let hot = "SELECT count(*) FROM t"
        for index in 0..<(capacity * 4) {
            // SQL shaped by requests (an IN list of every length) must not grow the cache forever.
            _ = try database.statement("SELECT a FROM t WHERE a IN (\((0...index).map { _ in "?" }.joined(separator: ", ")))", (0...index).map { .integer(Int64($0)) })
            _ = try database.statement(hot).first { $0.int64(0) }  // used all along: never evicted
            #expect(database.cachedStatementCount <= capacity)
        }
        let statement = try database.statement(hot)
        _ = try database.statement(hot)
        #expect(try statement.first { $0.int64(0) } == 0)
    }

    @Test func concurrentWritesAreGroupCommittedAndAllDurable() async throws {
        let path = try temporaryStorePath()
        let store = try Store(location: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<500 {
                group.addTask {
                    try await store.write { transaction in
                        var row = self.newRecord("inv-\(index)")
                        try transaction.insert(&row, note: "accepted")
                    }
                }
            }
            try await group.waitForAll()
        }
        store.close()
        let reopened = try Store(location: path)
        defer { reopened.close() }
        let counts = try reopened.read { try $0.counters(companyID: "acme") }
        #expect(counts.count == 1)
        #expect(counts.first?.count == 500)
        #expect(try reopened.read { try $0.lastSequence() } == 500)
    }

    @Test func aStatementThatFailsInsideABatchFailsOnlyItsOwnChange() async throws {
        // On PostgreSQL statements without rows are sent without waiting: the
        // failure shows up later, and must still be pinned on the change that sent it.
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        try await store.write { transaction in
                            var row = self.newRecord("inv-\(index)")
                            try transaction.insert(&row, note: "accepted")
                            if index % 50 == 7 {
                                // A second row with the same primary key, then more statements after it.
                                for _ in 0..<2 {
                                    try transaction.database.run("INSERT INTO errored_records (company_id, record_id, failed_at) VALUES (?, ?, ?)",
                                                                 [.text("acme"), .integer(row.id), .integer(1)])
                                }
                                try transaction.database.run("DELETE FROM warnings WHERE record_id = ?", [.integer(row.id)])
                            }
                        }
                        return (index, true)
                    } catch let error as any DatabaseFailure {
                        #expect(!error.isStorageFull)
                        return (index, false)
                    }
                }
            }
            return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.filter { !$0.value }.keys.sorted() == [7, 57, 107, 157])
        let stored = try store.read { try $0.records(companyID: "acme", entity: nil, statuses: [], afterID: 0, limit: 1000) }
        #expect(stored.count == 196)
        #expect(!stored.contains { $0.key.externalID == "inv-7" })
        #expect(try store.read { try $0.counters(companyID: "acme") }.first?.count == 196)
        #expect(try store.read { try $0.first("SELECT COUNT(*) FROM errored_records") { $0.int(0) } } == 0)
    }

    @Test func aFailingChangeIsRolledBackAloneWithItsEvents() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        let observer = SequenceRecorder()
        store.setCommitObserver(observer)
        let good = Task {
            try await store.write { transaction in
                var row = self.newRecord("good")
                try transaction.insert(&row, note: "accepted")
            }
        }
        let bad = Task {
            try await store.write { transaction in
                var row = self.newRecord("bad")
                try transaction.insert(&row, note: "accepted")
                struct Refused: Error {}
                throw Refused()
            }
        }
        try await good.value
        await #expect(throws: (any Error).self) { try await bad.value }
        let afterSequence = try await store.write { transaction in
            var after = self.newRecord("after")
            try transaction.insert(&after, note: "accepted")
            return after.lastEventSequence
        }
        #expect(try store.read { try $0.record(RecordKey(companyID: "acme", entity: .invoice, externalID: "bad")) } == nil)
        #expect(try store.read { try $0.counters(companyID: "acme") }.first?.count == 2)
        // Sequences stay gap-free: the rolled-back event's number is reused, never skipped.
        #expect(observer.sequences.withLock { $0 } == [1, afterSequence])
        #expect(afterSequence == 2)
    }

    @Test func aChangeThatThrowsInsideABatchLeavesTheOthersCommitted() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        let observer = SequenceRecorder()
        store.setCommitObserver(observer)
        // Hold the writer so that the next three changes queue up and run as one batch.
        let release = DispatchSemaphore(value: 0)
        let runs = RunCounts()
        let holding = Task {
            try await store.write { transaction in
                // PostgreSQL ends a session idle in a transaction after 5 s, and on a
                // loaded machine the three changes may take longer to queue up.
                if transaction.database.dialect == .postgres { try transaction.database.execute("SET LOCAL idle_in_transaction_session_timeout = 0") }
                runs.value.withLock { $0["holding", default: 0] += 1 }
                release.wait()
            }
        }
        while runs.value.withLock({ $0["holding"] == nil }) { try await Task.sleep(for: .milliseconds(1)) }
        func insert(_ id: String, throwing: Bool) -> Task<UInt64, any Error> {
            Task {
                try await store.write { transaction in
                    runs.value.withLock { $0[id, default: 0] += 1 }
                    var row = self.newRecord(id)
                    try transaction.insert(&row, note: "accepted")
                    struct Refused: Error {}
                    if throwing { throw Refused() }
                    return row.lastEventSequence
                }
            }
        }
        let first = insert("first", throwing: false)
        while store.queuedChanges < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let bad = insert("bad", throwing: true)
        while store.queuedChanges < 2 { try await Task.sleep(for: .milliseconds(1)) }
        let last = insert("last", throwing: false)
        while store.queuedChanges < 3 { try await Task.sleep(for: .milliseconds(1)) }
        release.signal()
        try await holding.value
        let firstSequence = try await first.value
        let lastSequence = try await last.value
        await #expect(throws: (any Error).self) { try await bad.value }
        #expect(try store.read { try $0.record(RecordKey(companyID: "acme", entity: .invoice, externalID: "bad")) } == nil)
        #expect(try store.read { try $0.record(RecordKey(companyID: "acme", entity: .invoice, externalID: "first")) } != nil)
        #expect(try store.read { try $0.record(RecordKey(companyID: "acme", entity: .invoice, externalID: "last")) } != nil)
        #expect(try store.read { try $0.counters(companyID: "acme") }.first?.count == 2)
        // The batch ran once without savepoints, failed at "bad", and ran again
        // with one savepoint per change: "first" ran twice, "last" once.
        #expect(runs.value.withLock { $0 } == ["holding": 1, "first": 2, "bad": 2, "last": 1])
        #expect([firstSequence, lastSequence] == [1, 2])
        #expect(observer.sequences.withLock { $0 } == [1, 2])
    }

    /// A PostgreSQL store reads ahead the records a batch's changes name
    /// (`Store.write(reading:)`), holds inserts of new records to send many at
    /// once, and writes events and counters at the end of the batch. Each change
    /// must still see what the changes before it wrote, and one that throws must
    /// take back its own inserts, counters and events, and nothing else.
    @Test func changesOfOneBatchSeeWhatTheOnesBeforeWroteWhateverWasReadAhead() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        let observer = SequenceRecorder()
        store.setCommitObserver(observer)
        let release = DispatchSemaphore(value: 0)
        let runs = RunCounts()
        let holding = Task {
            try await store.write { transaction in
                if transaction.database.dialect == .postgres { try transaction.database.execute("SET LOCAL idle_in_transaction_session_timeout = 0") }
                runs.value.withLock { $0["holding", default: 0] += 1 }
                release.wait()
            }
        }
        while runs.value.withLock({ $0["holding"] == nil }) { try await Task.sleep(for: .milliseconds(1)) }
        // Queued one after the other behind the held writer: they run as one batch, in this order.
        func queue<T: Sendable>(_ reading: [RecordKey], _ change: @escaping @Sendable (WriteTransaction) throws -> T) async throws -> Task<T, any Error> {
            let before = store.queuedChanges
            let task = Task { try await store.write(reading: reading, change) }
            while store.queuedChanges <= before { try await Task.sleep(for: .milliseconds(1)) }
            return task
        }
        let a = RecordKey(companyID: "acme", entity: .invoice, externalID: "a")
        let b = RecordKey(companyID: "acme", entity: .invoice, externalID: "b")
        let c = RecordKey(companyID: "acme", entity: .invoice, externalID: "c")
        let insertA = try await queue([a, b]) { transaction -> Bool in
            let absent = try transaction.record(a) == nil
            var row = self.newRecord("a")
            try transaction.insert(&row, note: "accepted")
            return absent
        }
        let moveA = try await queue([a]) { transaction -> SyncStatus? in
            guard var row = try transaction.record(a) else { return nil }
            try transaction.transition(&row, to: .synced, note: "pushed")
            return row.status
        }
        let readA = try await queue([a]) { transaction in
            [try transaction.record(a)?.status, try transaction.link(a)?.status]
        }
        let insertB = try await queue([b]) { transaction -> [String?] in
            let before = try transaction.record(b)?.key.externalID
            var row = self.newRecord("b")
            try transaction.insert(&row, note: "accepted")
            return [before, try transaction.record(id: row.id)?.key.externalID, try transaction.record(b)?.key.externalID]
        }
        let failC = try await queue([c]) { transaction in
            var row = self.newRecord("c")
            try transaction.insert(&row, note: "accepted")
            try transaction.transition(&row, to: .synced, note: "pushed")
            struct Refused: Error {}
            throw Refused()
        }
        let readC = try await queue([c, a]) { transaction in
            [try transaction.record(c)?.status, try transaction.record(a)?.status]
        }
        release.signal()
        try await holding.value
        #expect(try await insertA.value)
        #expect(try await moveA.value == .synced)
        #expect(try await readA.value == [.synced, .synced])
        #expect(try await insertB.value == [nil, "b", "b"])
        await #expect(throws: (any Error).self) { try await failC.value }
        #expect(try await readC.value == [nil, .synced])
        // What was committed: a (synced) and b (pending), their three events in order, and the counters of exactly that.
        let counts = try store.read { try $0.counters(companyID: "acme") }.map { "\($0.status.label)=\($0.count)" }.sorted()
        #expect(counts == ["pending=1", "synced=1"])
        let logged = try store.read { try $0.rows("SELECT seq, record_id FROM events ORDER BY seq") { [$0.int64(0), $0.int64(1)] } }
        let ids = try store.read { database in try [a, b].map { try database.record($0)?.id ?? 0 } }
        #expect(logged == [[1, ids[0]], [2, ids[0]], [3, ids[1]]])
        #expect(observer.sequences.withLock { $0 } == [1, 2, 3])
        #expect(try store.read { try $0.record(c) } == nil)
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "SQLite's WAL")) func theWALStartsOverUnderSteadyWrites() async throws {
        let path = try temporaryStorePath()
        let store = try Store(location: path)
        defer { store.close() }
        // About 5,000 pages of changes (20 MiB) from 16 writers at once, so the
        // writer never idles: the WAL must still start over instead of growing.
        let payload = [UInt8](repeating: 7, count: 3000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for index in 0..<320 {
                        try await store.write { transaction in
                            var row = RecordRow(key: RecordKey(companyID: "acme", entity: .invoice, externalID: "w\(writer)-\(index)"),
                                                payload: payload, contentHash: "h", status: .pending)
                            try transaction.insert(&row, note: "accepted")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        // Without the writer's part of the checkpoint this stays 0 and the WAL
        // grows to about 60 MB; with it the WAL starts over every ~1,000 pages.
        #expect(store.walRestarts >= 2)
        #expect(try store.read { try $0.counters(companyID: "acme") }.first?.count == 16 * 320)
    }

    @Test func transitionsWriteEventsCountersAndBlockers() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        let blocker = Blocker(kind: .itemNotMapped, ref: "GEN-20KW", message: "map item GEN-20KW")
        let id = try await store.write { transaction in
            var row = self.newRecord("inv-1", status: .blocked)
            try transaction.insert(&row, note: "accepted", blockers: [blocker])
            return row.id
        }
        #expect(try store.read { try $0.blockers(of: id) } == [blocker])
        #expect(try store.read { try $0.blockingCodes(companyID: "acme") }.first?.ref == "GEN-20KW")
        try await store.write { transaction in
            #expect(try transaction.recordsBlocked(on: .itemNotMapped, ref: "GEN-20KW", companyID: "acme") == [id])
            var row = try #require(try transaction.record(id: id))
            try transaction.transition(&row, to: .pending, note: "item mapped")
        }
        #expect(try store.read { try $0.blockers(of: id) }.isEmpty)
        let counts = try store.read { try $0.counters(companyID: "acme") }
        #expect(counts.map(\.status) == [.pending])
        let history = try store.read { try $0.history(recordID: id, limit: 10) }
        #expect(history.map(\.toStatus) == [.pending, .blocked])
        #expect(history.first?.fromStatus == .blocked)
        #expect(history.first?.at.hasSuffix("Z") == true)
    }

    @Test func dueInteractiveRecordsComeBeforeEveryBackfillRecordWhateverTheirAge() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        try await store.write { transaction in
            for (index, lane) in [QueueLane.backfill, .backfill, .interactive, .backfill, .interactive].enumerated() {
                var row = self.newRecord("inv-\(index)", status: .pending)
                row.lane = lane
                try transaction.insert(&row, note: "accepted")
            }
        }
        let now = Clock.milliseconds() + 1
        let due = try store.read { try $0.dueRecords(companyID: "acme", now: now, limit: 10) }
        #expect(due.map(\.key.externalID) == ["inv-2", "inv-4", "inv-0", "inv-1", "inv-3"])
        #expect(due.map(\.lane) == [.interactive, .interactive, .backfill, .backfill, .backfill])
        let firstThree = try store.read { try $0.dueRecords(companyID: "acme", now: now, limit: 3) }
        #expect(firstThree.map(\.key.externalID) == ["inv-2", "inv-4", "inv-0"])
        #expect(try store.read { try $0.nextDueTime(companyID: "acme") } != nil)
        // The lane is stored: a reopened row keeps it.
        let row = try #require(try store.read { try $0.record(RecordKey(companyID: "acme", entity: .invoice, externalID: "inv-3")) })
        #expect(row.lane == .backfill)
    }

    @Test func interruptedPushesComeBackPendingWithUnknownOutcome() async throws {
        let path = try temporaryStorePath()
        let store = try Store(location: path)
        try await store.write { transaction in
            var row = self.newRecord("inv-1", status: .syncing)
            row.requestID = "req-1"
            try transaction.insert(&row, note: "claimed")
        }
        store.close()
        let reopened = try Store(location: path)
        defer { reopened.close() }
        #expect(try await reopened.write { try $0.recoverInterruptedPushes() } == 1)
        let row = try #require(try reopened.read { try $0.record(RecordKey(companyID: "acme", entity: .invoice, externalID: "inv-1")) })
        #expect(row.status == .pending)
        #expect(row.outcomeUnknown)
        #expect(row.requestID == "req-1")
        // It is read back at once: it was claimed long enough ago (nothing asked to wait).
        #expect(row.nextAttemptAt <= Clock.milliseconds())
    }

    /// A push interrupted (a crash, an instance losing the company) may have
    /// sent a request that has not reached QBO yet: its record is read back
    /// only once that request would have timed out, counted from its claim.
    @Test func anInterruptedPushIsReadBackOnlyOnceItsRequestWouldHaveTimedOut() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        let claimedAt = try await store.write { transaction in
            var row = self.newRecord("inv-1", status: .syncing)
            try transaction.insert(&row, note: "claimed")
            return row.updatedAt
        }
        let key = RecordKey(companyID: "acme", entity: .invoice, externalID: "inv-1")
        #expect(try await store.write { try $0.recoverInterruptedPushes(settle: 60_000) } == 1)
        let row = try #require(try store.read { try $0.record(key) })
        #expect(row.status == .pending && row.outcomeUnknown)
        #expect(row.nextAttemptAt == claimedAt + 60_000)
        // Not due before then: the queue does not hand it out.
        #expect(try store.read { try $0.dueRecords(companyID: "acme", now: Clock.milliseconds(), limit: 10) }.isEmpty)
        #expect(try store.read { try $0.dueRecords(companyID: "acme", now: claimedAt + 60_000, limit: 10) }.map(\.key) == [key])
        // Another instance's leftovers, likewise.
        try await store.write { transaction in
            var row = self.newRecord("inv-2", status: .syncing)
            try transaction.insert(&row, note: "claimed")
        }
        #expect(try await store.write { try $0.recoverUnheldClaims(companyID: "acme", held: [], settle: 30_000) } == 1)
        let other = try #require(try store.read { try $0.record(RecordKey(companyID: "acme", entity: .invoice, externalID: "inv-2")) })
        #expect(other.nextAttemptAt == other.createdAt + 30_000)
    }

    @Test func secretsStayOutOfCompanyDescriptions() {
        var company = CompanyRow(companyID: "acme")
        company.clientSecret = "s3cr3t-client"
        company.refreshToken = "AB11-refresh"
        #expect(!"\(company)".contains("s3cr3t"))
        #expect(!"\(company)".contains("AB11"))
    }

    @Test func aRotatedRefreshTokenIsStoredOnlyOverTheOneItReplaces() async throws {
        let store = try Store(location: try temporaryStorePath())
        var company = CompanyRow(companyID: "acme")
        company.refreshToken = "token-1"
        try await store.write { [company] in try $0.save(company) }
        #expect(try await store.write { try $0.saveRefreshToken("token-2", replacing: "token-1", companyID: "acme") })
        // A session that still holds token-1 (it raced a reconnect) does not write back.
        #expect(try await !store.write { try $0.saveRefreshToken("token-x", replacing: "token-1", companyID: "acme") })
        #expect(try store.read { try $0.company("acme") }?.refreshToken == "token-2")
        // After a disconnect erased it, nothing brings a token back.
        company.refreshToken = ""
        try await store.write { [company] in try $0.save(company) }
        #expect(try await !store.write { try $0.saveRefreshToken("token-3", replacing: "", companyID: "acme") })
        #expect(try await !store.write { try $0.saveRefreshToken("token-3", replacing: "token-2", companyID: "acme") })
        #expect(try store.read { try $0.company("acme") }?.refreshToken == "")
        store.close()
    }

    @Test func rfc3339FormattingIsExact() {
        #expect(Clock.rfc3339(milliseconds: 1_795_266_309_123) == "2026-11-21T13:05:09.123Z")
        #expect(Clock.rfc3339(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }
}

/// Remembers the sequences of committed events.
final class SequenceRecorder: CommitObserver {
    let sequences = Mutex<[UInt64]>([])
    func committed(_ events: [CommittedEvent]) {
        self.sequences.withLock { $0 += events.map(\.event.sequence) }
    }
}

/// How many times each change ran.
private final class RunCounts: Sendable {
    let value = Mutex<[String: Int]>([:])
}

