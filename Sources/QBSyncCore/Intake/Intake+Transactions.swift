import QBSyncStore
import QBSyncWire

extension Intake {
    /// Accepts an invoice: new, changed (pushed as an update), voided, or excluded.
    ///
    /// - Throws: ``RPCError`` NOT_FOUND (unknown company), INVALID_ARGUMENT
    ///   (currency), FAILED_PRECONDITION (the total's sign flipped after sync).
    public func acceptInvoice(companyID: String, _ invoice: Invoice, lane: QueueLane = .interactive) async throws -> Accepted {
        let payload = invoice.packed()
        let hash = ContentHash.of(payload)
        let key = RecordKey(companyID: companyID, entity: .invoice, externalID: invoice.externalID)
        let trace = RecordTrace.current()
        let reads = [key, RecordKey(companyID: companyID, entity: .customer, externalID: invoice.customerExternalID)]
        return self.view(try await self.store.write(reading: reads) { transaction in
            let company = try Self.company(companyID, in: transaction)
            let existing = try transaction.record(key)
            if let existing, existing.contentHash == hash {
                return try self.accepted(existing, changed: false, in: transaction)
            }
            try Self.requireHomeCurrency(invoice.currency, field: "invoice.currency", company: company)
            var (row, isNew) = Self.prepare(key, existing: existing, payload: payload, hash: hash, trace: trace, in: transaction)
            if row.syncedSign != 0, invoice.sign != 0, invoice.sign != row.syncedSign, !invoice.voided {
                let was = row.syncedSign > 0 ? "positive" : "negative"
                throw RPCError(
                    code: .failedPrecondition,
                    message: "invoice \(invoice.externalID) is in QuickBooks with a \(was) total; its sign cannot change. Void it and send a new invoice (a new external id) for the new amount"
                )
            }
            row.txnDate = invoice.txnDate
            row.docNumber = invoice.docNumber
            row.state.voidRequested = invoice.voided
            let decision: Decision
            if row.status == .syncing {
                decision = Decision(status: .syncing, note: "content changed during a push; it is pushed again after this one")
            } else if invoice.excludeFromSync {
                decision = Decision(status: .skipped, note: "excluded", skipReason: SkipReason.excluded)
            } else if invoice.voided && row.qboID.isEmpty && !row.outcomeUnknown {
                decision = Decision(status: .skipped, note: "voided before sync", skipReason: SkipReason.voidedBeforeSync)
            } else if invoice.voided && row.voidedInQBO {
                decision = Decision(status: .synced, note: "already void in QuickBooks")
            } else if row.qboID.isEmpty, company.invoicePolicy == .onlyWithPayment, try !Self.hasPayment(key, in: transaction) {
                decision = Decision(status: .skipped, note: "out of policy", skipReason: SkipReason.awaitingPayment)
            } else {
                let note = invoice.voided ? "void accepted" : (isNew ? "accepted" : "content changed")
                decision = try Self.pushable(row, payload: .invoice(invoice), company: company, note: note, in: transaction)
            }
            try Self.commit(&row, isNew: isNew, decision, lane: lane, in: transaction)
            if isNew { try Dependencies.arrived(key, in: transaction) }
            try Self.invoiceExclusionChanged(invoice, was: existing, company: company, in: transaction)
            return self.accepted(row, decision)
        })
    }

