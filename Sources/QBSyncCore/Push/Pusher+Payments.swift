import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

extension Pusher {
    /// Creates a payment, applying to each invoice what its open balance in
    /// QBO still allows. An invoice QBO already shows paid (the money was
    /// recorded there, by hand or by another system) gets nothing, so nothing
    /// is pushed twice; the rest is applied, and the record is SYNCED with a
    /// PAYMENT_PARTLY_APPLIED warning naming each invoice and amount left out.
    /// Nothing left to push at all: SKIPPED, already paid.
    func createPayment(_ plan: PaymentPlan, row: RecordRow) async throws -> PushOutcome {
        if row.outcomeUnknown, let found = try await self.findPayment(customerID: plan.body.customerRef?.value, date: plan.body.txnDate, marker: row.key.marker) {
            let applied = Self.appliedByInvoice(found)
            return self.syncedPayment(found, plan: plan, applied: applied, row: row,
                                      note: "found in QBO as Payment \(found.id ?? "") after an unknown outcome; not created twice")
        }
        let allocation = try await self.allocate(plan, alreadyApplied: [:])
        if let skipped = Self.alreadyPaid(plan, allocation) { return skipped }
        let created = try await self.client.create(Self.paymentBody(plan, allocation), requestID: try Self.requestID(row, "c"))
        return self.syncedPayment(created, plan: plan, applied: allocation.applied, row: row, note: "created in QBO as Payment \(created.id ?? "")")
    }

    /// SKIPPED when QBO shows every invoice the payment names paid and none of it is meant as credit.
    static func alreadyPaid(_ plan: PaymentPlan, _ allocation: Allocation) -> PushOutcome? {
        guard allocation.lines.isEmpty && plan.unappliedRemainder <= 0 && !plan.applications.isEmpty else { return nil }
        let names = plan.applications.map { "invoice \($0.invoiceExternalID) (QBO \($0.qboInvoiceID))" }.joined(separator: ", ")
        return PushOutcome(result: .skipped(
            reason: "\(SkipReason.alreadyPaid): \(names); a duplicate payment was not pushed",
            note: "\(names) already paid in QuickBooks; payment not pushed"
        ))
    }

    /// The payment as created: the allocated lines, and the total they make with the credit meant to stay.
    static func paymentBody(_ plan: PaymentPlan, _ allocation: Allocation) -> QBO.Payment {
        var body = plan.body
        body.line = allocation.lines
        body.totalAmt = allocation.total + plan.unappliedRemainder
        return body
    }

    /// Applies a payment already in QBO to the invoices the rental system now
    /// names (a deposit synced before its invoice existed): its lines are
    /// replaced by a sparse update with the current SyncToken; its amount
    /// stays, and what is not applied remains customer credit.
    func reapplyPayment(_ plan: PaymentPlan, row: RecordRow) async throws -> PushOutcome {
        var current = try await self.client.read(QBO.Payment.self, id: row.qboID)
        // What this payment itself applies counts as open for it.
        let allocation = try await self.allocate(plan, alreadyApplied: Self.appliedByInvoice(current))
        var known = row
        known.qboSyncToken = current.syncToken ?? row.qboSyncToken
        current = try await self.withFreshToken(known, read: { try await self.client.read(QBO.Payment.self, id: row.qboID).syncToken }) { token, step in
            var body = QBO.Payment()
            body.id = row.qboID
            body.syncToken = token
            body.sparse = true
            body.line = allocation.lines
            body.privateNote = plan.body.privateNote
            return try await self.client.sparseUpdate(body, requestID: try Self.requestID(row, "u\(step)"))
        }
        let applied = allocation.applied.map { "\($0.value) to invoice \($0.key)" }.sorted().joined(separator: ", ")
        return self.syncedPayment(current, plan: plan, applied: allocation.applied, row: row,
                                  note: "applied again in QBO (Payment \(row.qboID): \(applied.isEmpty ? "no invoice" : applied))")
    }

