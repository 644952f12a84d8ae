import QBSyncStore
import QBSyncWire

extension Intake {
    /// The status a payment gets now: SKIPPED when every invoice it pays is
    /// marked "No QuickBooks" (payments of such an order are not synced, as
    /// in the rental products), else PENDING or BLOCKED on its dependencies.
    /// A payment over excluded and synced invoices at once is reported as
    /// `.mixed` for the caller to refuse (at intake) or mark ERRORED (later).
    static func paymentDecision(_ row: RecordRow, _ payment: Payment, company: CompanyRow, note: String, in transaction: WriteTransaction) throws -> Decision {
        let exclusion = try self.exclusion(of: payment, companyID: company.companyID, in: transaction)
        switch exclusion {
        case .all(let excluded):
            return Decision(
                status: .skipped,
                note: "\(note); not synced: it pays only invoices marked No QuickBooks",
                skipReason: "\(SkipReason.invoiceExcluded): \(excluded.joined(separator: ", "))",
                exclusion: exclusion
            )
        case .mixed(let excluded, let included):
            let message = self.mixedExclusionMessage(payment.externalID, excluded: excluded, included: included)
            let error = ErrorDetail(errorClass: .validation, message: message,
                                    fixHint: "Send the payment again without the No QuickBooks invoices (or as two payments), or clear No QuickBooks on them.",
                                    retryable: false)
            return Decision(status: .errored, note: "not synced: \(message)", error: error, exclusion: exclusion)
        case .none:
            var decision = try self.pushable(row, payload: .payment(payment), company: company, note: note, in: transaction)
            decision.exclusion = .none
            return decision
        }
    }

    static func exclusion(of payment: Payment, companyID: String, in transaction: WriteTransaction) throws -> PaymentExclusion {
        var excluded: [String] = []
        var included: [String] = []
        for application in payment.applications {
            let key = RecordKey(companyID: companyID, entity: .invoice, externalID: application.invoiceExternalID)
            if let invoice = try transaction.record(key), invoice.status == .skipped, invoice.skipReason == SkipReason.excluded {
                excluded.append(application.invoiceExternalID)
            } else {
                included.append(application.invoiceExternalID)
            }
        }
        if excluded.isEmpty { return .none }
        return included.isEmpty ? .all(excluded) : .mixed(excluded: excluded, included: included)
    }

    /// An invoice was marked "No QuickBooks", or no longer is: the payments
    /// not yet in QuickBooks that pay it are decided again (SKIPPED, or
    /// PENDING/BLOCKED), so none waits for an invoice that will never sync.
    static func invoiceExclusionChanged(_ invoice: Invoice, was existing: RecordRow?, company: CompanyRow, in transaction: WriteTransaction) throws {
        let wasExcluded = existing.map { $0.status == .skipped && $0.skipReason == SkipReason.excluded } ?? false
        guard wasExcluded != invoice.excludeFromSync else { return }
        for id in try transaction.paymentsApplying(to: invoice.externalID, companyID: company.companyID) {
            guard var row = try transaction.record(id: id), row.qboID.isEmpty, !row.outcomeUnknown, row.status != .syncing,
                  !row.state.voidRequested, case .payment(let payment) = try RecordPayload(row: row)
            else { continue }
            let change = invoice.excludeFromSync ? "marked No QuickBooks" : "no longer marked No QuickBooks"
            let decision = try self.paymentDecision(row, payment, company: company, note: "invoice \(invoice.externalID) \(change)", in: transaction)
            try self.commit(&row, isNew: false, decision, lane: row.lane, in: transaction)
        }
    }
}
