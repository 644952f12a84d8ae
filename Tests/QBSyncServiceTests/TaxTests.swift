import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// Sales tax: the rental system's total goes out with its tax code, and a
/// QuickBooks that totals differently is reported, never hidden.
@Suite(.timeLimit(.minutes(3))) struct TaxTests {
    /// A company on automated sales tax (QBO computes 8.25% itself unless told otherwise).
    private func ready() async throws -> (ServiceHarness, RealmCredentials) {
        let harness = try await ServiceHarness.start(simulator: SimulatorConfiguration(
            realmSettings: RealmSettings(automatedSalesTax: true, automatedSalesTaxRate: Decimal(string: "8.25")!)
        ))
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.setMapping(SetMappingRequest(companyID: "acme", mapping: Mapping(kind: .taxCode, externalCode: "ALAMEDA", qboID: "2")))
        _ = try await harness.client.setMapping(SetMappingRequest(companyID: "acme", mapping: Mapping(kind: .taxCode, externalCode: "TAX", qboID: "TAX")))
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        return (harness, realm)
    }

    /// 375.00 of taxable rental and the rental system's 31.88 of tax (8.5%).
    private func taxedInvoice(_ id: String, taxCode: String) -> Invoice {
        var invoice = Fixtures.invoice(id, customer: "c1", taxMinor: 3_188)
        invoice.lines[0].taxCode = "TAX"
        invoice.taxCode = taxCode
        return invoice
    }

    private func synced(_ harness: ServiceHarness, _ id: String) async throws -> SyncRecord {
        try await harness.waitForRecord(harness.ref("acme", .invoice, id)) { $0.status == .synced || $0.status == .errored || $0.status == .blocked }
    }

    @Test func theTaxCodeGoesWithTheTotalSoQuickBooksKeepsTheRentalTax() async throws {
        let (harness, realm) = try await self.ready()
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: self.taxedInvoice("inv-1", taxCode: "ALAMEDA")))
        let record = try await self.synced(harness, "inv-1")
        #expect(record.status == .synced)
        #expect(record.warnings.isEmpty)
        let invoice = try #require(try await harness.ledger(realm, "Invoice").first)
        #expect(invoice["TxnTaxDetail"]?["TxnTaxCodeRef"]?["value"]?.stringValue == "2")
        #expect(invoice["TxnTaxDetail"]?["TotalTax"]?.decimalValue == Decimal(string: "31.88"))
        #expect(invoice["TotalAmt"]?.decimalValue == Decimal(string: "406.88"))
        await harness.stop()
    }

    @Test func aTotalQuickBooksComputesDifferentlySyncsWithATaxMismatchWarning() async throws {
        let (harness, realm) = try await self.ready()
        // No tax code: automated sales tax ignores the sent 31.88 and charges 8.25% (30.94).
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: self.taxedInvoice("inv-2", taxCode: "")))
        let record = try await self.synced(harness, "inv-2")
        #expect(record.status == .synced)
        let warning = try #require(record.warnings.first)
        #expect(warning.kind == .taxMismatch)
        #expect(warning.message == "QuickBooks computed a total of 405.94 (tax 30.94); the rental system's total is 406.88 (tax 31.88)")
        #expect(warning.fixHint.contains("tax code"))
        #expect(try await harness.ledger(realm, "Invoice").first?["TotalAmt"]?.decimalValue == Decimal(string: "405.94"))
        let health = try await harness.client.getHealth(GetHealthRequest(companyID: "acme")).companies.first
        #expect(health?.warnings == [WarningCount(kind: .taxMismatch, count: 1)])
        var event: SyncEvent?
        for try await message in harness.client.streamSyncEvents(StreamSyncEventsRequest(afterSequence: 1, companyID: "acme", entities: [.invoice], statuses: [.synced])) {
            if case .event(let found)? = message.kind { event = found; break }
        }
        #expect(event?.warnings.first?.kind == .taxMismatch)

        // Fixed by sending the tax code: synced again without the warning, and health forgets it.
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: self.taxedInvoice("inv-2", taxCode: "ALAMEDA")))
        let fixed = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-2")) { $0.status == .synced && $0.warnings.isEmpty }
        #expect(fixed.warnings.isEmpty)
        #expect(try await harness.ledger(realm, "Invoice").first?["TotalAmt"]?.decimalValue == Decimal(string: "406.88"))
        #expect(try await harness.client.getHealth(GetHealthRequest(companyID: "acme")).companies.first?.warnings.isEmpty == true)
        await harness.stop()
    }

    @Test func anUnmappedInvoiceTaxCodeBlocksLikeAnyMapping() async throws {
        let (harness, _) = try await self.ready()
        let accepted = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: self.taxedInvoice("inv-3", taxCode: "SOLANO")))
        #expect(accepted.record?.status == .blocked)
        #expect(accepted.record?.blockers.map(\.kind) == [.taxCodeNotMapped])
        #expect(accepted.record?.blockers.first?.ref == "SOLANO")
        await harness.stop()
    }
}
