import Foundation
import protocol QBOClient.HTTPTransport
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// Cases that once left QuickBooks wrong or stuck, each checked against the
/// simulator's books to the cent.
@Suite(.timeLimit(.minutes(3))) struct LedgerCaseTests {
    private func ready(
        transport: (any HTTPTransport)? = nil,
        configure: @escaping (inout QBSyncServer.Configuration) -> Void = { _ in }
    ) async throws -> (ServiceHarness, RealmCredentials) {
        let harness = try await ServiceHarness.start(transport: transport, configure: configure)
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1", email: "pat@acme.test"), mode: .create))
        return (harness, realm)
    }

    private func invoice(_ harness: ServiceHarness, _ id: String, excluded: Bool = false) async throws -> SyncInvoiceResponse {
        var invoice = Fixtures.invoice(id, customer: "c1")
        invoice.excludeFromSync = excluded
        return try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: invoice))
    }

    private func pay(_ harness: ServiceHarness, _ payment: Payment) async throws -> SyncPaymentResponse {
        try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: payment))
    }

    private func settled(_ harness: ServiceHarness, _ entity: EntityType, _ id: String) async throws -> SyncRecord {
        try await harness.waitForRecord(harness.ref("acme", entity, id)) { [.synced, .errored, .skipped].contains($0.status) }
    }

    private func invoiceBalance(_ harness: ServiceHarness, _ realm: RealmCredentials, _ docNumber: String) async throws -> Decimal? {
        try await harness.ledger(realm, "Invoice").first { $0["DocNumber"]?.stringValue == docNumber }?["Balance"]?.decimalValue
    }

    private func payments(_ harness: ServiceHarness, _ realm: RealmCredentials) async throws -> [JSONValue] {
        try await harness.ledger(realm, "Payment")
    }

    // MARK: 1. Payments of "No QuickBooks" invoices

    @Test func anInvoiceChangedWhileItsLostCreateIsCheckedEndsInQuickBooksAsChanged() async throws {
        // QBO creates the invoice but its answer is lost; the rental system then adds a day.
        let losing = try AnswerLosingTransport(count: 1, lose: AnswerLosingTransport.write("invoice"))
        let (harness, realm) = try await self.ready(transport: losing) { configuration in
            configuration.engine.retry.baseDelay = .seconds(1)
            configuration.engine.retry.maxDelay = .seconds(1)
        }
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-l", customer: "c1")))
        _ = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-l")) { $0.status == .pending && $0.attempts > 0 }
        let longer = Fixtures.invoice("inv-l", customer: "c1", quantity: "4", amountMinor: 50_000)
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: longer))
        #expect(try await self.settled(harness, .invoice, "inv-l").status == .synced)
        let invoices = try await harness.ledger(realm, "Invoice")
        #expect(invoices.count == 1)
        #expect(invoices.first?["TotalAmt"]?.decimalValue == 500)
        #expect(invoices.first?["Balance"]?.decimalValue == 500)
        await harness.stop()
    }

    @Test func aPaymentOfAnExcludedInvoiceIsSkippedNeverBlockedForever() async throws {
        let (harness, realm) = try await self.ready()
        _ = try await self.invoice(harness, "inv-x", excluded: true)
        let accepted = try await self.pay(harness, Fixtures.payment("pay-x", customer: "c1", amountMinor: 37_500, applications: [("inv-x", 37_500)]))
        #expect(accepted.record?.status == .skipped)
        #expect(accepted.record?.skipReason.contains("No QuickBooks") == true)
        #expect(accepted.record?.skipReason.contains("inv-x") == true)
        #expect(try await self.payments(harness, realm).isEmpty)

        // Over an excluded and a synced invoice at once: refused, nothing stored.
        _ = try await self.invoice(harness, "inv-y")
        let mixed = await #expect(throws: RPCError.self) {
            _ = try await self.pay(harness, Fixtures.payment("pay-xy", customer: "c1", amountMinor: 75_000, applications: [("inv-x", 37_500), ("inv-y", 37_500)]))
        }
        #expect(mixed?.code == .failedPrecondition)
        #expect(mixed?.message.contains("inv-x") == true)
        await #expect(throws: RPCError.self) { _ = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .payment, "pay-xy"))) }

        // The order is no longer "No QuickBooks": its invoice and payment sync.
        _ = try await self.invoice(harness, "inv-x", excluded: false)
        #expect(try await self.settled(harness, .payment, "pay-x").status == .synced)
        #expect(try await self.invoiceBalance(harness, realm, "INV-X") == 0)
        #expect(try await self.payments(harness, realm).map { $0["TotalAmt"]?.decimalValue } == [375])
        await harness.stop()
    }

    @Test func aPaymentWaitingForAnInvoiceThatIsThenExcludedIsSkipped() async throws {
        let (harness, realm) = try await self.ready()
        let waiting = try await self.pay(harness, Fixtures.payment("pay-w", customer: "c1", amountMinor: 10_000, applications: [("inv-w", 10_000)]))
        #expect(waiting.record?.status == .blocked)
        _ = try await self.invoice(harness, "inv-w", excluded: true)
        let payment = try await harness.waitForRecord(harness.ref("acme", .payment, "pay-w")) { $0.status == .skipped }
        #expect(payment.status == .skipped)
        #expect(payment.blockers.isEmpty)
        #expect(try await self.payments(harness, realm).isEmpty)
        #expect(try await harness.ledger(realm, "Invoice").isEmpty)
        await harness.stop()
    }

    // MARK: 2. Part of a payment already paid in QuickBooks

    @Test func aPaymentOverSeveralInvoicesAppliesWhatIsStillOwedAndNamesTheRest() async throws {
        let (harness, realm) = try await self.ready()
        for id in ["inv-a", "inv-b", "inv-c"] { _ = try await self.invoice(harness, id) }
        for id in ["inv-a", "inv-b", "inv-c"] { #expect(try await self.settled(harness, .invoice, id).status == .synced) }
        // QuickBooks already holds 375.00 for inv-a and 275.00 for inv-b (recorded by another payment).
        _ = try await self.pay(harness, Fixtures.payment("pay-0", customer: "c1", amountMinor: 65_000, applications: [("inv-a", 37_500), ("inv-b", 27_500)]))
        #expect(try await self.settled(harness, .payment, "pay-0").status == .synced)

        // 375 each to a, b and c, plus 20.00 meant as credit.
        _ = try await self.pay(harness, Fixtures.payment("pay-1", customer: "c1", amountMinor: 114_500, applications: [("inv-a", 37_500), ("inv-b", 37_500), ("inv-c", 37_500)]))
        let record = try await self.settled(harness, .payment, "pay-1")
        #expect(record.status == .synced)
        let warning = try #require(record.warnings.first)
        #expect(warning.kind == .paymentPartlyApplied)
        #expect(warning.message.contains("invoice inv-a"))
        #expect(warning.message.contains("0 of 375 applied"))
        #expect(warning.message.contains("invoice inv-b"))
        #expect(warning.message.contains("100 of 375 applied"))
        #expect(!warning.message.contains("invoice inv-c"))
        #expect(warning.message.contains("20 left unapplied"))
        #expect(!warning.fixHint.isEmpty)
        // To the cent: 100 to b, 375 to c, 20 unapplied; nothing twice.
        let pushed = try #require(try await self.payments(harness, realm).first { $0["Id"]?.stringValue == record.qboID })
        #expect(pushed["TotalAmt"]?.decimalValue == 495)
        #expect(pushed["UnappliedAmt"]?.decimalValue == 20)
        for doc in ["INV-A", "INV-B", "INV-C"] { #expect(try await self.invoiceBalance(harness, realm, doc) == 0) }
        // Health counts it; the event carried the warning.
        let health = try await harness.client.getHealth(GetHealthRequest(companyID: "acme")).companies.first
        #expect(health?.warnings == [WarningCount(kind: .paymentPartlyApplied, count: 1)])
        var synced: SyncEvent?
        for try await message in harness.client.streamSyncEvents(StreamSyncEventsRequest(afterSequence: 1, companyID: "acme", entities: [.payment], statuses: [.synced])) {
            if case .event(let event)? = message.kind, event.ref?.externalID == "pay-1" { synced = event; break }
        }
        #expect(synced?.warnings.first?.kind == .paymentPartlyApplied)
        await harness.stop()
    }

    // MARK: 3. Customer edits

    @Test func editsOfALinkedCustomerArePushedAndANameTakenNamesItsHolder() async throws {
        let (harness, realm) = try await self.ready()
        let before = try #require(try await harness.ledger(realm, "Customer").first { $0["DisplayName"]?.stringValue == "Acme Party Rentals" })
        var edited = Fixtures.customer("c1", email: "billing@acme.test", phone: "510-555-0101")
        edited.billingAddress?.city = "Berkeley"
        let link = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: edited))
        #expect(link.outcome == .alreadyLinked)
        let record = try await harness.waitForRecord(harness.ref("acme", .customer, "c1")) { $0.status == .synced && $0.qboSyncToken != before["SyncToken"]?.stringValue }
        #expect(record.status == .synced)
        let after = try #require(try await harness.ledger(realm, "Customer").first { $0["Id"]?.stringValue == before["Id"]?.stringValue })
        #expect(after["PrimaryEmailAddr"]?["Address"]?.stringValue == "billing@acme.test")
        #expect(after["PrimaryPhone"]?["FreeFormNumber"]?.stringValue == "510-555-0101")
        #expect(after["BillAddr"]?["City"]?.stringValue == "Berkeley")
        #expect(after["DisplayName"]?.stringValue == "Acme Party Rentals")
        #expect(try await harness.ledger(realm, "Customer").filter { $0["DisplayName"]?.stringValue == "Acme Party Rentals" }.count == 1)

        // Renamed to a name another QBO customer holds: 6240, with the holder.
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c2", name: "Beta Events"), mode: .create))
        #expect(try await self.settled(harness, .customer, "c2").status == .synced)
        let holder = try #require(try await harness.ledger(realm, "Customer").first { $0["DisplayName"]?.stringValue == "Beta Events" })
        var renamed = edited
        renamed.companyName = "Beta Events"
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: renamed))
        let errored = try await harness.waitForRecord(harness.ref("acme", .customer, "c1")) { $0.status == .errored }
        #expect(errored.lastError?.qboCode == "6240")
        #expect(errored.lastError?.detail.contains("held by QBO customer Beta Events \(holder["Id"]?.stringValue ?? "?")") == true)
        await harness.stop()
    }

    // MARK: 4. A deposit applied to the invoice that follows

    @Test func aDepositSyncedBeforeItsInvoiceIsAppliedWhenTheInvoiceArrivesExactlyOnce() async throws {
        // The answers of the first two payment updates are lost after QBO applied them.
        let losing = try AnswerLosingTransport(count: 2) { request in
            AnswerLosingTransport.write("payment")(request) && String(decoding: request.body, as: UTF8.self).contains("\"sparse\":true")
        }
        let (harness, realm) = try await self.ready(transport: losing)
        _ = try await self.pay(harness, Fixtures.payment("dep-1", customer: "c1", amountMinor: 10_000, applications: []))
        let deposit = try await self.settled(harness, .payment, "dep-1")
        #expect(deposit.status == .synced)
        #expect(try await self.payments(harness, realm).first?["UnappliedAmt"]?.decimalValue == 100)

        // The job closes: the invoice, and the deposit applied to it.
        _ = try await self.invoice(harness, "inv-j")
        let blocked = try await self.pay(harness, Fixtures.payment("dep-1", customer: "c1", amountMinor: 10_000, applications: [("inv-j", 10_000)]))
        #expect([.pending, .blocked].contains(blocked.record?.status))
        let applied = try await harness.waitForRecord(harness.ref("acme", .payment, "dep-1"), timeout: .seconds(60)) {
            $0.status == .synced && $0.contentHash != deposit.contentHash
        }
        #expect(losing.answersLeftToLose == 0)
        #expect(applied.status == .synced)
        #expect(applied.qboID == deposit.qboID)
        let payments = try await self.payments(harness, realm)
        #expect(payments.count == 1)
        #expect(payments.first?["TotalAmt"]?.decimalValue == 100)
        #expect(payments.first?["UnappliedAmt"]?.decimalValue == 0)
        #expect(try await self.invoiceBalance(harness, realm, "INV-J") == 275)

        // Other amounts still need a void and a new payment.
        let changed = await #expect(throws: RPCError.self) {
            _ = try await self.pay(harness, Fixtures.payment("dep-1", customer: "c1", amountMinor: 12_000, applications: [("inv-j", 12_000)]))
        }
        #expect(changed?.code == .failedPrecondition)
        await harness.stop()
    }

    // MARK: 9. QBO's new invoice version after a payment

    @Test func anInvoiceEditedAfterAPaymentWasAppliedIsUpdatedWithTheFreshSyncToken() async throws {
        let (harness, realm) = try await self.ready()
        _ = try await self.invoice(harness, "inv-v")
        let first = try await self.settled(harness, .invoice, "inv-v")
        _ = try await self.pay(harness, Fixtures.payment("pay-v", customer: "c1", amountMinor: 10_000, applications: [("inv-v", 10_000)]))
        #expect(try await self.settled(harness, .payment, "pay-v").status == .synced)
        // Applying the payment made a new version of the invoice in QBO: qbsync's SyncToken is stale (5010 once sent).
        let current = try #require(try await harness.ledger(realm, "Invoice").first)
        #expect(current["SyncToken"]?.stringValue != first.qboSyncToken)

        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-v", customer: "c1", quantity: "4", amountMinor: 50_000)))
        let updated = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-v")) { $0.status == .synced && $0.qboSyncToken != first.qboSyncToken }
        let invoice = try #require(try await harness.ledger(realm, "Invoice").first)
        #expect(updated.status == .synced)
        #expect(updated.qboSyncToken == invoice["SyncToken"]?.stringValue)
        #expect(invoice["TotalAmt"]?.decimalValue == 500)
        #expect(invoice["Balance"]?.decimalValue == 400)

        // And the void after it, too.
        var voided = Fixtures.invoice("inv-v", customer: "c1", quantity: "4", amountMinor: 50_000)
        voided.voided = true
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: voided))
        let void = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-v")) { $0.voided && $0.status == .synced }
        #expect(void.status == .synced)
        #expect(try await harness.ledger(realm, "Invoice").first?["TotalAmt"]?.decimalValue == 0)
        await harness.stop()
    }

    // MARK: 6. References to records qbsync has never seen

    @Test func aReferenceToAnUnknownInvoiceIsUnknownUntilItArrives() async throws {
        let (harness, _) = try await self.ready()
        let accepted = try await self.pay(harness, Fixtures.payment("pay-u", customer: "c1", amountMinor: 10_000, applications: [("inv-later", 10_000)]))
        #expect(accepted.record?.blockers.map(\.kind) == [.unknownReference])
        #expect(accepted.record?.blockers.first?.ref == "inv-later")
        let refund = try await harness.client.refund(RefundRequest(companyID: "acme", refund: Refund(
            externalID: "ref-u", target: .paymentExternalID("pay-never"), txnDate: "2026-11-06", currency: "USD", amountMinor: 500,
            itemCode: "TENT-20", reason: "damaged"
        )))
        #expect(refund.record?.blockers.map(\.kind) == [.unknownReference])
        // The invoice arrives for a customer not linked yet: the payment now waits for it as usual.
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-later", customer: "c-new")))
        let waiting = try await harness.waitForRecord(harness.ref("acme", .payment, "pay-u")) { $0.blockers.map(\.kind) == [.invoiceNotSynced] }
        #expect(waiting.blockers.map(\.kind) == [.invoiceNotSynced])
        await harness.stop()
    }

    // MARK: 7. A lost answer to a customer create

    @Test func aCustomerCreatedWhoseAnswerWasLostIsRecognisedAsCreated() async throws {
        // Matching finds nothing, qbsync creates the customer, and the answer is lost:
        // the retry matches again and finds the customer it created itself.
        let losing = try AnswerLosingTransport(count: 2, lose: AnswerLosingTransport.write("customer"))
        let harness = try await ServiceHarness.start(transport: losing)
        let realm = try await harness.connect("acme", settings: CompanySettings(autoCreateCustomers: true))
        for (id, email) in [("c-mail", "new@acme.test"), ("c-none", "")] {
            // Names and phones of their own, so neither can match the other.
            let customer = Customer(externalID: id, givenName: "Given \(id)", familyName: "Family \(id)", companyName: "Lost \(id)", email: email)
            _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: customer), options: CallOptions(timeout: .seconds(30)))
            let record = try await harness.waitForRecord(harness.ref("acme", .customer, id)) { $0.status == .synced || $0.status == .blocked }
            #expect(record.status == .synced, "\(record)")
            let again = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: customer))
            #expect(again.outcome == .alreadyLinked)
            let shown = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .customer, id), historyLimit: 20))
            #expect(shown.history.contains { $0.note.contains("after an unknown outcome; not created twice") })
        }
        #expect(losing.answersLeftToLose == 0)
        #expect(try await harness.ledger(realm, "Customer").filter { ($0["DisplayName"]?.stringValue ?? "").hasPrefix("Lost ") }.count == 2)
        await harness.stop()
    }
}

