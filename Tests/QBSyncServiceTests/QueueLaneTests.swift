import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// Two lanes per company: a record someone is waiting for is pushed ahead of
/// a backlog, and the backlog still drains.
@Suite(.timeLimit(.minutes(5))) struct QueueLaneTests {
    private static let backfill = CallOptions(metadata: ["qbsync-lane": "backfill"])

    private func ready(_ harness: ServiceHarness) async throws -> RealmCredentials {
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        return realm
    }

    /// 40 requests a minute, of which backfill may use 36, one invoice a
    /// request (no batches), and 50 backfill invoices: the backlog cannot all
    /// go in the first minute.
    private func backlog() async throws -> (ServiceHarness, RealmCredentials) {
        let harness = try await ServiceHarness.start {
            $0.engine.requestsPerMinute = 40
            $0.engine.backfillBatches = false
        }
        let realm = try await self.ready(harness)
        for index in 0..<50 {
            _ = try await harness.client.syncInvoice(
                SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("hist-\(index)", customer: "c1")), options: Self.backfill)
        }
        return (harness, realm)
    }

    private func pending(_ harness: ServiceHarness) async throws -> UInt64 {
        let health = try await harness.client.getHealth(GetHealthRequest(companyID: "acme")).companies.first
        return health?.counts.filter { $0.entity == .invoice && $0.status == .pending }.map(\.count).reduce(0, +) ?? 0
    }

    @Test func aSingleInvoiceGoesAheadOfABackfillBacklog() async throws {
        let (harness, realm) = try await self.backlog()
        // Let the backlog start and fill the realm's window.
        try await Task.sleep(for: .seconds(2))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("now-1", customer: "c1")))
        let record = try await harness.waitForRecord(harness.ref("acme", .invoice, "now-1"), timeout: .seconds(30)) { $0.status == .synced }
        #expect(record.status == .synced)
        // FIFO would have pushed it last: most of the backlog is still waiting.
        let left = try await self.pending(harness)
        #expect(left >= 10, "only \(left) backlog invoices were still pending when the interactive one synced")
        // And the backlog drains, every invoice exactly once.
        let health = try await harness.waitUntilIdle("acme", timeout: .seconds(180))
        #expect(health.queueDepth == 0)
        let numbers = try await harness.ledger(realm, "Invoice").compactMap { $0["DocNumber"]?.stringValue }
        #expect(numbers.count == 51)
        #expect(Set(numbers).count == 51)
        await harness.stop()
    }

    @Test func whatAnInteractiveInvoiceWaitsForLeavesTheBacklogWithIt() async throws {
        let (harness, realm) = try await self.backlog()
        // A new customer arrives with the backlog, behind it ...
        _ = try await harness.client.linkCustomer(
            LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c2", name: "Harbor Events"), mode: .create), options: Self.backfill)
        try await Task.sleep(for: .seconds(2))
        // ... and someone waits for an invoice of that customer: both go ahead of the backlog.
        let accepted = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("now-2", customer: "c2")))
        #expect(accepted.record?.status == .blocked)
        let record = try await harness.waitForRecord(harness.ref("acme", .invoice, "now-2"), timeout: .seconds(40)) { $0.status == .synced }
        #expect(record.status == .synced)
        let left = try await self.pending(harness)
        #expect(left >= 10, "only \(left) backlog invoices were still pending when the interactive one synced")
        let health = try await harness.waitUntilIdle("acme", timeout: .seconds(180))
        #expect(health.queueDepth == 0)
        #expect(try await harness.ledger(realm, "Invoice").count == 51)
        await harness.stop()
    }

    @Test func anUnknownLaneIsRefusedAndNothingIsStored() async throws {
        let harness = try await ServiceHarness.start()
        _ = try await self.ready(harness)
        for value in ["Backfill", "", "bulk", "backfill ", "interactive\u{0}"] {
            await #expect(throws: RPCError.self) {
                _ = try await harness.client.syncInvoice(
                    SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("lane-x", customer: "c1")),
                    options: CallOptions(metadata: ["qbsync-lane": value]))
            }
        }
        do {
            _ = try await harness.client.syncPayment(
                SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-x", customer: "c1", amountMinor: 1_000, applications: [])),
                options: CallOptions(metadata: ["qbsync-lane": "later"]))
            Issue.record("an unknown lane was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("qbsync-lane"))
        }
        await #expect(throws: RPCError.self) {
            _ = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "lane-x")))
        }
        // The same invoice in a named lane is accepted; the service kept serving.
        let accepted = try await harness.client.syncInvoice(
            SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("lane-x", customer: "c1")),
            options: CallOptions(metadata: ["qbsync-lane": "interactive"]))
        #expect(accepted.record?.ref?.externalID == "lane-x")
        await harness.stop()
    }
}
