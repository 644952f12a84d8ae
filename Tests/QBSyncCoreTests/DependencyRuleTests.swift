import QBSyncStore
import QBSyncWire
import Testing

@testable import QBSyncCore

/// What a record waits for, decided by the one rule set, without QBO.
@Suite struct DependencyRuleTests {
    private func invoice(_ id: String, customer: String = "c1", item: String = "TENT", taxCode: String = "", lineTax: String = "") -> Invoice {
        Invoice(externalID: id, customerExternalID: customer, docNumber: id.uppercased(), txnDate: "2026-11-02", currency: "USD",
                lines: [InvoiceLine(kind: .sale, itemCode: item, quantity: "1", unitRate: "10.00", amountMinor: 1000, taxCode: lineTax)],
                taxCode: taxCode)
    }

    @Test func theRulesNameEachReferenceOnceAndNothingForAVoid() {
        var invoice = self.invoice("inv-1", taxCode: "CA", lineTax: "CA")
        invoice.lines.append(InvoiceLine(kind: .discount, amountMinor: 100, discountAccountCode: "DISC"))
        let references = DependencyRules.references(of: invoice)
        #expect(references == [
            RecordReference(.record(.customer), "c1"), RecordReference(.mapping(.taxCode), "CA"),
            RecordReference(.mapping(.item), "TENT"), RecordReference(.mapping(.account), "DISC"),
        ])
        invoice.voided = true
        #expect(DependencyRules.references(of: invoice).isEmpty)
        let payment = Payment(externalID: "p", customerExternalID: "c1", methodCode: "CARD",
                              applications: [PaymentApplication(invoiceExternalID: "inv-1", amountMinor: 5), PaymentApplication(invoiceExternalID: "inv-1", amountMinor: 5)])
        #expect(DependencyRules.references(of: payment).map(\.missingKind) == [.customerNotLinked, .invoiceNotSynced, .paymentMethodNotMapped])
    }

    @Test func payablesAndItemsNameTheirVendorAccountsAndBillsAndAWithdrawalNothing() {
        var bill = Bill(externalID: "b1", vendorExternalID: "v1", lines: [
            ExpenseLine(target: .accountCode("REPAIRS"), amountMinor: 5, classCode: "RENT", customerExternalID: "c1"),
            ExpenseLine(target: .itemCode("TENT"), quantity: "1", unitCost: "1", amountMinor: 100),
        ], apAccountCode: "AP")
        #expect(DependencyRules.references(of: bill) == [
            RecordReference(.record(.vendor), "v1"), RecordReference(.mapping(.account), "AP"),
            RecordReference(.mapping(.account), "REPAIRS"), RecordReference(.mapping(.class), "RENT"),
            RecordReference(.record(.customer), "c1"), RecordReference(.mapping(.item), "TENT"),
        ])
        bill.cancelled = true
        #expect(DependencyRules.references(of: bill).isEmpty)
        let payment = BillPayment(externalID: "bp", vendorExternalID: "v1", paymentAccountCode: "BANK",
                                  applications: [BillApplication(billExternalID: "b1", amountMinor: 5)])
        #expect(DependencyRules.references(of: payment).map(\.missingKind) == [.vendorNotLinked, .accountNotMapped, .billNotSynced])
        let expense = Expense(externalID: "e", paymentAccountCode: "CARD", lines: [ExpenseLine(target: .accountCode("FUEL"), amountMinor: 1)])
        #expect(DependencyRules.references(of: expense) == [RecordReference(.mapping(.account), "CARD"), RecordReference(.mapping(.account), "FUEL")])
        let service = Item(externalID: "STAGE", name: "Stage", type: .service, incomeAccountCode: "RENTAL")
        #expect(DependencyRules.references(of: service) == [RecordReference(.mapping(.account), "RENTAL")])
        let stock = Item(externalID: "PROP", name: "Propane", type: .inventory, incomeAccountCode: "SALES", assetAccountCode: "STOCK")
        #expect(DependencyRules.references(of: stock).map(\.ref) == ["SALES", "STOCK"])
    }

    @Test func anInvoiceIsBlockedOnEachMissingPieceAndUnblockedWhenTheLastArrives() async throws {
        let core = try await CoreStore.make()
        defer { core.close() }
        let accepted = try await core.intake().acceptInvoice(companyID: "acme", self.invoice("inv-1", taxCode: "ALAMEDA"))
        #expect(accepted.record.status == .blocked)
        #expect(accepted.record.blockers.map(\.kind) == [.customerNotLinked, .taxCodeNotMapped, .itemNotMapped])
        try await core.map(.item, "TENT", to: "1")
        try await core.map(.taxCode, "ALAMEDA", to: "2")
        _ = try await core.store.write { try Dependencies.satisfied(.itemNotMapped, ref: "TENT", companyID: "acme", in: $0) }
        #expect(try core.record(.invoice, "inv-1")?.status == .blocked)
        // The customer reaches QBO: the invoice is due.
        _ = try await core.store.write { transaction in
            var customer = RecordRow(key: RecordKey(companyID: "acme", entity: .customer, externalID: "c1"),
                                     payload: Customer(externalID: "c1", displayName: "C").packed(), contentHash: "h", status: .pending)
            try transaction.insert(&customer, note: "test")
        }
        try await core.markSynced(.customer, "c1", qboID: "58")
        let unblocked = try await core.store.write { try Dependencies.satisfied(.customerNotLinked, ref: "c1", companyID: "acme", in: $0) }
        #expect(unblocked == 1)
        #expect(try core.record(.invoice, "inv-1")?.status == .pending)
    }

    @Test func aPaymentNamingAnInvoiceNeverSeenWaitsForItThenForItsSync() async throws {
        let core = try await CoreStore.make()
        defer { core.close() }
        try await core.map(.paymentMethod, "CARD", to: "35")
        let payment = Payment(externalID: "p1", customerExternalID: "c1", txnDate: "2026-11-05", currency: "USD", amountMinor: 1000,
                              methodCode: "CARD", applications: [PaymentApplication(invoiceExternalID: "inv-9", amountMinor: 1000)])
        let accepted = try await core.intake().acceptPayment(companyID: "acme", payment)
        #expect(accepted.record.blockers.map(\.kind) == [.customerNotLinked, .unknownReference])
        _ = try await core.intake().acceptInvoice(companyID: "acme", self.invoice("inv-9"))
        let blockers = try core.store.read { database in try database.blockers(of: try database.record(RecordKey(companyID: "acme", entity: .payment, externalID: "p1"))!.id) }
        #expect(blockers.map(\.kind) == [.customerNotLinked, .invoiceNotSynced])
    }

    @Test func paymentsOfExcludedInvoicesAreSkippedOrRefusedWhenMixed() async throws {
        let core = try await CoreStore.make()
        defer { core.close() }
        var excluded = self.invoice("inv-x")
        excluded.excludeFromSync = true
        _ = try await core.intake().acceptInvoice(companyID: "acme", excluded)
        _ = try await core.intake().acceptInvoice(companyID: "acme", self.invoice("inv-y"))
        func payment(_ invoices: [String]) -> Payment {
            Payment(externalID: "p-\(invoices.joined())", customerExternalID: "c1", txnDate: "2026-11-05", currency: "USD", amountMinor: 2000,
                    methodCode: "CARD", applications: invoices.map { PaymentApplication(invoiceExternalID: $0, amountMinor: 1000) })
        }
        let skipped = try await core.intake().acceptPayment(companyID: "acme", payment(["inv-x"]))
        #expect(skipped.record.status == .skipped)
        #expect(skipped.record.skipReason.hasPrefix(SkipReason.invoiceExcluded))
        await #expect(throws: RPCError.self) { _ = try await core.intake().acceptPayment(companyID: "acme", payment(["inv-x", "inv-y"])) }
    }
}
