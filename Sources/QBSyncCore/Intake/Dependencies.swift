import QBSyncStore
import QBSyncWire

/// What a record needs before it can be pushed, and unblocking when it arrives.
///
/// Blockers are computed when a record is accepted, again right before each
/// push (a mapping may have been deleted since), and for every record
/// waiting on a dependency the moment that dependency is met — all inside
/// the write transaction of the change, so status and cause never disagree.
public enum Dependencies {
    /// The blockers of `row` given what the store holds now.
    ///
    /// - Parameter payload: The row's content when the caller has it decoded already.
    public static func blockers(of row: RecordRow, payload: RecordPayload? = nil, company: CompanyRow, in transaction: WriteTransaction) throws -> [Blocker] {
        var found: [Blocker] = []
        let companyID = company.companyID
        func requireMapping(_ kind: MappingKind, _ code: String, _ blocker: BlockerKind, _ what: String) throws {
            guard !code.isEmpty, try transaction.mapping(kind, code, companyID: companyID) == nil else { return }
            found.append(Blocker(kind: blocker, ref: code, message: "\(what) \(code) is not mapped to QuickBooks; map it with SetMapping or AutoMap"))
        }
        switch try payload ?? RecordPayload(row: row) {
        case .customer:
            return []
        case .invoice(let invoice):
            if invoice.voided { return [] }  // a void needs nothing but the QBO id
            if let blocker = try self.customerBlocker(invoice.customerExternalID, company: company, in: transaction) { found.append(blocker) }
            try requireMapping(.taxCode, invoice.taxCode, .taxCodeNotMapped, "tax code")
            for line in invoice.lines {
                if line.kind == .discount {
                    try requireMapping(.account, line.discountAccountCode, .accountNotMapped, "discount account")
                } else {
                    try requireMapping(.item, line.itemCode, .itemNotMapped, "item")
                    try requireMapping(.taxCode, line.taxCode, .taxCodeNotMapped, "tax code")
                }
            }
        case .payment(let payment):
            if row.state.voidRequested { return [] }
            if let blocker = try self.customerBlocker(payment.customerExternalID, company: company, in: transaction) { found.append(blocker) }
            for application in payment.applications {
                if let blocker = try self.syncedBlocker(.invoice, application.invoiceExternalID, companyID: companyID, in: transaction) {
                    found.append(blocker)
                }
            }
            try requireMapping(.paymentMethod, payment.methodCode, .paymentMethodNotMapped, "payment method")
        case .refund(let refund):
            switch refund.target {
            case .invoiceExternalID(let invoiceID)?:
                if let blocker = try self.syncedBlocker(.invoice, invoiceID, companyID: companyID, in: transaction) { found.append(blocker) }
                let itemCode = try self.refundItemCode(refund, companyID: companyID, in: transaction)
                try requireMapping(.item, itemCode ?? "", .itemNotMapped, "item")
            case .paymentExternalID(let paymentID)?:
                if let blocker = try self.syncedBlocker(.payment, paymentID, companyID: companyID, in: transaction) { found.append(blocker) }
                try requireMapping(.item, refund.itemCode, .itemNotMapped, "item")
                if !refund.refundAccountCode.isEmpty {
                    try requireMapping(.account, refund.refundAccountCode, .accountNotMapped, "refund account")
                } else if let payment = try transaction.record(RecordKey(companyID: companyID, entity: .payment, externalID: paymentID)),
                          case .payment(let paid) = try RecordPayload(row: payment) {
                    try requireMapping(.paymentMethod, paid.methodCode, .paymentMethodNotMapped, "payment method")
                }
            case nil:
                break
            }
        }
        guard found.count > 1 else { return found }
        var seen = Set<String>()
        return found.filter { seen.insert("\($0.kind.wireValue)/\($0.ref)").inserted }
    }

    /// The item a refund's credit line uses: its own, else the invoice's first item.
    public static func refundItemCode(_ refund: Refund, companyID: String, in transaction: WriteTransaction) throws -> String? {
        if !refund.itemCode.isEmpty { return refund.itemCode }
        guard case .invoiceExternalID(let invoiceID)? = refund.target,
              let row = try transaction.record(RecordKey(companyID: companyID, entity: .invoice, externalID: invoiceID)),
              case .invoice(let invoice) = try RecordPayload(row: row)
        else { return nil }
        return invoice.lines.first { $0.kind != .discount && !$0.itemCode.isEmpty }?.itemCode
    }

