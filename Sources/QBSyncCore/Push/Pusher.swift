import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

/// Carries out one claimed push against QBO, exactly once.
///
/// Every write carries the record's persisted requestid (derived per step),
/// so a retry after a lost response replays instead of acting twice; and
/// when a write's outcome is unknown (timeout, reset, crash) the record is
/// first looked up in QBO by DocNumber or by its `[qbsync:…]` marker before
/// anything is created again.
struct Pusher: Sendable {
    let client: QBOClient
    let customers: CustomerDirectory

    func push(_ claim: Claim) async -> PushOutcome {
        do {
            switch claim.plan {
            case .customer(let plan): return try await self.pushCustomer(plan, row: claim.row)
            case .invoice(let plan): return try await self.pushInvoice(plan, row: claim.row)
            case .payment(let plan): return try await self.pushPayment(plan, row: claim.row)
            case .creditMemo(let plan): return try await self.pushCreditMemo(plan, row: claim.row)
            case .refundReceipt(let plan): return try await self.pushRefundReceipt(plan, row: claim.row)
            case .vendor(let plan): return try await self.pushVendor(plan, row: claim.row)
            case .bill(let plan): return try await self.pushDocument(plan, row: claim.row)
            case .billPayment(let plan): return try await self.pushBillPayment(plan, row: claim.row)
            case .purchaseOrder(let plan): return try await self.pushDocument(plan, row: claim.row)
            case .expense(let plan): return try await self.pushDocument(plan, row: claim.row)
            case .item(let plan): return try await self.pushItem(plan, row: claim.row)
            case .verify(let entity, let id): return try await self.verify(entity, id: id, row: claim.row)
            }
        } catch let failure as PushFailure {
            return failure.outcome
        } catch let error as QBOError {
            return PushOutcome(result: .failed(error))
        } catch is CancellationError {
            return PushOutcome(result: .failed(QBOError(kind: .cancelled, message: "push cancelled (service stopping)")))
        } catch {
            return PushOutcome(result: .failed(QBOError(kind: .invalidResponse, message: "\(error)")))
        }
    }

    static func requestID(_ row: RecordRow, _ step: String) throws -> RequestID {
        try RequestID("\(row.requestID)\(step)")
    }

    // MARK: Invoices

    private func pushInvoice(_ plan: InvoicePlan, row: RecordRow) async throws -> PushOutcome {
        switch plan.operation {
        case .create:
            if row.outcomeUnknown, let found = try await self.findInvoice(plan.body, row: row) {
                let current = try await self.bringUpToDate(found, with: plan.body, row: row)
                return self.syncedInvoice(current, plan: plan, note: "found in QBO as Invoice \(found.id ?? "") after an unknown outcome; not created twice")
            }
            do {
                let created = try await self.client.create(plan.body, requestID: try Self.requestID(row, "c"))
                return self.syncedInvoice(created, plan: plan, note: "created in QBO as Invoice \(created.id ?? "")")
            } catch let error as QBOError where error.kind == .duplicate {
                return try await self.adoptDuplicate(plan, row: row, error)
            }
        case .update:
            let updated = try await self.withFreshToken(row, read: { try await self.client.read(QBO.Invoice.self, id: row.qboID).syncToken }) { token, step in
                var body = plan.body
                body.id = row.qboID
                body.syncToken = token
                body.sparse = true
                return try await self.client.sparseUpdate(body, requestID: try Self.requestID(row, "u\(step)"))
            }
            return self.syncedInvoice(updated, plan: plan, note: "updated in QBO (Invoice \(row.qboID), SyncToken \(updated.syncToken ?? ""))")
        case .void:
            return try await self.void(
                row, find: { try await self.findInvoice(plan.body, row: row).map { ($0.id, $0.syncToken) } },
                read: { try await self.client.read(QBO.Invoice.self, id: $0).syncToken },
                send: { try await self.client.voidInvoice(id: $0, syncToken: $1, requestID: $2).syncToken },
                note: { "voided in QBO (Invoice \($0))" }
            )
        }
    }

