import Foundation
import QBSyncWire
import Testing

@testable import QBSyncStore

/// Each step of a record's life leaves the same bookkeeping whoever takes it.
@Suite(.timeLimit(.minutes(3))) struct RecordLifecycleTests {
    private func store() throws -> Store { try Store(location: temporaryStorePath()) }

    private func inserted(_ store: Store) async throws -> RecordRow {
        try await store.write { transaction in
            var row = RecordRow(key: RecordKey(companyID: "acme", entity: .invoice, externalID: "inv-1"), payload: [1], contentHash: "h1", status: .pending)
            try transaction.insert(&row, note: "accepted")
            return row
        }
    }

    private let error = ErrorDetail(errorClass: .transient, message: "reset", retryable: true)

    @Test func aPushKeepsItsRequestIDAcrossRetriesAndDropsItWhenDone() async throws {
        let store = try self.store()
        defer { store.close() }
        var row = try await self.inserted(store)
        row = try await store.write { [row] transaction in
            var row = row
            try transaction.claim(&row) { "q1g\($0)" }
            return row
        }
        #expect(row.status == .syncing)
        #expect(row.requestID == "q1g1")
        #expect(row.attempts == 1)
        row = try await store.write { [row, error] transaction in
            var row = row
            try transaction.retry(&row, afterMilliseconds: 5_000, error: error, counts: true, note: "retry")
            try transaction.claim(&row) { "q1g\($0)" }
            return row
        }
        #expect(row.requestID == "q1g1", "a retry of the same push reuses its requestid")
        #expect(row.attempts == 2)
        #expect(row.lastError == self.error)
        row = try await store.write { [row] transaction in
            var row = row
            try transaction.synced(&row, qboID: "145", syncToken: "0", voided: false, pushedHash: "h1", pending: false, note: "created")
            return row
        }
        #expect(row.status == .synced)
        #expect(row.requestID.isEmpty)
        #expect(!row.outcomeUnknown)
        #expect(row.syncedHash == "h1")
        // The next push gets a new requestid.
        row = try await store.write { [row] transaction in
            var row = row
            row.contentHash = "h2"
            transaction.beginNewPush(&row)
            try transaction.queue(&row, note: "changed")
            try transaction.claim(&row) { "q1g\($0)" }
            return row
        }
        #expect(row.requestID == "q1g2")
        #expect(row.attempts == 1)
    }

    @Test func aCancelledAttemptDoesNotCountAndAFailureWithUnknownOutcomeKeepsItsRequestID() async throws {
        let store = try self.store()
        defer { store.close() }
        var row = try await self.inserted(store)
        row = try await store.write { [row, error] transaction in
            var row = row
            try transaction.claim(&row) { "q\($0)" }
            try transaction.retry(&row, afterMilliseconds: 0, error: error, counts: false, note: "cancelled")
            return row
        }
        #expect(row.attempts == 0)
        #expect(row.lastError == nil)
        row = try await store.write { [row, error] transaction in
            var row = row
            try transaction.claim(&row) { "q\($0)" }
            try transaction.fail(&row, error: error, keepRequestID: true, note: "failed")
            return row
        }
        #expect(row.status == .errored)
        #expect(row.requestID == "q1")
        row = try await store.write { [row] transaction in
            var row = row
            try transaction.interrupted(&row)
            return row
        }
        #expect(row.status == .pending)
        #expect(row.outcomeUnknown)
    }

    @Test func newerContentDuringAPushQueuesItAgainAndEveryStepIsAnEventAndACount() async throws {
        let store = try self.store()
        defer { store.close() }
        var row = try await self.inserted(store)
        row = try await store.write { [row] transaction in
            var row = row
            try transaction.claim(&row) { "q\($0)" }
            try transaction.synced(&row, qboID: "9", syncToken: "1", voided: false, pushedHash: "h0", pending: true, note: "created")
            return row
        }
        #expect(row.status == .pending)
        #expect(row.qboID == "9")
        #expect(row.attempts == 0)
        let counts = try store.read { try $0.counters(companyID: "acme") }
        #expect(counts.map(\.status) == [.pending])
        #expect(try store.read { try $0.events(after: 0, limit: 10) }.map(\.toStatus) == [.pending, .syncing, .pending])
        row = try await store.write { [row] transaction in
            var row = row
            try transaction.skip(&row, reason: "excluded", note: "excluded")
            return row
        }
        #expect(row.skipReason == "excluded")
        row = try await store.write { [row] transaction in
            var row = row
            try transaction.queue(&row, note: "back")
            return row
        }
        #expect(row.skipReason.isEmpty)
        #expect(row.nextAttemptAt > 0)
    }
}
