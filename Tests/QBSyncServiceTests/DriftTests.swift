import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// An accountant changes synced records in QuickBooks; qbsync notices each
/// change once, says what differs, and never overwrites it silently.
@Suite(.timeLimit(.minutes(3))) struct DriftTests {
    private func ready(policy: DriftPolicy = .unspecified) async throws -> (ServiceHarness, RealmCredentials) {
        let harness = try await ServiceHarness.start { configuration in
            configuration.engine.driftInterval = nil  // the tests check when they choose
            configuration.engine.driftChunkSize = 1  // every change in its own write: the outcome must not depend on it
        }
        let realm = try await harness.connect("acme", settings: CompanySettings(driftPolicy: policy))
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1", email: "pat@acme.test"), mode: .create))
        return (harness, realm)
    }

    private func synced(_ harness: ServiceHarness, _ invoice: Invoice) async throws -> SyncRecord {
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: invoice))
        return try await harness.waitForRecord(harness.ref("acme", .invoice, invoice.externalID)) { $0.status == .synced }
    }

    private func check(_ harness: ServiceHarness) async throws -> CheckDriftResponse {
        try await harness.client.checkDrift(CheckDriftRequest(companyID: "acme"))
    }

    private func record(_ harness: ServiceHarness, _ entity: EntityType, _ id: String) async throws -> SyncRecord {
        try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", entity, id))).record ?? SyncRecord()
    }

    @Test func anEditInQuickBooksIsReportedOnceWithItsFieldsAndNotOverwrittenWithoutForce() async throws {
        let (harness, realm) = try await self.ready()
        let pushed = try await self.synced(harness, Fixtures.invoice("inv-1", customer: "c1"))
        #expect(try await self.check(harness).drifted.isEmpty)  // nothing changed yet
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: pushed.qboID, .edit(["TxnDate": "2026-11-09", "DocNumber": "ACCT-7"]))
        let first = try await self.check(harness)
        #expect(first.changesRead >= 1)
        let drifted = try #require(first.drifted.first)
        #expect(drifted.ref?.externalID == "inv-1")
        #expect(drifted.status == .synced)
        let warning = try #require(drifted.warnings.first)
        #expect(warning.kind == .driftEdited)
        #expect(Set(warning.fields.map(\.field)) == ["TxnDate", "DocNumber"])
        #expect(warning.fields.first { $0.field == "TxnDate" } == FieldDrift(field: "TxnDate", ours: "2026-11-02", quickbooks: "2026-11-09"))
        #expect(warning.qboSyncToken == "1")
        // Once: a second check reports nothing new.
        #expect(try await self.check(harness).drifted.isEmpty)
        let health = try await harness.client.getHealth(GetHealthRequest(companyID: "acme")).companies.first
        #expect(health?.warnings.first { $0.kind == .driftEdited }?.count == 1)
        // Resync does not overwrite the accountant's edit without force.
        let refused = await #expect(throws: RPCError.self) {
            _ = try await harness.client.resync(ResyncRequest(companyID: "acme", target: .record(harness.ref("acme", .invoice, "inv-1"))))
        }
        #expect(refused?.code == .failedPrecondition)
        #expect(try await harness.ledger(realm, "Invoice").first?["TxnDate"]?.stringValue == "2026-11-09")
        // With force the rental system's version goes back over it, and that is not drift.
        _ = try await harness.client.resync(ResyncRequest(companyID: "acme", target: .record(harness.ref("acme", .invoice, "inv-1")), force: true))
        let repushed = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-1")) { $0.status == .synced && $0.warnings.isEmpty }
        #expect(repushed.warnings.isEmpty)
        let invoice = try #require(try await harness.ledger(realm, "Invoice").first)
        #expect(invoice["TxnDate"]?.stringValue == "2026-11-02")
        #expect(invoice["DocNumber"]?.stringValue == "INV-1")
        #expect(try await self.check(harness).drifted.isEmpty)
        await harness.stop()
    }

    @Test func deletionsVoidsPaymentsTakenInQuickBooksAndInactiveCustomersAreEachTheirOwnKind() async throws {
        let (harness, realm) = try await self.ready()
        let deleted = try await self.synced(harness, Fixtures.invoice("inv-d", customer: "c1"))
        let voided = try await self.synced(harness, Fixtures.invoice("inv-v", customer: "c1"))
        let paid = try await self.synced(harness, Fixtures.invoice("inv-p", customer: "c1"))
        // qbsync's own payment on inv-p: QBO bumps the invoice, which is not drift.
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-1", customer: "c1", amountMinor: 10_000, applications: [("inv-p", 10_000)])))
        _ = try await harness.waitForRecord(harness.ref("acme", .payment, "pay-1")) { $0.status == .synced }
        #expect(try await self.check(harness).drifted.isEmpty)
        let customer = try await self.record(harness, .customer, "c1")
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: deleted.qboID, .delete)
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: voided.qboID, .void)
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Payment", id: "-", .create([
            "CustomerRef": ["value": .string(customer.qboID)], "TotalAmt": 50, "TxnDate": "2026-11-06",
            "Line": [["Amount": 50, "LinkedTxn": [["TxnId": .string(paid.qboID), "TxnType": "Invoice"]]]],
        ]))
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Customer", id: customer.qboID, .edit(["Active": false]))
        let check = try await self.check(harness)
        let kinds = Dictionary(uniqueKeysWithValues: check.drifted.map { ($0.ref?.externalID ?? "", $0.warnings.map(\.kind)) })
        #expect(kinds["inv-d"] == [.driftDeleted])
        #expect(kinds["inv-v"] == [.driftVoided])
        #expect(kinds["inv-p"] == [.driftPaymentRecorded])
        #expect(kinds["c1"] == [.driftInactive])
        #expect(check.drifted.count == 4)
        let balance = try await self.record(harness, .invoice, "inv-p").warnings.first?.fields.first
        #expect(balance?.field == "Balance")
        #expect(balance?.quickbooks == "225")  // 375 - 100 (qbsync's) - 50 (the counter's)
        #expect(try await self.check(harness).drifted.isEmpty)
        // Accepting QuickBooks' deletion: the record is gone there, and resync is allowed again.
        let accepted = try await harness.client.acceptDrift(AcceptDriftRequest(ref: harness.ref("acme", .invoice, "inv-d")))
        #expect(accepted.accepted.map(\.kind) == [.driftDeleted])
        #expect(accepted.record?.warnings.isEmpty == true)
        #expect(accepted.record?.voided == true)
        let history = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-d"), historyLimit: 3)).history
        #expect(history.first?.note.contains("QuickBooks' version accepted") == true)
        let nothing = await #expect(throws: RPCError.self) {
            _ = try await harness.client.acceptDrift(AcceptDriftRequest(ref: harness.ref("acme", .invoice, "inv-d")))
        }
        #expect(nothing?.code == .failedPrecondition)
        await harness.stop()
    }

    @Test func thePolicyCanPushOursAgainOrAcceptQuickBooks() async throws {
        let (harness, realm) = try await self.ready(policy: .repush)
        let pushed = try await self.synced(harness, Fixtures.invoice("inv-r", customer: "c1"))
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: pushed.qboID, .edit(["TxnDate": "2026-11-20"]))
        #expect(try await self.check(harness).drifted.count == 1)
        _ = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-r")) { $0.status == .synced && $0.warnings.isEmpty }
        #expect(try await harness.ledger(realm, "Invoice").first?["TxnDate"]?.stringValue == "2026-11-02")
        // A deletion under REPUSH: created again.
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: pushed.qboID, .delete)
        #expect(try await self.check(harness).drifted.map { $0.warnings.map(\.kind) } == [[.driftDeleted]])
        let recreated = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-r")) { $0.status == .synced && $0.warnings.isEmpty }
        #expect(recreated.qboID != pushed.qboID)
        #expect(try await harness.ledger(realm, "Invoice").map { $0["TotalAmt"]?.decimalValue } == [375])

        _ = try await harness.client.updateCompanySettings(UpdateCompanySettingsRequest(companyID: "acme", driftPolicy: .acceptQuickbooks))
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: recreated.qboID, .edit(["TxnDate": "2026-11-21"]))
        let accepted = try await self.check(harness)
        #expect(accepted.drifted.count == 1)
        #expect(accepted.drifted.first?.warnings.isEmpty == true)
        let history = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-r"), historyLimit: 1)).history
        #expect(history.first?.note.contains("QuickBooks' version accepted") == true)
        #expect(history.first?.note.contains("TxnDate 2026-11-02 → 2026-11-21") == true)
        #expect(try await harness.ledger(realm, "Invoice").first?["TxnDate"]?.stringValue == "2026-11-21")
        await harness.stop()
    }

    @Test func aFailedCheckLosesNothingAndTheNextOneFindsTheChange() async throws {
        let (harness, realm) = try await self.ready()
        let pushed = try await self.synced(harness, Fixtures.invoice("inv-f", customer: "c1"))
        let before = try await harness.client.getCompany(GetCompanyRequest(companyID: "acme")).company?.driftCheckedThrough ?? ""
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: pushed.qboID, .edit(["TxnDate": "2026-11-12"]))
        await harness.simulator.setFaults(FaultPlan(errorRate: 1), realmID: realm.realmId)
        let failed = await #expect(throws: RPCError.self) { _ = try await self.check(harness) }
        #expect(failed != nil)
        #expect(try await harness.client.getCompany(GetCompanyRequest(companyID: "acme")).company?.driftCheckedThrough == before)
        await harness.simulator.setFaults(FaultPlan(), realmID: realm.realmId)
        let check = try await self.check(harness)
        #expect(check.drifted.map { $0.ref?.externalID } == ["inv-f"])
        #expect(!check.checkedThrough.isEmpty)
        let unknown = await #expect(throws: RPCError.self) { _ = try await harness.client.checkDrift(CheckDriftRequest(companyID: "nobody")) }
        #expect(unknown?.code == .notFound)
        await harness.stop()
    }
}