    /// QBO refused a create because the DocNumber is taken (6140): the
    /// invoice holding it is ours when it carries the record's marker (an
    /// earlier attempt created it), and is brought up to date; else the
    /// refusal stands.
    func adoptDuplicate(_ plan: InvoicePlan, row: RecordRow, _ error: QBOError) async throws -> PushOutcome {
        guard let found = try await self.findInvoice(plan.body, row: row) else { throw error }
        let current = try await self.bringUpToDate(found, with: plan.body, row: row)
        return self.syncedInvoice(current, plan: plan, note: "found in QBO as Invoice \(found.id ?? "") (it was created before)")
    }

    /// SYNCED, with a TAX_MISMATCH warning when QBO's total (as it computed
    /// it: automated sales tax may ignore the tax sent) differs from the
    /// rental system's.
    func syncedInvoice(_ invoice: QBO.Invoice, plan: InvoicePlan, note: String) -> PushOutcome {
        var outcome = self.synced(invoice.id, invoice.syncToken, note: note)
        guard let total = invoice.totalAmt, total != plan.expectedTotal else { return outcome }
        let tax = invoice.txnTaxDetail?.totalTax ?? 0
        let message = "QuickBooks computed a total of \(total) (tax \(tax)); the rental system's total is \(plan.expectedTotal) (tax \(plan.expectedTax))"
        outcome.warnings = [RecordWarning(kind: .taxMismatch, message: message, fixHint: FixHints.taxMismatch)]
        if case .synced(let id, let token, let voided, let text) = outcome.result {
            outcome.result = .synced(qboID: id, syncToken: token, voided: voided, note: "\(text); tax mismatch: \(message)")
        }
        return outcome
    }

    /// Our invoice in QBO: by DocNumber, else by customer and date, recognised by its marker.
    private func findInvoice(_ body: QBO.Invoice, row: RecordRow) async throws -> QBO.Invoice? {
        var query = QBOQuery<QBO.Invoice>.select()
        if let docNumber = body.docNumber {
            query = query.where("DocNumber", .equals, .string(docNumber))
        } else {
            query = query.where("CustomerRef", .equals, .string(body.customerRef?.value ?? "")).where("TxnDate", .equals, .string(body.txnDate ?? ""))
        }
        return try await self.client.queryAll(query).first { $0.privateNote?.contains(row.key.marker) == true }
    }

    // MARK: Payments

    private func pushPayment(_ plan: PaymentPlan, row: RecordRow) async throws -> PushOutcome {
        switch plan.operation {
        case .void:
            return try await self.void(
                row, find: { try await self.findPayment(customerID: plan.body.customerRef?.value, date: plan.body.txnDate, marker: row.key.marker).map { ($0.id, $0.syncToken) } },
                read: { try await self.client.read(QBO.Payment.self, id: $0).syncToken },
                send: { try await self.client.voidPayment(id: $0, syncToken: $1, requestID: $2).syncToken },
                note: { "voided in QBO (Payment \($0)); its invoices owe again" }
            )
        case .create:
            return try await self.createPayment(plan, row: row)
        case .update:
            return try await self.reapplyPayment(plan, row: row)
        }
    }

    func findPayment(customerID: String?, date: String?, marker: String) async throws -> QBO.Payment? {
        let query = QBOQuery<QBO.Payment>.select()
            .where("CustomerRef", .equals, .string(customerID ?? ""))
            .where("TxnDate", .equals, .string(date ?? ""))
        return try await self.client.queryAll(query).first { $0.privateNote?.contains(marker) == true }
    }

    // MARK: Refunds

