import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// SyncInvoice end to end: dependencies, updates, voids, policies, conflicts.
@Suite(.timeLimit(.minutes(3))) struct InvoiceSyncTests {
    private func ready(
        _ settings: CompanySettings? = nil, configure: @escaping (inout QBSyncServer.Configuration) -> Void = { _ in }
    ) async throws -> (ServiceHarness, RealmCredentials) {
        let harness = try await ServiceHarness.start(configure: configure)
        let realm = try await harness.connect("acme", settings: settings)
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        return (harness, realm)
    }

    private func sync(_ harness: ServiceHarness, _ invoice: Invoice) async throws -> SyncInvoiceResponse {
        try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: invoice))
    }

    private func synced(_ harness: ServiceHarness, _ id: String) async throws -> SyncRecord {
        try await harness.waitForRecord(harness.ref("acme", .invoice, id)) { $0.status == .synced || $0.status == .errored }
    }

    @Test func unknownCustomerBlocksUntilLinked() async throws {
        let (harness, _) = try await self.ready()
        let accepted = try await self.sync(harness, Fixtures.invoice("inv-1", customer: "c-new"))
        #expect(accepted.record?.status == .blocked)
        #expect(accepted.record?.blockers.map(\.kind) == [.customerNotLinked])
        #expect(accepted.record?.blockers.first?.ref == "c-new")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c-new", name: "New Co"), mode: .create))
        #expect(try await self.synced(harness, "inv-1").status == .synced)
        await harness.stop()
    }

    @Test func eachMissingMappingBlocksAndUnblocksByItself() async throws {
        let (harness, realm) = try await self.ready()
        var invoice = Fixtures.invoice("inv-2", customer: "c1", item: "GEN-20KW")
        invoice.lines[0].taxCode = "CA-TAX"
        invoice.lines.append(InvoiceLine(kind: .discount, description: "Loyalty", amountMinor: 1_000, discountAccountCode: "4990"))
        let accepted = try await self.sync(harness, invoice)
        #expect(accepted.record?.status == .blocked)
        #expect(Set(accepted.record?.blockers.map(\.kind) ?? []) == [.itemNotMapped, .taxCodeNotMapped, .accountNotMapped])
        let listed = try await harness.client.listMappings(ListMappingsRequest(companyID: "acme"))
        #expect(Set(listed.unmapped.map(\.externalCode)) == ["GEN-20KW", "CA-TAX", "4990"])

        let item = try await harness.client.setMapping(SetMappingRequest(companyID: "acme", mapping: Mapping(kind: .item, externalCode: "GEN-20KW", qboID: "2")))
        #expect(item.recordsUnblocked == 0)
        let stillBlocked = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-2"))).record
        #expect(Set(stillBlocked?.blockers.map(\.kind) ?? []) == [.taxCodeNotMapped, .accountNotMapped])
        _ = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .taxCode, entries: [AutoMapEntry(externalCode: "CA-TAX", name: "TAX")]))
        let account = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .account, entries: [AutoMapEntry(externalCode: "4990", name: "Discounts given")]))
        #expect(account.recordsUnblocked == 1)
        #expect(try await self.synced(harness, "inv-2").status == .synced)
        let stored = try #require(try await harness.ledger(realm, "Invoice").first)
        #expect(stored["TotalAmt"]?.decimalValue == Decimal(string: "365"))
        await harness.stop()
    }

    @Test func editsAreSparseUpdatesAndVoidsAreVoids() async throws {
        let (harness, realm) = try await self.ready()
        _ = try await self.sync(harness, Fixtures.invoice("inv-3", customer: "c1"))
        let first = try await self.synced(harness, "inv-3")
        #expect(first.qboSyncToken == "0")
        let unchanged = try await self.sync(harness, Fixtures.invoice("inv-3", customer: "c1"))
        #expect(unchanged.changed == false)
        _ = try await self.sync(harness, Fixtures.invoice("inv-3", customer: "c1", lines: 2))
        let updated = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-3")) { $0.status == .synced && $0.qboSyncToken != "0" }
        #expect(updated.qboID == first.qboID)
        var ledger = try await harness.ledger(realm, "Invoice")
        #expect(ledger.count == 1)
        #expect(ledger.first?["TotalAmt"]?.decimalValue == Decimal(string: "750"))
        var voided = Fixtures.invoice("inv-3", customer: "c1", lines: 2)
        voided.voided = true
        _ = try await self.sync(harness, voided)
        let record = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-3")) { $0.status == .synced && $0.voided }
        #expect(record.voided)
        ledger = try await harness.ledger(realm, "Invoice")
        #expect(ledger.first?["TotalAmt"]?.decimalValue == 0)
        #expect(ledger.first?["PrivateNote"]?.stringValue?.contains("Voided") == true)
        await harness.stop()
    }

    @Test func voidingAnInvoiceWhoseCreationOutcomeIsUnknownVoidsWhatQuickBooksHas() async throws {
        // Retries wait 20 s, so the void arrives while the lost create is still unresolved.
        let (harness, realm) = try await self.ready { $0.engine.retry.baseDelay = .seconds(20); $0.engine.retry.maxDelay = .seconds(20) }
        await harness.simulator.setFaults(FaultPlan(lostResponseRate: 1), realmID: realm.realmId)
        _ = try await self.sync(harness, Fixtures.invoice("inv-u", customer: "c1"))
        let unknown = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-u")) { $0.status == .pending && $0.attempts >= 1 }
        #expect(unknown.qboID.isEmpty)
        #expect(try await harness.ledger(realm, "Invoice").count == 1)
        await harness.simulator.setFaults(FaultPlan(), realmID: realm.realmId)

        var voided = Fixtures.invoice("inv-u", customer: "c1")
        voided.voided = true
        let accepted = try await self.sync(harness, voided)
        #expect(accepted.record?.status == .pending, "the invoice may be in QuickBooks: \(String(describing: accepted.record))")
        let record = try await self.synced(harness, "inv-u")
        #expect(record.status == .synced)
        #expect(record.voided)
        #expect(!record.qboID.isEmpty)
        let invoices = try await harness.ledger(realm, "Invoice")
        #expect(invoices.count == 1)
        #expect(invoices.first?["TotalAmt"]?.decimalValue == 0)
        #expect(invoices.first?["PrivateNote"]?.stringValue?.contains("Voided") == true)
        await harness.stop()
    }

    @Test func signFlipAfterSyncNeedsANewInvoice() async throws {
        let (harness, _) = try await self.ready()
        _ = try await self.sync(harness, Fixtures.invoice("inv-4", customer: "c1"))
        #expect(try await self.synced(harness, "inv-4").status == .synced)
        let error = await #expect(throws: RPCError.self) {
            try await self.sync(harness, Fixtures.invoice("inv-4", customer: "c1", quantity: "-3", amountMinor: -37_500))
        }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message.contains("new invoice") == true)
        let record = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-4"))).record
        #expect(record?.status == .synced)
        await harness.stop()
    }

    @Test func duplicateDocNumberIsReportedWithItsHolder() async throws {
        let (harness, _) = try await self.ready()
        _ = try await self.sync(harness, Fixtures.invoice("inv-5", customer: "c1", docNumber: "R-100"))
        let holder = try await self.synced(harness, "inv-5")
        _ = try await self.sync(harness, Fixtures.invoice("inv-6", customer: "c1", docNumber: "R-100"))
        let record = try await self.synced(harness, "inv-6")
        #expect(record.status == .errored)
        #expect(record.lastError?.qboCode == "6140")
        #expect(record.lastError?.errorClass == .duplicate)
        #expect(record.lastError?.retryable == false)
        #expect(record.lastError?.fixHint.contains(holder.qboID) == true)
        await harness.stop()
    }

    @Test func exclusionAndPolicySkipWithAReason() async throws {
        let (harness, realm) = try await self.ready(CompanySettings(invoicePolicy: .onlyWithPayment))
        var excluded = Fixtures.invoice("inv-7", customer: "c1")
        excluded.excludeFromSync = true
        let skipped = try await self.sync(harness, excluded)
        #expect(skipped.record?.status == .skipped)
        #expect(skipped.record?.skipReason.contains("No QuickBooks") == true)
        let waiting = try await self.sync(harness, Fixtures.invoice("inv-8", customer: "c1"))
        #expect(waiting.record?.status == .skipped)
        #expect(waiting.record?.skipReason.contains("payment") == true)
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("p-8", customer: "c1", amountMinor: 10_000, applications: [("inv-8", 10_000)])))
        #expect(try await self.synced(harness, "inv-8").status == .synced)
        let payment = try await harness.waitForRecord(harness.ref("acme", .payment, "p-8")) { $0.status == .synced }
        #expect(payment.status == .synced)
        #expect(try await harness.ledger(realm, "Invoice").count == 1)
        let settings = try await harness.client.updateCompanySettings(UpdateCompanySettingsRequest(companyID: "acme", invoicePolicy: .syncAll))
        #expect(settings.recordsRequeued == 0)  // the excluded invoice stays excluded
        await harness.stop()
    }

    @Test func invalidRequestsNameTheFieldAndStoreNothing() async throws {
        let (harness, _) = try await self.ready()
        var bad = Fixtures.invoice("inv-9", customer: "c1")
        bad.lines[0].amountMinor = 37_501
        var error = await #expect(throws: RPCError.self) { try await self.sync(harness, bad) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.detail(FieldViolation.self)?.field == "invoice.lines[0].amount_minor")
        bad = Fixtures.invoice("inv-9", customer: "c1", date: "2026-02-30")
        error = await #expect(throws: RPCError.self) { try await self.sync(harness, bad) }
        #expect(error?.detail(FieldViolation.self)?.field == "invoice.txn_date")
        bad = Fixtures.invoice("inv-9", customer: "c1", quantity: "1e3")
        error = await #expect(throws: RPCError.self) { try await self.sync(harness, bad) }
        #expect(error?.detail(FieldViolation.self)?.field == "invoice.lines[0].quantity")
        // Lengths are characters, not UTF-8 bytes: 21 two-byte characters fit DocNumber's 21.
        bad = Fixtures.invoice("inv-9", customer: "c1", docNumber: String(repeating: "é", count: 22))
        error = await #expect(throws: RPCError.self) { try await self.sync(harness, bad) }
        #expect(error?.detail(FieldViolation.self)?.field == "invoice.doc_number")
        #expect(error?.message.contains("longer than 21 characters") == true)
        let fits = try await self.sync(harness, Fixtures.invoice("inv-10", customer: "c1", docNumber: String(repeating: "é", count: 21)))
        #expect(fits.record?.status == .pending || fits.record?.status == .synced || fits.record?.status == .syncing)
        bad = Fixtures.invoice("inv-9", customer: "c1")
        bad.currency = "EUR"
        error = await #expect(throws: RPCError.self) { try await self.sync(harness, bad) }
        #expect(error?.detail(FieldViolation.self)?.field == "invoice.currency")
        error = await #expect(throws: RPCError.self) {
            try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "nobody", invoice: Fixtures.invoice("inv-9", customer: "c1")))
        }
        #expect(error?.code == .notFound)
        error = await #expect(throws: RPCError.self) {
            try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-9")))
        }
        #expect(error?.code == .notFound)
        await harness.stop()
    }

    @Test func listRecordsPagesAndFiltersAndResyncRequeues() async throws {
        let (harness, _) = try await self.ready()
        for index in 0..<7 {
            _ = try await self.sync(harness, Fixtures.invoice("inv-l\(index)", customer: index < 5 ? "c1" : "c-unknown"))
        }
        var seen: [String] = []
        var token = ""
        repeat {
            let page = try await harness.client.listRecords(ListRecordsRequest(companyID: "acme", entity: .invoice, pageSize: 3, pageToken: token))
            seen += page.records.compactMap { $0.ref?.externalID }
            token = page.nextPageToken
        } while !token.isEmpty
        #expect(seen == (0..<7).map { "inv-l\($0)" })
        let blocked = try await harness.client.listRecords(ListRecordsRequest(companyID: "acme", statuses: [.blocked]))
        #expect(blocked.records.count == 2)
        let resync = try await harness.client.resync(ResyncRequest(companyID: "acme", target: .record(harness.ref("acme", .invoice, "inv-l5"))))
        #expect(resync.record?.status == .blocked)
        await harness.stop()
    }
}