    /// Accepts a payment applied to invoices. A payment in QBO cannot be
    /// edited through qbsync (void it and send a new one), except for which
    /// invoices it pays: a deposit synced before its invoice existed is
    /// applied to it when the rental system sends it again with the application.
    public func acceptPayment(companyID: String, _ payment: Payment, lane: QueueLane = .interactive) async throws -> Accepted {
        let payload = payment.packed()
        let hash = ContentHash.of(payload)
        let key = RecordKey(companyID: companyID, entity: .payment, externalID: payment.externalID)
        let trace = RecordTrace.current()
        let reads = [key, RecordKey(companyID: companyID, entity: .customer, externalID: payment.customerExternalID)]
            + payment.applications.map { RecordKey(companyID: companyID, entity: .invoice, externalID: $0.invoiceExternalID) }
        return self.view(try await self.store.write(reading: reads) { transaction in
            let company = try Self.company(companyID, in: transaction)
            let existing = try transaction.record(key)
            if let existing, existing.contentHash == hash {
                return try self.accepted(existing, changed: false, in: transaction)
            }
            try Self.requireHomeCurrency(payment.currency, field: "payment.currency", company: company)
            if let existing {
                try Self.requireChangeable(existing, into: payment)
            }
            var (row, isNew) = Self.prepare(key, existing: existing, payload: payload, hash: hash, trace: trace, in: transaction)
            row.txnDate = payment.txnDate
            var decision = try Self.paymentDecision(row, payment, company: company, note: isNew ? "accepted" : "content changed", in: transaction)
            if case .mixed(let excluded, let included) = decision.exclusion {
                throw RPCError(code: .failedPrecondition, message: Self.mixedExclusionMessage(payment.externalID, excluded: excluded, included: included))
            }
            if !row.qboID.isEmpty, decision.status == .pending || decision.status == .blocked {
                decision.note = "applications changed; the payment in QuickBooks (Payment \(row.qboID)) is applied again"
                    + (decision.status == .blocked ? "; blocked: \(Dependencies.summary(decision.blockers))" : "")
            }
            try Self.commit(&row, isNew: isNew, decision, lane: lane, in: transaction)
            if isNew { try Dependencies.arrived(key, in: transaction) }
            // Rewrite which invoices this payment pays, and wake invoices held for lack of one.
            try transaction.replaceApplications(of: row.id, with: payment.applications.map(\.invoiceExternalID), companyID: companyID)
            for application in payment.applications {
                try Self.wakeInvoiceAwaitingPayment(application.invoiceExternalID, company: company, in: transaction)
            }
            return try self.accepted(row, changed: true, in: transaction)
        })
    }

    /// A payment already pushed (or being pushed) may change only which
    /// invoices it pays; a voided one not at all.
    private static func requireChangeable(_ existing: RecordRow, into payment: Payment) throws {
        if existing.state.voidRequested {
            throw RPCError(code: .failedPrecondition, message: "payment \(payment.externalID) is voided; send the new payment under a new external id")
        }
        if existing.status == .syncing {
            throw RPCError(code: .aborted, message: "payment \(payment.externalID) is being pushed to QuickBooks right now; send it again in a moment")
        }
        if existing.qboID.isEmpty, existing.outcomeUnknown {
            throw RPCError(code: .aborted, message: "payment \(payment.externalID) may already be in QuickBooks (its last push's answer was lost); qbsync is checking. Send the change again once it has settled")
        }
        guard !existing.qboID.isEmpty, case .payment(let before) = try RecordPayload(row: existing) else { return }
        var same = payment
        same.applications = before.applications
        same.memo = before.memo
        guard same == before else {
            throw RPCError(
                code: .failedPrecondition,
                message: "payment \(payment.externalID) is already in QuickBooks (Payment \(existing.qboID)); only the invoices it is applied to can change. Void it (VoidPayment) and send a new payment for other amounts, dates, customers or methods"
            )
        }
    }

    static func mixedExclusionMessage(_ paymentID: String, excluded: [String], included: [String]) -> String {
        "payment \(paymentID) applies to invoices marked No QuickBooks (\(excluded.joined(separator: ", "))) and to invoices that sync (\(included.joined(separator: ", "))); payments of a No QuickBooks order are not synced. Send the payment as two payments, one per kind of invoice"
    }