    private func pushCreditMemo(_ plan: CreditMemoPlan, row: RecordRow) async throws -> PushOutcome {
        var state = row.state
        var memoID = row.qboID
        var memoToken = row.qboSyncToken
        if memoID.isEmpty {
            var found: QBO.CreditMemo?
            if row.outcomeUnknown {
                let query = QBOQuery<QBO.CreditMemo>.select()
                    .where("CustomerRef", .equals, .string(plan.customerID)).where("TxnDate", .equals, .string(plan.txnDate))
                found = try await self.client.queryAll(query).first { $0.privateNote?.contains(row.key.marker) == true }
            }
            let memo: QBO.CreditMemo
            if let found {
                memo = found
            } else {
                memo = try await self.client.create(plan.body, requestID: try Self.requestID(row, "c"))
            }
            memoID = memo.id ?? ""
            memoToken = memo.syncToken ?? ""
        }
        var note = "created in QBO as CreditMemo \(memoID)"
        if !state.applicationDone {
            do {
                note = try await self.applyCredit(plan, memoID: memoID, row: row, state: &state)
            } catch let error as QBOError {
                // Keep the credit memo's id: the retry applies it, never re-creates it.
                throw PushFailure(outcome: PushOutcome(result: .failed(error), state: state, qboID: memoID, syncToken: memoToken))
            }
        }
        return PushOutcome(result: .synced(qboID: memoID, syncToken: memoToken, voided: false, note: note), state: state)
    }

    /// Applies the credit memo to the refunded invoice with a zero-amount
    /// Payment linking both, as QBO requires.
    private func applyCredit(_ plan: CreditMemoPlan, memoID: String, row: RecordRow, state: inout RecordState) async throws -> String {
        let marker = "\(row.key.marker) apply"
        if row.outcomeUnknown, state.applicationPaymentID.isEmpty,
           let found = try await self.findPayment(customerID: plan.customerID, date: plan.txnDate, marker: marker) {
            state.applicationPaymentID = found.id ?? ""
            state.applicationDone = true
            return "created in QBO as CreditMemo \(memoID), applied to Invoice \(plan.invoiceID)"
        }
        let invoice = try await self.client.read(QBO.Invoice.self, id: plan.invoiceID)
        let balance = invoice.balance ?? 0
        guard balance > 0 else {
            state.applicationDone = true
            return "created in QBO as CreditMemo \(memoID); left as customer credit because Invoice \(plan.invoiceID) has no balance"
        }
        let applied = min(balance, plan.amount)
        var payment = QBO.Payment()
        payment.customerRef = QBO.Ref(value: plan.customerID)
        payment.totalAmt = 0
        payment.txnDate = plan.txnDate
        payment.privateNote = marker
        payment.line = [
            QBO.Payment.Line(amount: applied, linkedTxn: [QBO.LinkedTxn(txnId: plan.invoiceID, txnType: "Invoice")]),
            QBO.Payment.Line(amount: applied, linkedTxn: [QBO.LinkedTxn(txnId: memoID, txnType: "CreditMemo")]),
        ]
        let created = try await self.client.create(payment, requestID: try Self.requestID(row, "a"))
        state.applicationPaymentID = created.id ?? ""
        state.applicationDone = true
        return "created in QBO as CreditMemo \(memoID), \(applied) applied to Invoice \(plan.invoiceID)"
    }

    private func pushRefundReceipt(_ plan: RefundReceiptPlan, row: RecordRow) async throws -> PushOutcome {
        if row.outcomeUnknown {
            let query = QBOQuery<QBO.RefundReceipt>.select()
                .where("CustomerRef", .equals, .string(plan.body.customerRef?.value ?? "")).where("TxnDate", .equals, .string(plan.body.txnDate ?? ""))
            if let found = try await self.client.queryAll(query).first(where: { $0.privateNote?.contains(row.key.marker) == true }) {
                return self.synced(found.id, found.syncToken, note: "found in QBO as RefundReceipt \(found.id ?? "") after an unknown outcome; not created twice")
            }
        }
        let created = try await self.client.create(plan.body, requestID: try Self.requestID(row, "c"))
        return self.synced(created.id, created.syncToken, note: "created in QBO as RefundReceipt \(created.id ?? "")")
    }

    // MARK: Shared