    /// What a payment's lines apply per QBO invoice id.
    static func appliedByInvoice(_ payment: QBO.Payment) -> [String: Decimal] {
        var applied: [String: Decimal] = [:]
        for line in payment.line ?? [] {
            for linked in line.linkedTxn ?? [] where linked.txnType == "Invoice" {
                applied[linked.txnId ?? "", default: 0] += line.amount ?? 0
            }
        }
        return applied
    }

    struct Allocation {
        var lines: [QBO.Payment.Line]
        /// QBO invoice id -> amount applied.
        var applied: [String: Decimal]
        var total: Decimal
    }

    /// Each application gets at most what its invoice still owes in QBO
    /// (plus what this payment already applies to it, for a re-application).
    func allocate(_ plan: PaymentPlan, alreadyApplied: [String: Decimal]) async throws -> Allocation {
        guard !plan.applications.isEmpty else { return Allocation(lines: [], applied: [:], total: 0) }
        let quoted = Array(Set(plan.applications.map(\.qboInvoiceID))).sorted().map { QBOQuery<QBO.Invoice>.Value.string($0) }
        let invoices = try await self.client.queryAll(QBOQuery<QBO.Invoice>.select().where("Id", in: quoted))
        var open: [String: Decimal] = [:]
        for invoice in invoices {
            open[invoice.id ?? ""] = (invoice.balance ?? 0) + (alreadyApplied[invoice.id ?? ""] ?? 0)
        }
        return Self.allocate(plan, open: &open)
    }

    /// Allocates against `open` (QBO invoice id -> still owed), taking what it applies off.
    static func allocate(_ plan: PaymentPlan, open: inout [String: Decimal]) -> Allocation {
        var allocation = Allocation(lines: [], applied: [:], total: 0)
        for application in plan.applications {
            let available = max(0, open[application.qboInvoiceID] ?? 0)
            let amount = min(application.amount, available)
            open[application.qboInvoiceID] = available - amount
            guard amount > 0 else { continue }
            allocation.lines.append(QBO.Payment.Line(amount: amount, linkedTxn: [QBO.LinkedTxn(txnId: application.qboInvoiceID, txnType: "Invoice")]))
            allocation.applied[application.qboInvoiceID, default: 0] += amount
            allocation.total += amount
        }
        return allocation
    }

    /// SYNCED, with a warning for each invoice that got less than asked.
    func syncedPayment(_ payment: QBO.Payment, plan: PaymentPlan, applied: [String: Decimal], row: RecordRow, note: String) -> PushOutcome {
        var left = applied
        var shortfalls: [String] = []
        for application in plan.applications {
            let got = min(application.amount, left[application.qboInvoiceID] ?? 0)
            left[application.qboInvoiceID] = (left[application.qboInvoiceID] ?? 0) - got
            if got < application.amount {
                shortfalls.append("invoice \(application.invoiceExternalID) (QBO Invoice \(application.qboInvoiceID)): \(got) of \(application.amount) applied, \(application.amount - got) not, as QuickBooks shows it already paid")
            }
        }
        var warnings: [RecordWarning] = []
        var fullNote = note
        if !shortfalls.isEmpty {
            var message = shortfalls.joined(separator: "; ")
            if plan.unappliedRemainder > 0 { message += "; \(plan.unappliedRemainder) left unapplied as customer credit, as sent" }
            warnings.append(RecordWarning(
                kind: .paymentPartlyApplied,
                message: message,
                fixHint: "QuickBooks already records payments on these invoices (entered there by hand, or by another system). If that money is this payment, nothing more is needed; if not, remove the payment recorded in QuickBooks and send this payment again under a new external id for the rest."
            ))
            fullNote += "; partly applied: \(message)"
        }
        return PushOutcome(
            result: .synced(qboID: payment.id ?? row.qboID, syncToken: payment.syncToken ?? "", voided: false, note: fullNote),
            warnings: warnings
        )
    }
}