    /// Accepts a refund of an invoice (credit memo) or of a payment (refund receipt).
    /// A refund in QBO cannot change: send a new refund for more.
    public func acceptRefund(companyID: String, _ refund: Refund, lane: QueueLane = .interactive) async throws -> Accepted {
        let payload = refund.packed()
        let hash = ContentHash.of(payload)
        let key = RecordKey(companyID: companyID, entity: .refund, externalID: refund.externalID)
        let trace = RecordTrace.current()
        return self.view(try await self.store.write(reading: [key]) { transaction in
            let company = try Self.company(companyID, in: transaction)
            let existing = try transaction.record(key)
            if let existing, existing.contentHash == hash {
                return try self.accepted(existing, changed: false, in: transaction)
            }
            try Self.requireHomeCurrency(refund.currency, field: "refund.currency", company: company)
            var (row, isNew) = Self.prepare(key, existing: existing, payload: payload, hash: hash, trace: trace, in: transaction)
            if !row.qboID.isEmpty || row.status == .syncing || row.outcomeUnknown {
                throw RPCError(code: .failedPrecondition, message: "refund \(refund.externalID) is already in QuickBooks and cannot change; send another refund for a further amount")
            }
            row.txnDate = refund.txnDate
            if case .paymentExternalID? = refund.target { row.state.qboEntity = "RefundReceipt" } else { row.state.qboEntity = "CreditMemo" }
            let decision = try Self.pushable(row, payload: .refund(refund), company: company, note: isNew ? "accepted" : "content changed", in: transaction)
            try Self.commit(&row, isNew: isNew, decision, lane: lane, in: transaction)
            return try self.accepted(row, changed: true, in: transaction)
        })
    }

    /// Records a payment's void. One never synced is voided here and nothing
    /// is pushed; a synced one is voided in QBO by the engine.
    ///
    /// - Returns: The record and whether it was already void.
    public func voidPayment(companyID: String, paymentExternalID: String, reason: String) async throws -> (record: RecordRow, alreadyVoided: Bool) {
        let key = RecordKey(companyID: companyID, entity: .payment, externalID: paymentExternalID)
        return try await self.store.write { transaction in
            _ = try Self.company(companyID, in: transaction)
            guard var row = try transaction.record(key) else {
                throw RPCError(code: .notFound, message: "payment \(paymentExternalID) is not known to qbsync")
            }
            if row.state.voidRequested { return (row, true) }
            row.state.voidRequested = true
            row.state.voidReason = reason
            row.lane = .interactive  // someone is waiting for this void
            transaction.beginNewPush(&row)
            let note = reason.isEmpty ? "void requested" : "void requested: \(reason)"
            if row.status == .syncing {
                try transaction.changedWhileSyncing(&row, note: "\(note); it is voided in QuickBooks after the push in flight")
            } else if row.qboID.isEmpty && !row.outcomeUnknown {
                try transaction.skip(&row, reason: SkipReason.voidedBeforeSync, note: "\(note) before it reached QuickBooks; nothing pushed")
            } else if row.qboID.isEmpty {
                // A create whose outcome is unknown may have reached QBO: the
                // push looks for it first and voids it only if it is there.
                try transaction.queue(&row, note: "\(note); its creation's outcome is unknown, so QuickBooks is checked first")
            } else {
                try transaction.queue(&row, note: note)
            }
            return (row, false)
        }
    }

    static func hasPayment(_ invoice: RecordKey, in transaction: WriteTransaction) throws -> Bool {
        try transaction.hasPayment(invoice)
    }

    /// An invoice held by the "only with a payment" policy is queued once a payment names it.
    static func wakeInvoiceAwaitingPayment(_ externalID: String, company: CompanyRow, in transaction: WriteTransaction) throws {
        guard var invoice = try transaction.record(RecordKey(companyID: company.companyID, entity: .invoice, externalID: externalID)),
              invoice.status == .skipped, invoice.skipReason == SkipReason.awaitingPayment
        else { return }
        let decision = try Self.pushable(invoice, company: company, note: "a payment arrived", in: transaction)
        try Self.commit(&invoice, isNew: false, decision, lane: invoice.lane, in: transaction)
    }
}
