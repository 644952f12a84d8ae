import Foundation
import QBSyncTesting
import QBSyncWire
import Testing

@testable import QBSyncStore

/// Company leases: one holder at a time, fencing tokens that only grow, and
/// expiry by the database's clock.
@Suite struct LeaseTests {
    @Test func oneHolderAtATimeAndATakeoverFencesTheOldHolder() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        let first = try #require(try await store.write { try $0.acquireLease(companyID: "acme", holder: "a", for: 60_000) })
        #expect(first.token == 1)
        // Held: nobody else takes it, and the holder's writes pass the fence.
        #expect(try await store.write { try $0.acquireLease(companyID: "acme", holder: "b", for: 60_000) } == nil)
        try await store.write { try $0.checkLease(first, holder: "a") }
        #expect(try await store.write { try $0.renewLeases(holder: "a", for: 60_000) } == [first])
        #expect(try await store.write { try $0.renewLeases(holder: "b", for: 60_000) } == [])

        // Not renewed in time (here: renewed for 1 ms): expired, taken by b with a greater token.
        _ = try await store.write { try $0.renewLeases(holder: "a", for: 1) }
        try await Task.sleep(for: .milliseconds(20))
        let second = try #require(try await store.write { try $0.acquireLease(companyID: "acme", holder: "b", for: 10_000) })
        #expect(second.token == 2)
        // a woke up: its renewal finds nothing, its fenced writes are refused and roll back.
        #expect(try await store.write { try $0.renewLeases(holder: "a", for: 10_000) } == [])
        await #expect(throws: LeaseLost.self) {
            try await store.write { transaction in
                try transaction.checkLease(first, holder: "a")
                var row = RecordRow(key: RecordKey(companyID: "acme", entity: .invoice, externalID: "inv-1"), payload: [1], contentHash: "h", status: .pending)
                try transaction.insert(&row, note: "must not be stored")
            }
        }
        #expect(try store.read { try $0.record(RecordKey(companyID: "acme", entity: .invoice, externalID: "inv-1")) } == nil)
        // The same token with another holder does not pass either.
        #expect(throws: LeaseLost.self) { try store.readFence(CompanyLease(companyID: "acme", token: 2), holder: "a") }
        try store.readFence(second, holder: "b")
    }

    @Test func aReleasedLeaseIsFreeAtOnceAndARevokedOneIsLostAtTheNextRenewal() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        let lease = try #require(try await store.write { try $0.acquireLease(companyID: "acme", holder: "a", for: 60_000) })
        try await store.write { try $0.releaseLease(lease, holder: "a") }
        // Let go: not renewed by its old holder, taken by the next at once.
        #expect(try await store.write { try $0.renewLeases(holder: "a", for: 60_000) } == [])
        let taken = try #require(try await store.write { try $0.acquireLease(companyID: "acme", holder: "b", for: 60_000) })
        #expect(taken.token == lease.token + 1)
        // Revoked (the company was reconnected or disconnected): the holder's next renewal misses it.
        try await store.write { try $0.revokeLease(companyID: "acme") }
        #expect(try await store.write { try $0.renewLeases(holder: "b", for: 60_000) } == [])
        #expect(throws: LeaseLost.self) { try store.readFence(taken, holder: "b") }
        let row = try #require(try store.read { try $0.lease(companyID: "acme") })
        #expect(row.holder == "" && row.token == taken.token + 1 && row.expiresIn <= 0)
    }

    /// A holder says in its lease when it is about to spend the refresh token;
    /// the next holder waits until the rotated token is stored, the endpoint
    /// refused the refresh, or the time it gave itself has passed.
    @Test func aRefreshUnderWayIsSeenByTheNextHolderUntilItsTokenIsStored() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        var company = CompanyRow(companyID: "acme")
        company.refreshToken = "token-1"
        try await store.write { [company] in try $0.save(company) }
        let lease = try #require(try await store.write { try $0.acquireLease(companyID: "acme", holder: "a", for: 60_000) })
        #expect(try store.read { try $0.refreshElsewhere(companyID: "acme") } == 0)
        // What is left counts down from the mark, by no more than the time
        // these two calls took (a loaded machine has taken seconds).
        let marked = ContinuousClock.now
        #expect(try await store.write { try $0.markRefreshing(lease, holder: "a", for: 120_000) })
        let left = try store.read { try $0.refreshElsewhere(companyID: "acme") }
        let took = (ContinuousClock.now - marked).components
        #expect(left <= 120_000 && left >= 120_000 - (took.seconds * 1_000 + took.attoseconds / 1_000_000_000_000_000) - 1_000)
        // Taken over meanwhile (expired): the next holder still sees the refresh under way...
        _ = try await store.write { try $0.renewLeases(holder: "a", for: 1) }
        try await Task.sleep(for: .milliseconds(20))
        let next = try #require(try await store.write { try $0.acquireLease(companyID: "acme", holder: "b", for: 60_000) })
        #expect(try store.read { try $0.refreshElsewhere(companyID: "acme") } > 0)
        // ...and the old holder may not start another one.
        #expect(try await !store.write { try $0.markRefreshing(lease, holder: "a", for: 30_000) })
        // The old holder stores the rotated token: the refresh is over, and the token read is the new one.
        #expect(try await store.write { try $0.saveRefreshToken("token-2", replacing: "token-1", companyID: "acme") })
        #expect(try store.read { try $0.refreshElsewhere(companyID: "acme") } == 0)
        #expect(try store.read { try $0.company("acme") }?.refreshToken == "token-2")
        // A refresh the endpoint refused ends too (nothing was rotated).
        #expect(try await store.write { try $0.markRefreshing(next, holder: "b", for: 30_000) })
        try await store.write { try $0.endRefreshing(next, holder: "b") }
        #expect(try store.read { try $0.refreshElsewhere(companyID: "acme") } == 0)
        // One whose holder died counts down to nothing by itself.
        #expect(try await store.write { try $0.markRefreshing(next, holder: "b", for: 50) })
        try await Task.sleep(for: .milliseconds(80))
        #expect(try store.read { try $0.refreshElsewhere(companyID: "acme") } == 0)
    }

    @Test func liveInstancesAreThoseSeenWithinTheLeaseDuration() async throws {
        let store = try Store(location: try temporaryStorePath())
        defer { store.close() }
        try await store.write { transaction in
            try transaction.heartbeat(instance: "host-a:/run/qbsync.sock")
            try transaction.heartbeat(instance: "host-b:/run/qbsync.sock")
        }
        #expect(try await store.write { try $0.liveInstances(within: 60_000) } == 2)
        try await Task.sleep(for: .milliseconds(300))
        // a is seen again; b was last seen 300 ms ago.
        #expect(try await store.write { transaction in
            try transaction.heartbeat(instance: "host-a:/run/qbsync.sock")
            return try transaction.liveInstances(within: 200)
        } == 1)
        try await store.write { try $0.forgetInstance("host-a:/run/qbsync.sock") }
        #expect(try await store.write { try $0.liveInstances(within: 60_000) } == 1)
        // A lease's row names its holder while that instance lives.
        _ = try await store.write { try $0.acquireLease(companyID: "acme", holder: "host-b:/run/qbsync.sock", for: 60_000) }
        #expect(try store.read { try $0.leases() }.map(\.liveHolder) == ["host-b:/run/qbsync.sock"])
        // Once it is forgotten (stopped), its lease names no live holder.
        try await store.write { try $0.forgetInstance("host-b:/run/qbsync.sock") }
        #expect(try store.read { try $0.leases() }.map(\.liveHolder) == [""])
    }
}

extension Store {
    /// `checkLease` through a reader: throws ``LeaseLost`` unless `lease` is `holder`'s.
    func readFence(_ lease: CompanyLease, holder: String) throws {
        guard try self.read({ try $0.holds(lease, holder: holder) }) else { throw LeaseLost(lease: lease) }
    }
}
