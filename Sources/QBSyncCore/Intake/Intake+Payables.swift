import QBSyncStore
import QBSyncWire

extension Intake {
    /// Accepts a vendor bill: new, changed (pushed as an update) or cancelled
    /// (deleted in QBO, which has no void for bills).
    public func acceptBill(companyID: String, _ bill: Bill, lane: QueueLane = .interactive) async throws -> Accepted {
        try await self.acceptDocument(
            RecordKey(companyID: companyID, entity: .bill, externalID: bill.externalID), payload: .bill(bill), packed: bill.packed(),
            DocumentFacts(field: "bill", currency: bill.currency, txnDate: bill.txnDate, docNumber: bill.docNumber, withdrawn: bill.cancelled, withdrawal: "cancelled"),
            lane: lane
        )
    }

    /// Accepts a purchase order: open, received (closed in QBO) or cancelled (deleted in QBO).
    public func acceptPurchaseOrder(companyID: String, _ order: PurchaseOrder, lane: QueueLane = .interactive) async throws -> Accepted {
        try await self.acceptDocument(
            RecordKey(companyID: companyID, entity: .purchaseOrder, externalID: order.externalID), payload: .purchaseOrder(order), packed: order.packed(),
            DocumentFacts(field: "purchase_order", currency: order.currency, txnDate: order.txnDate, docNumber: order.docNumber, withdrawn: order.status == .cancelled, withdrawal: "cancelled"),
            lane: lane
        )
    }

    /// Accepts an expense paid at once (a QBO Purchase); voided ones are deleted in QBO.
    public func acceptExpense(companyID: String, _ expense: Expense, lane: QueueLane = .interactive) async throws -> Accepted {
        try await self.acceptDocument(
            RecordKey(companyID: companyID, entity: .expense, externalID: expense.externalID), payload: .expense(expense), packed: expense.packed(),
            DocumentFacts(field: "expense", currency: expense.currency, txnDate: expense.txnDate, docNumber: expense.docNumber, withdrawn: expense.voided, withdrawal: "voided"),
            lane: lane
        )
    }

    /// What the intake reads off a bill, purchase order or expense.
    struct DocumentFacts {
        /// The request's field holding the document, for messages.
        var field: String
        var currency: String
        var txnDate: String
        var docNumber: String
        /// Cancelled or voided in the rental system: deleted in QBO.
        var withdrawn: Bool
        /// How the rental system calls that: "cancelled", "voided".
        var withdrawal: String
    }