/// The side-by-side of the rental store and QuickBooks for a period.
@Suite(.timeLimit(.minutes(3))) struct ReconcileTests {
    @Test func reconcileReadsEveryPageOfAPeriodEachDocumentOnce() async throws {
        // 2,501 payments entered in QuickBooks by hand: three pages of 1,000,
        // read in parallel after a COUNT; every one counted once, to the cent.
        let harness = try await ServiceHarness.start { $0.engine.driftInterval = nil }
        let realm = try await harness.connect("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        let customer = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .customer, "c1"))).record?.qboID ?? ""
        for index in 0..<2_501 {
            try await harness.simulator.byHand(realmID: realm.realmId, entity: "Payment", id: "-", .create([
                "CustomerRef": ["value": .string(customer)], "TotalAmt": .number(Decimal(index % 7 + 1)), "TxnDate": "2026-11-06",
            ]))
        }
        let report = try await harness.client.reconcile(ReconcileRequest(companyID: "acme", fromDate: "2026-11-01", toDate: "2026-11-30", entities: [.payment]))
        let payments = try #require(report.entities.first { $0.entity == .payment })
        #expect(payments.onlyInQuickbooksCount == 2_501)
        let total = (0..<2_501).reduce(Int64(0)) { $0 + Int64($1 % 7 + 1) * 100 }
        #expect(payments.onlyInQuickbooksTotalMinor == total)
        #expect(report.requests == 4)  // the COUNT and three pages
        await harness.stop()
    }

    @Test func totalsBalancesAndEveryMismatchToTheCent() async throws {
        let harness = try await ServiceHarness.start { $0.engine.driftInterval = nil }
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        for (id, quantity) in [("inv-1", 1), ("inv-2", 2), ("inv-3", 3)] {
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice(id, customer: "c1", quantity: "\(quantity)", amountMinor: Int64(quantity) * 12_500)))
        }
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-1", customer: "c1", amountMinor: 10_000, applications: [("inv-2", 10_000)])))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-b", customer: "c1", item: "NOT-MAPPED")))
        _ = try await harness.waitUntilIdle("acme")
        let clean = try await harness.client.reconcile(ReconcileRequest(companyID: "acme", fromDate: "2026-11-01", toDate: "2026-11-30", entities: [.invoice, .payment]))
        let invoices = try #require(clean.entities.first { $0.entity == .invoice })
        #expect(invoices.syncedCount == 3)
        #expect(invoices.syncedTotalMinor == 75_000)
        #expect(invoices.foundCount == 3)
        #expect(invoices.foundTotalMinor == 75_000)
        #expect(invoices.notSyncedCount == 1)
        #expect(clean.mismatches.map(\.kind) == [.notSynced])
        #expect(clean.entities.first { $0.entity == .payment }?.foundTotalMinor == 10_000)

        // The accountant deletes inv-1, takes 50.00 against inv-3 at the counter, and enters a sale by hand.
        let ids = Dictionary(uniqueKeysWithValues: try await harness.client.listRecords(ListRecordsRequest(companyID: "acme", entity: .invoice)).records.map { ($0.ref?.externalID ?? "", $0.qboID) })
        let customer = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .customer, "c1"))).record?.qboID ?? ""
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: ids["inv-1"]!, .delete)
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Payment", id: "-", .create([
            "CustomerRef": ["value": .string(customer)], "TotalAmt": 50, "TxnDate": "2026-11-06",
            "Line": [["Amount": 50, "LinkedTxn": [["TxnId": .string(ids["inv-3"]!), "TxnType": "Invoice"]]]],
        ]))
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: "-", .create([
            "CustomerRef": ["value": .string(customer)], "TxnDate": "2026-11-07", "DocNumber": "HAND-1",
            "Line": [["Amount": 80, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["ItemRef": ["value": .string(SimulatorSeed.Item.delivery)], "Qty": 1, "UnitPrice": 80]]],
        ]))
        let report = try await harness.client.reconcile(ReconcileRequest(companyID: "acme", fromDate: "2026-11-01", toDate: "2026-11-30", entities: [.invoice, .payment]))
        let after = try #require(report.entities.first { $0.entity == .invoice })
        #expect(after.foundCount == 2)
        #expect(after.foundTotalMinor == 62_500)
        #expect(after.onlyInQuickbooksCount == 1)
        #expect(after.onlyInQuickbooksTotalMinor == 8_000)
        let byRecord = Dictionary(grouping: report.mismatches) { $0.ref?.externalID ?? "" }
        #expect(byRecord["inv-1"]?.map(\.kind) == [.missingInQuickbooks])
        #expect(byRecord["inv-3"]?.map(\.kind) == [.balanceDiffers])
        #expect(byRecord["inv-3"]?.first?.ours == "375")
        #expect(byRecord["inv-3"]?.first?.quickbooks == "325")
        #expect(byRecord["inv-2"] == nil)  // 250.00 less qbsync's 100.00 is what QuickBooks shows
        #expect(report.entities.first { $0.entity == .payment }?.onlyInQuickbooksCount == 1)
        #expect(report.requests >= 2)

        // Customers' balances, as of now: c1 owes 125 + 250 + 375 less qbsync's 100.00 = 650.00 by the rental
        // system's synced documents; QuickBooks lost inv-1 (125), took 50.00 and added an 80.00 sale: 555.00.
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c2", name: "Second Party Rentals"), mode: .create))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-c2", customer: "c2", quantity: "1", amountMinor: 12_500)))
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-c2", customer: "c2", amountMinor: 20_000, applications: [("inv-c2", 12_500)])))
        _ = try await harness.waitUntilIdle("acme")
        let balances = try await harness.client.reconcile(ReconcileRequest(companyID: "acme", entities: [.customer]))
        let customers = try #require(balances.entities.first { $0.entity == .customer })
        #expect(customers.syncedCount == 2)
        #expect(customers.foundCount == 2)
        #expect(customers.syncedTotalMinor == 65_000 - 7_500)  // c2 paid 75.00 ahead: a credit
        #expect(customers.foundTotalMinor == 55_500 - 7_500)
        let byCustomer = Dictionary(grouping: balances.mismatches) { $0.ref?.externalID ?? "" }
        #expect(byCustomer["c1"]?.map(\.kind) == [.customerBalanceDiffers])
        #expect(byCustomer["c1"]?.first?.ours == "650")
        #expect(byCustomer["c1"]?.first?.quickbooks == "555")
        #expect(byCustomer["c1"]?.first?.fixHint.contains("by hand") == true)
        #expect(byCustomer["c2"] == nil)  // its 75.00 of credit is the same on both sides
        // Made inactive (merged) in QuickBooks: still read, still compared.
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Customer", id: customer, .edit(["Active": false]))
        let inactive = try await harness.client.reconcile(ReconcileRequest(companyID: "acme", entities: [.customer]))
        #expect(inactive.entities.first?.foundCount == 2)
        for (request, field) in [
            (ReconcileRequest(companyID: "acme", fromDate: "2026-12-01", toDate: "2026-11-01"), "from_date"),
            (ReconcileRequest(companyID: "acme", fromDate: "2026-02-30"), "from_date"),
            (ReconcileRequest(companyID: "acme", entities: [.vendor]), "entities[0]"),
        ] {
            let error = await #expect(throws: RPCError.self) { _ = try await harness.client.reconcile(request) }
            #expect(error?.detail(FieldViolation.self)?.field == field)
        }
        await harness.stop()
    }
}