    /// A dependency became available: every record blocked on it is looked at again.
    ///
    /// - Returns: How many records went from BLOCKED to PENDING.
    @discardableResult
    public static func satisfied(_ kind: BlockerKind, ref: String, companyID: String, in transaction: WriteTransaction) throws -> Int {
        var unblocked = 0
        for id in try transaction.recordsBlocked(on: kind, ref: ref, companyID: companyID) {
            if try self.reevaluate(recordID: id, in: transaction) { unblocked += 1 }
        }
        return unblocked
    }

    /// A record was given to qbsync for the first time: records that named
    /// it before it existed (UNKNOWN_REFERENCE) now wait for it as usual.
    static func arrived(_ key: RecordKey, in transaction: WriteTransaction) throws {
        try self.satisfied(.unknownReference, ref: key.externalID, companyID: key.companyID, in: transaction)
    }

    /// Re-computes a BLOCKED record's blockers; moves it to PENDING when none are left.
    ///
    /// - Returns: True when it became PENDING.
    @discardableResult
    public static func reevaluate(recordID: Int64, in transaction: WriteTransaction) throws -> Bool {
        // A customer's blockers describe its own link (no match, needs
        // confirmation), not dependencies: only matching or a person clears them.
        guard var row = try transaction.record(id: recordID), row.status == .blocked, row.key.entity != .customer,
              let company = try transaction.company(row.key.companyID)
        else { return false }
        let blockers = try self.blockers(of: row, company: company, in: transaction)
        if blockers.isEmpty {
            row.nextAttemptAt = transaction.now
            try transaction.transition(&row, to: .pending, note: "unblocked: every dependency is met")
            return true
        }
        if blockers != (try transaction.blockers(of: recordID)) {
            try transaction.transition(&row, to: .blocked, note: "still blocked: \(self.summary(blockers))", blockers: blockers)
        }
        return false
    }

    /// "item GEN-20KW not mapped; customer c-9 not linked".
    public static func summary(_ blockers: [Blocker]) -> String {
        blockers.map(\.message).joined(separator: "; ")
    }

    private static func syncedBlocker(_ entity: EntityType, _ externalID: String, companyID: String, in transaction: WriteTransaction) throws -> Blocker? {
        let kind: BlockerKind = entity == .invoice ? .invoiceNotSynced : .paymentNotSynced
        guard let row = try transaction.link(RecordKey(companyID: companyID, entity: entity, externalID: externalID)) else {
            // Until it arrives; then the record is looked at again (`arrived`).
            let method = entity == .invoice ? "SyncInvoice" : "SyncPayment"
            return Blocker(kind: .unknownReference, ref: externalID,
                           message: "\(entity.label) \(externalID) is unknown to qbsync; send it (\(method)) and this record follows")
        }
        if !row.qboID.isEmpty { return nil }
        return Blocker(kind: kind, ref: externalID, message: "\(entity.label) \(externalID) is not in QuickBooks yet (\(row.status.label))")
    }

    /// Nil when the customer is linked. An unmatched customer of a company
    /// that creates customers automatically is queued for creation here:
    /// an invoice needs it.
    private static func customerBlocker(_ externalID: String, company: CompanyRow, in transaction: WriteTransaction) throws -> Blocker? {
        let key = RecordKey(companyID: company.companyID, entity: .customer, externalID: externalID)
        guard let link = try transaction.link(key) else {
            return Blocker(kind: .customerNotLinked, ref: externalID, message: "customer \(externalID) is unknown to qbsync; send it with LinkCustomer")
        }
        if !link.qboID.isEmpty { return nil }
        guard var customer = try transaction.record(id: link.id) else { return nil }
        let own = try transaction.blockers(of: customer.id)
        if own.contains(where: { $0.kind == .customerNeedsConfirmation }) {
            return Blocker(kind: .customerNeedsConfirmation, ref: externalID,
                           message: "customer \(externalID) matched QBO customers by name or phone; confirm one with LinkCustomer")
        }
        if customer.status == .blocked, company.autoCreateCustomers, !customer.state.manuallyUnlinked {
            customer.state.createRequested = true
            customer.nextAttemptAt = transaction.now
            try transaction.transition(&customer, to: .pending, note: "no QBO customer matches; creating one because an invoice needs it")
        }
        return Blocker(kind: .customerNotLinked, ref: externalID, message: "customer \(externalID) is not linked to a QBO customer (\(customer.status.label))")
    }
}

extension SyncStatus {
    /// Lower-case name for messages.
    public var label: String {
        switch self {
        case .pending: "pending"
        case .syncing: "syncing"
        case .synced: "synced"
        case .blocked: "blocked"
        case .errored: "errored"
        case .skipped: "skipped"
        case .unspecified, .unrecognized: "unknown"
        }
    }
}