    private func verify(_ entity: String, id: String, row: RecordRow) async throws -> PushOutcome {
        if row.voidedInQBO, ["Bill", "PurchaseOrder", "Purchase"].contains(entity) {
            return PushOutcome(result: .synced(qboID: id, syncToken: "", voided: true, note: "deleted in QBO as asked (\(entity) \(id))"))
        }
        let token: String?
        switch entity {
        case "Customer": token = try await self.client.read(QBO.Customer.self, id: id).syncToken
        case "Vendor": token = try await self.client.read(QBO.Vendor.self, id: id).syncToken
        case "Bill": token = try await self.client.read(QBO.Bill.self, id: id).syncToken
        case "BillPayment": token = try await self.client.read(QBO.BillPayment.self, id: id).syncToken
        case "PurchaseOrder": token = try await self.client.read(QBO.PurchaseOrder.self, id: id).syncToken
        case "Purchase": token = try await self.client.read(QBO.Purchase.self, id: id).syncToken
        case "Invoice": token = try await self.client.read(QBO.Invoice.self, id: id).syncToken
        case "Payment": token = try await self.client.read(QBO.Payment.self, id: id).syncToken
        case "CreditMemo": token = try await self.client.read(QBO.CreditMemo.self, id: id).syncToken
        default: token = try await self.client.read(QBO.RefundReceipt.self, id: id).syncToken
        }
        let changed = token != row.qboSyncToken && !row.qboSyncToken.isEmpty
        let note = changed ? "still in QBO as \(entity) \(id), changed there (SyncToken \(row.qboSyncToken) -> \(token ?? ""))" : "still in QBO as \(entity) \(id), unchanged"
        return PushOutcome(result: .synced(qboID: id, syncToken: token ?? "", voided: row.voidedInQBO, note: note))
    }

    func synced(_ id: String?, _ token: String?, note: String) -> PushOutcome {
        PushOutcome(result: .synced(qboID: id ?? "", syncToken: token ?? "", voided: false, note: note))
    }

    /// A document found in QBO after an unknown outcome holds the content of
    /// the attempt whose answer was lost, which may be older than what is
    /// pushed now (the rental system changed it meanwhile): it is brought up
    /// to date with a sparse update, so QBO ends with the content recorded as synced.
    func bringUpToDate<Entity: QBOEntity>(_ found: Entity, with body: Entity, row: RecordRow) async throws -> Entity {
        guard let id = found.id else { return found }
        var known = row
        known.qboID = id
        known.qboSyncToken = found.syncToken ?? ""
        return try await self.withFreshToken(known, read: { try await self.client.read(Entity.self, id: id).syncToken }) { token, step in
            var update = body
            update.id = id
            update.syncToken = token
            update.sparse = true
            return try await self.client.sparseUpdate(update, requestID: try Self.requestID(row, "f\(step)"))
        }
    }

    /// Runs a write with the record's SyncToken; on 5010 (stale) re-reads the
    /// current token and tries again, at most three times, each with its own
    /// requestid (a replayed id would only replay the stale answer).
    /// Voids a document. When its QBO id is not known (the void came while its
    /// creation's outcome was unknown), finds it first, and skips when QBO has none.
    func void(
        _ row: RecordRow,
        find: () async throws -> (id: String?, syncToken: String?)?,
        read: (String) async throws -> String?,
        send: (_ id: String, _ syncToken: String, _ requestID: RequestID) async throws -> String?,
        note: (String) -> String
    ) async throws -> PushOutcome {
        var id = row.qboID
        var known = row
        if id.isEmpty {
            guard let found = try await find(), let foundID = found.id else {
                return PushOutcome(result: .skipped(
                    reason: SkipReason.voidedBeforeSync,
                    note: "voided before it reached QuickBooks (not found there after an unknown outcome); nothing pushed"
                ))
            }
            id = foundID
            known.qboSyncToken = found.syncToken ?? ""
        }
        let token = try await self.withFreshToken(known, read: { try await read(id) }) { token, step in
            try await send(id, token, try Self.requestID(row, "v\(step)"))
        }
        return PushOutcome(result: .synced(qboID: id, syncToken: token ?? "", voided: true, note: note(id)))
    }

    func withFreshToken<Result>(
        _ row: RecordRow,
        read: () async throws -> String?,
        _ write: (_ token: String, _ step: Int) async throws -> Result
    ) async throws -> Result {
        var token = row.qboSyncToken
        var step = 0
        while true {
            do {
                return try await write(token, step)
            } catch let error as QBOError where error.kind == .staleObject && step < 3 {
                step += 1
                token = try await read() ?? token
            }
        }
    }
}

/// A push failure that carries progress to keep.
struct PushFailure: Error {
    var outcome: PushOutcome
}
