import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// Helpers shared by the end-to-end suites.
extension ServiceHarness {
    /// Maps the codes the fixtures use to the simulator's seeded objects.
    func mapDefaults(_ companyID: String) async throws {
        let items = try await self.client.autoMap(AutoMapRequest(companyID: companyID, kind: .item, entries: [
            AutoMapEntry(externalCode: "TENT-20", name: "Equipment Rental"),
            AutoMapEntry(externalCode: "DELIVERY", name: "Delivery"),
            AutoMapEntry(externalCode: "WAIVER", name: "Damage Waiver"),
        ]))
        #expect(items.mapped.count == 3)
        let methods = try await self.client.autoMap(AutoMapRequest(companyID: companyID, kind: .paymentMethod, entries: [
            AutoMapEntry(externalCode: "CARD", name: "Undeposited Funds"),
        ]))
        #expect(methods.mapped.count == 1)
    }

    func ref(_ companyID: String, _ entity: EntityType, _ id: String) -> RecordRef {
        RecordRef(companyID: companyID, entity: entity, externalID: id)
    }
}

@Suite(.timeLimit(.minutes(3))) struct SmokeTests {
    @Test func customerAndInvoiceReachQuickBooksOnce() async throws {
        let harness = try await ServiceHarness.start()
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        let link = try await harness.client.linkCustomer(LinkCustomerRequest(
            companyID: "acme", customer: Fixtures.customer("c1", email: "pat@acme.test"), mode: .create
        ))
        #expect(link.outcome == .created)
        #expect(!link.qboCustomerID.isEmpty)
        let accepted = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-1", customer: "c1")))
        #expect(accepted.changed)
        let record = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-1")) { $0.status == .synced }
        #expect(record.status == .synced)
        #expect(record.qboURL.contains("invoice?txnId=\(record.qboID)"))
        let invoices = try await harness.ledger(realm, "Invoice")
        #expect(invoices.count == 1)
        #expect(invoices.first?["TotalAmt"]?.decimalValue == Decimal(string: "375"))
        #expect(invoices.first?["DocNumber"]?.stringValue == "INV-1")
        await harness.stop()
    }
}
