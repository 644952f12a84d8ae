import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// Payments, refunds and voids end to end, checked against the simulator's books.
@Suite(.timeLimit(.minutes(3))) struct PaymentRefundTests {
    private func ready(
        configure: @escaping (inout QBSyncServer.Configuration) -> Void = { _ in }
    ) async throws -> (ServiceHarness, RealmCredentials) {
        let harness = try await ServiceHarness.start(configure: configure)
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .account, entries: [AutoMapEntry(externalCode: "REFUNDS", name: "Checking")]))
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        return (harness, realm)
    }

    private func invoice(_ harness: ServiceHarness, _ id: String, amountMinor: Int64 = 37_500) async throws {
        let quantity = "\(Decimal(amountMinor) / 12_500)"
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice(id, customer: "c1", quantity: quantity, amountMinor: amountMinor)))
    }

    private func settled(_ harness: ServiceHarness, _ entity: EntityType, _ id: String) async throws -> SyncRecord {
        try await harness.waitForRecord(harness.ref("acme", entity, id)) { [.synced, .errored, .skipped].contains($0.status) }
    }

    private func balance(_ harness: ServiceHarness, _ realm: RealmCredentials, docNumber: String) async throws -> Decimal? {
        try await harness.ledger(realm, "Invoice").first { $0["DocNumber"]?.stringValue == docNumber }?["Balance"]?.decimalValue
    }

    @Test func paymentOverSeveralInvoicesWithPartialAmountsAndARemainder() async throws {
        let (harness, realm) = try await self.ready()
        try await self.invoice(harness, "inv-1")
        try await self.invoice(harness, "inv-2", amountMinor: 25_000)
        let payment = Fixtures.payment("pay-1", customer: "c1", amountMinor: 60_000, applications: [("inv-1", 37_500), ("inv-2", 10_000)])
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: payment))
        #expect(try await self.settled(harness, .payment, "pay-1").status == .synced)
        let stored = try #require(try await harness.ledger(realm, "Payment").first)
        #expect(stored["TotalAmt"]?.decimalValue == 600)
        #expect(stored["UnappliedAmt"]?.decimalValue == Decimal(string: "125"))
        #expect(stored["TxnDate"]?.stringValue == "2026-11-05")
        #expect(try await self.balance(harness, realm, docNumber: "INV-1") == 0)
        #expect(try await self.balance(harness, realm, docNumber: "INV-2") == 150)
        await harness.stop()
    }

    @Test func paymentWaitsForItsInvoicesAndCustomer() async throws {
        let (harness, realm) = try await self.ready()
        let payment = Fixtures.payment("pay-2", customer: "c2", amountMinor: 10_000, applications: [("inv-3", 10_000)])
        let accepted = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: payment))
        #expect(accepted.record?.status == .blocked)
        #expect(Set(accepted.record?.blockers.map(\.kind) ?? []) == [.customerNotLinked, .unknownReference])
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c2", name: "Second Co"), mode: .create))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-3", customer: "c2")))
        #expect(try await self.settled(harness, .payment, "pay-2").status == .synced)
        #expect(try await self.balance(harness, realm, docNumber: "INV-3") == 275)
        await harness.stop()
    }

    @Test func anInvoiceAlreadyPaidInQuickBooksGetsNoDuplicatePayment() async throws {
        let (harness, realm) = try await self.ready()
        try await self.invoice(harness, "inv-4")
        _ = try await self.settled(harness, .invoice, "inv-4")
        // Someone marks it paid directly in QuickBooks.
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("paid-in-qbo", customer: "c1", amountMinor: 37_500, applications: [("inv-4", 37_500)])))
        _ = try await self.settled(harness, .payment, "paid-in-qbo")
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-4", customer: "c1", amountMinor: 37_500, applications: [("inv-4", 37_500)])))
        let record = try await self.settled(harness, .payment, "pay-4")
        #expect(record.status == .skipped)
        #expect(record.skipReason.contains("already paid"))
        #expect(try await harness.ledger(realm, "Payment").count == 1)
        await harness.stop()
    }

    @Test func refundOfAnInvoiceIsACreditMemoAppliedToIt() async throws {
        let (harness, realm) = try await self.ready()
        try await self.invoice(harness, "inv-5")
        let refund = Refund(externalID: "ref-5", target: .invoiceExternalID("inv-5"), txnDate: "2026-11-06", currency: "USD", amountMinor: 5_000, reason: "Tent arrived late")
        let accepted = try await harness.client.refund(RefundRequest(companyID: "acme", refund: refund))
        #expect(accepted.record?.qboEntity == "CreditMemo")
        let record = try await self.settled(harness, .refund, "ref-5")
        #expect(record.status == .synced)
        #expect(record.qboURL.contains("creditmemo?txnId="))
        let memos = try await harness.ledger(realm, "CreditMemo")
        #expect(memos.count == 1)
        #expect(memos.first?["TotalAmt"]?.decimalValue == 50)
        #expect(try await self.balance(harness, realm, docNumber: "INV-5") == 325)
        await harness.stop()
    }

    @Test func refundOfAPaymentIsARefundReceiptFromAMappedAccount() async throws {
        let (harness, realm) = try await self.ready()
        try await self.invoice(harness, "inv-6")
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-6", customer: "c1", amountMinor: 37_500, applications: [("inv-6", 37_500)])))
        let refund = Refund(externalID: "ref-6", target: .paymentExternalID("pay-6"), txnDate: "2026-11-07", currency: "USD", amountMinor: 2_550,
                            itemCode: "WAIVER", refundAccountCode: "REFUNDS", reason: "Damage waiver returned")
        let accepted = try await harness.client.refund(RefundRequest(companyID: "acme", refund: refund))
        #expect(accepted.record?.status == .blocked || accepted.record?.status == .pending)
        let record = try await self.settled(harness, .refund, "ref-6")
        #expect(record.status == .synced)
        let receipts = try await harness.ledger(realm, "RefundReceipt")
        #expect(receipts.count == 1)
        #expect(receipts.first?["TotalAmt"]?.decimalValue == Decimal(string: "25.5"))
        let checking = try await harness.ledger(realm, "Account").first { $0["Name"]?.stringValue == "Checking" }?["Id"]?.stringValue
        #expect(receipts.first?["DepositToAccountRef"]?["value"]?.stringValue == checking)
        await harness.stop()
    }

    @Test func voidingASyncedPaymentRestoresTheInvoiceBalance() async throws {
        let (harness, realm) = try await self.ready()
        try await self.invoice(harness, "inv-7")
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-7", customer: "c1", amountMinor: 37_500, applications: [("inv-7", 37_500)])))
        _ = try await self.settled(harness, .payment, "pay-7")
        #expect(try await self.balance(harness, realm, docNumber: "INV-7") == 0)
        let voided = try await harness.client.voidPayment(VoidPaymentRequest(companyID: "acme", paymentExternalID: "pay-7", reason: "card chargeback"))
        #expect(voided.alreadyVoided == false)
        #expect(voided.record?.status == .synced)
        #expect(voided.record?.voided == true)
        #expect(try await self.balance(harness, realm, docNumber: "INV-7") == 375)
        let again = try await harness.client.voidPayment(VoidPaymentRequest(companyID: "acme", paymentExternalID: "pay-7"))
        #expect(again.alreadyVoided)
        await harness.stop()
    }

    @Test func voidingAPaymentNeverSyncedPushesNothing() async throws {
        let (harness, realm) = try await self.ready()
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-8", customer: "c1", amountMinor: 100, applications: [("inv-never", 100)])))
        let voided = try await harness.client.voidPayment(VoidPaymentRequest(companyID: "acme", paymentExternalID: "pay-8"))
        #expect(voided.record?.status == .skipped)
        #expect(voided.record?.voided == true)
        #expect(try await harness.ledger(realm, "Payment").isEmpty)
        await harness.stop()
    }

    @Test func voidingAPaymentWhoseCreationOutcomeIsUnknownVoidsWhatQuickBooksHas() async throws {
        // Retries wait 20 s, so the void arrives while the lost create is still unresolved.
        let (harness, realm) = try await self.ready { $0.engine.retry.baseDelay = .seconds(20); $0.engine.retry.maxDelay = .seconds(20) }
        // The create is carried out in QBO but its answer never arrives (an unapplied
        // payment: its push is that one POST).
        await harness.simulator.setFaults(FaultPlan(lostResponseRate: 1), realmID: realm.realmId)
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-u", customer: "c1", amountMinor: 4_200, applications: [])))
        let unknown = try await harness.waitForRecord(harness.ref("acme", .payment, "pay-u")) { $0.status == .pending && $0.attempts >= 1 }
        #expect(unknown.qboID.isEmpty)
        #expect(try await harness.ledger(realm, "Payment").count == 1)
        await harness.simulator.setFaults(FaultPlan(), realmID: realm.realmId)

        let voided = try await harness.client.voidPayment(VoidPaymentRequest(companyID: "acme", paymentExternalID: "pay-u", reason: "duplicate charge"))
        #expect(voided.record?.status == .synced, "\(String(describing: voided.record))")
        #expect(voided.record?.voided == true)
        #expect(voided.record?.qboID.isEmpty == false)
        let payments = try await harness.ledger(realm, "Payment")
        #expect(payments.count == 1)
        #expect(payments.first?["TotalAmt"]?.decimalValue == 0)
        await harness.stop()
    }

    @Test func aDepositedPaymentCannotBeVoided() async throws {
        let (harness, realm) = try await self.ready()
        try await self.invoice(harness, "inv-9")
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-9", customer: "c1", amountMinor: 37_500, applications: [("inv-9", 37_500)])))
        let payment = try await self.settled(harness, .payment, "pay-9")
        try await harness.simulator.markDeposited(realmID: realm.realmId, paymentID: payment.qboID)
        let error = await #expect(throws: RPCError.self) {
            try await harness.client.voidPayment(VoidPaymentRequest(companyID: "acme", paymentExternalID: "pay-9"))
        }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.detail(ErrorDetail.self)?.qboCode == "6540")
        #expect(error?.message.contains("deposit") == true)
        #expect(try await self.balance(harness, realm, docNumber: "INV-9") == 0)
        await harness.stop()
    }

    @Test func aSyncedPaymentCannotBeEditedOnlyVoided() async throws {
        let (harness, _) = try await self.ready()
        try await self.invoice(harness, "inv-10")
        _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-10", customer: "c1", amountMinor: 100, applications: [("inv-10", 100)])))
        _ = try await self.settled(harness, .payment, "pay-10")
        let error = await #expect(throws: RPCError.self) {
            try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-10", customer: "c1", amountMinor: 200, applications: [("inv-10", 200)])))
        }
        #expect(error?.code == .failedPrecondition)
        let bad = await #expect(throws: RPCError.self) {
            try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-11", customer: "c1", amountMinor: 100, applications: [("inv-10", 150)])))
        }
        #expect(bad?.detail(FieldViolation.self)?.field == "payment.applications")
        await harness.stop()
    }
}