    /// The intake shared by documents that QBO edits in place and deletes
    /// when they are withdrawn.
    private func acceptDocument(_ key: RecordKey, payload: RecordPayload, packed: [UInt8], _ facts: DocumentFacts, lane: QueueLane) async throws -> Accepted {
        let hash = ContentHash.of(packed)
        let noun = key.entity.label
        let trace = RecordTrace.current()
        return self.view(try await self.store.write(reading: [key]) { transaction in
            let company = try Self.company(key.companyID, in: transaction)
            let existing = try transaction.record(key)
            if let existing, existing.contentHash == hash {
                return try self.accepted(existing, changed: false, in: transaction)
            }
            try Self.requireHomeCurrency(facts.currency, field: "\(facts.field).currency", company: company)
            if let existing, existing.voidedInQBO, !facts.withdrawn {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "\(noun) \(key.externalID) was deleted in QuickBooks when it was \(facts.withdrawal); send it again under a new external id"
                )
            }
            var (row, isNew) = Self.prepare(key, existing: existing, payload: packed, hash: hash, trace: trace, in: transaction)
            row.txnDate = facts.txnDate
            row.docNumber = facts.docNumber
            row.state.voidRequested = facts.withdrawn
            let decision: Decision
            if row.status == .syncing {
                decision = Decision(status: .syncing, note: "content changed during a push; it is pushed again after this one")
            } else if facts.withdrawn && row.qboID.isEmpty && !row.outcomeUnknown {
                decision = Decision(status: .skipped, note: "\(facts.withdrawal) before sync", skipReason: SkipReason.cancelledBeforeSync)
            } else if facts.withdrawn && row.voidedInQBO {
                decision = Decision(status: .synced, note: "already deleted in QuickBooks")
            } else if facts.withdrawn {
                // Deleting needs nothing but the QBO id: no dependency can block it.
                decision = Decision(status: .pending, note: "\(facts.withdrawal); it is deleted in QuickBooks")
            } else {
                decision = try Self.pushable(row, payload: payload, company: company, note: isNew ? "accepted" : "content changed", in: transaction)
            }
            try Self.commit(&row, isNew: isNew, decision, lane: lane, in: transaction)
            if isNew { try Dependencies.arrived(key, in: transaction) }
            return self.accepted(row, decision)
        })
    }

    /// Accepts a bill payment. Like a customer payment, one in QBO cannot be
    /// edited through qbsync: it can be voided (its bills owe again) and a
    /// new one sent.
    public func acceptBillPayment(companyID: String, _ payment: BillPayment, lane: QueueLane = .interactive) async throws -> Accepted {
        let payload = payment.packed()
        let hash = ContentHash.of(payload)
        let key = RecordKey(companyID: companyID, entity: .billPayment, externalID: payment.externalID)
        let trace = RecordTrace.current()
        return self.view(try await self.store.write(reading: [key]) { transaction in
            let company = try Self.company(companyID, in: transaction)
            let existing = try transaction.record(key)
            if let existing, existing.contentHash == hash {
                return try self.accepted(existing, changed: false, in: transaction)
            }
            try Self.requireHomeCurrency(payment.currency, field: "bill_payment.currency", company: company)
            if let existing {
                try Self.requireChangeable(existing, into: payment)
            }
            var (row, isNew) = Self.prepare(key, existing: existing, payload: payload, hash: hash, trace: trace, in: transaction)
            row.txnDate = payment.txnDate
            row.docNumber = payment.docNumber
            row.state.voidRequested = payment.voided
            let decision: Decision
            if row.status == .syncing {
                decision = Decision(status: .syncing, note: "void accepted during a push; it is voided in QuickBooks after it")
            } else if payment.voided && row.qboID.isEmpty && !row.outcomeUnknown {
                decision = Decision(status: .skipped, note: "voided before sync", skipReason: SkipReason.voidedBeforeSync)
            } else if payment.voided {
                decision = Decision(status: .pending, note: "void accepted; it is voided in QuickBooks")
            } else {
                decision = try Self.pushable(row, payload: .billPayment(payment), company: company, note: isNew ? "accepted" : "content changed", in: transaction)
            }
            try Self.commit(&row, isNew: isNew, decision, lane: lane, in: transaction)
            return self.accepted(row, decision)
        })
    }

    /// A bill payment already pushed (or being pushed) may only be voided; a
    /// void may arrive at any time (during a push it is carried out after it).
    private static func requireChangeable(_ existing: RecordRow, into payment: BillPayment) throws {
        if existing.state.voidRequested {
            throw RPCError(code: .failedPrecondition, message: "bill payment \(payment.externalID) is voided; send the new payment under a new external id")
        }
        guard case .billPayment(var before) = try RecordPayload(row: existing) else { return }
        before.voided = payment.voided
        if before == payment { return }  // only the void changed
        if existing.status == .syncing {
            throw RPCError(code: .aborted, message: "bill payment \(payment.externalID) is being pushed to QuickBooks right now; send it again in a moment")
        }
        if existing.qboID.isEmpty, existing.outcomeUnknown {
            throw RPCError(code: .aborted, message: "bill payment \(payment.externalID) may already be in QuickBooks (its last push's answer was lost); qbsync is checking. Send the change again once it has settled")
        }
        guard !existing.qboID.isEmpty else { return }
        let where_ = "is already in QuickBooks (BillPayment \(existing.qboID))"
        throw RPCError(
            code: .failedPrecondition,
            message: "bill payment \(payment.externalID) \(where_); it can only be voided (voided = true). Void it and send a new bill payment for other amounts, dates, bills or accounts"
        )
    }
}
