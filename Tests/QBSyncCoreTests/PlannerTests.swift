import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire
import Testing

@testable import QBSyncCore

/// The QBO bodies a record becomes, without QBO.
@Suite struct PlannerTests {
    private func plan(_ core: CoreStore, _ entity: EntityType, _ id: String) async throws -> PushPlan {
        try await core.store.write { transaction in
            let row = try transaction.record(RecordKey(companyID: "acme", entity: entity, externalID: id))!
            return try Planner.plan(row, company: try transaction.company("acme")!, in: transaction)
        }
    }

    private func ready() async throws -> CoreStore {
        let core = try await CoreStore.make()
        try await core.map(.item, "TENT", to: "1")
        try await core.map(.taxCode, "ALAMEDA", to: "2")
        try await core.map(.paymentMethod, "CARD", to: "35")
        _ = try await core.store.write { transaction in
            var customer = RecordRow(key: RecordKey(companyID: "acme", entity: .customer, externalID: "c1"),
                                     payload: Customer(externalID: "c1", displayName: "C").packed(), contentHash: "h", status: .pending)
            try transaction.insert(&customer, note: "test")
        }
        try await core.markSynced(.customer, "c1", qboID: "58")
        return core
    }

    @Test func anInvoiceSendsItsTaxCodeWithItsTotalAndExpectsTheRentalTotal() async throws {
        let core = try await self.ready()
        defer { core.close() }
        let invoice = Invoice(externalID: "inv-1", customerExternalID: "c1", docNumber: "INV-1", txnDate: "2026-11-02", currency: "USD",
                              lines: [InvoiceLine(kind: .sale, itemCode: "TENT", quantity: "3", unitRate: "125.00", amountMinor: 37_500)],
                              taxMinor: 3_188, taxCode: "ALAMEDA")
        _ = try await core.intake().acceptInvoice(companyID: "acme", invoice)
        guard case .invoice(let plan) = try await self.plan(core, .invoice, "inv-1") else { Issue.record("not an invoice plan"); return }
        #expect(plan.operation == .create)
        #expect(plan.body.txnTaxDetail?.txnTaxCodeRef?.value == "2")
        #expect(plan.body.txnTaxDetail?.totalTax == Decimal(string: "31.88"))
        #expect(plan.expectedTotal == Decimal(string: "406.88"))
        #expect(plan.body.customerRef?.value == "58")
        #expect(plan.body.privateNote?.contains("[qbsync:") == true)
    }

    @Test func aSyncedPaymentWithNewApplicationsBecomesAnUpdateAndKeepsItsRemainder() async throws {
        let core = try await self.ready()
        defer { core.close() }
        let invoice = Invoice(externalID: "inv-1", customerExternalID: "c1", txnDate: "2026-11-02", currency: "USD",
                              lines: [InvoiceLine(kind: .sale, itemCode: "TENT", quantity: "1", unitRate: "100.00", amountMinor: 10_000)])
        _ = try await core.intake().acceptInvoice(companyID: "acme", invoice)
        try await core.markSynced(.invoice, "inv-1", qboID: "145")
        var deposit = Payment(externalID: "dep", customerExternalID: "c1", txnDate: "2026-11-01", currency: "USD", amountMinor: 12_000, methodCode: "CARD")
        _ = try await core.intake().acceptPayment(companyID: "acme", deposit)
        guard case .payment(let first) = try await self.plan(core, .payment, "dep") else { Issue.record("not a payment plan"); return }
        #expect(first.operation == .create)
        #expect(first.unappliedRemainder == 120)
        try await core.markSynced(.payment, "dep", qboID: "180")
        deposit.applications = [PaymentApplication(invoiceExternalID: "inv-1", amountMinor: 10_000)]
        _ = try await core.intake().acceptPayment(companyID: "acme", deposit)
        guard case .payment(let second) = try await self.plan(core, .payment, "dep") else { Issue.record("not a payment plan"); return }
        #expect(second.operation == .update)
        #expect(second.applications.map(\.qboInvoiceID) == ["145"])
        #expect(second.unappliedRemainder == 20)
        // Anything but the applications needs a void and a new payment.
        deposit.amountMinor = 13_000
        await #expect(throws: RPCError.self) { _ = try await core.intake().acceptPayment(companyID: "acme", deposit) }
    }
}
