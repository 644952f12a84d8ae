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
        let companyID = company.companyID
        var references: [RecordReference]
        switch try payload ?? RecordPayload(row: row) {
        case .customer, .vendor:
            return []
        case .bill(let bill):
            references = DependencyRules.references(of: bill)
        case .billPayment(let payment):
            references = DependencyRules.references(of: payment)
        case .purchaseOrder(let order):
            references = DependencyRules.references(of: order)
        case .expense(let expense):
            references = DependencyRules.references(of: expense)
        case .item(let item):
            references = DependencyRules.references(of: item)
        case .invoice(let invoice):
            references = DependencyRules.references(of: invoice)
        case .payment(let payment):
            if row.state.voidRequested { return [] }  // a void needs nothing but the QBO id
            references = DependencyRules.references(of: payment)
        case .refund(let refund):
            references = DependencyRules.references(of: refund)
            // Rules that need the store: the credit line's item defaults to
            // the invoice's first item; money leaves by the payment's method
            // when no refund account is named.
            if refund.itemCode.isEmpty, let itemCode = try self.refundItemCode(refund, companyID: companyID, in: transaction) {
                references.append(RecordReference(.mapping(.item), itemCode))
            }
            if refund.refundAccountCode.isEmpty, case .paymentExternalID(let paymentID)? = refund.target,
               let payment = try transaction.record(RecordKey(companyID: companyID, entity: .payment, externalID: paymentID)),
               case .payment(let paid) = try RecordPayload(row: payment), !paid.methodCode.isEmpty {
                references.append(RecordReference(.mapping(.paymentMethod), paid.methodCode))
            }
        }
        var found: [Blocker] = []
        for reference in references {
            if let blocker = try self.blocker(for: reference, company: company, in: transaction) { found.append(blocker) }
        }
        return found
    }

    /// The blocker for one reference, or nil when it is met.
    static func blocker(for reference: RecordReference, company: CompanyRow, in transaction: WriteTransaction) throws -> Blocker? {
        switch reference.target {
        case .mapping(let kind):
            guard try transaction.mapping(kind, reference.ref, companyID: company.companyID) == nil else { return nil }
            return Blocker(kind: reference.missingKind, ref: reference.ref,
                           message: "\(kind.noun) \(reference.ref) is not mapped to QuickBooks; map it with SetMapping or AutoMap")
        case .record(.customer):
            return try self.customerBlocker(reference.ref, company: company, in: transaction)
        case .record(.vendor):
            return try self.vendorBlocker(reference.ref, company: company, in: transaction)
        case .record(let entity):
            return try self.syncedBlocker(entity, reference.ref, companyID: company.companyID, in: transaction)
        }
    }

    /// A record someone waits for (interactive) is blocked by these: the
    /// records they name, when queued in the backfill lane, move to the
    /// interactive lane, and so do the records those wait for, so it never
    /// waits behind a backlog for its customer, invoice or bill.
    ///
    /// - Returns: How many records moved.
    @discardableResult
    public static func promote(_ blockers: [Blocker], companyID: String, in transaction: WriteTransaction) throws -> Int {
        var moved = 0
        var waiting = blockers
        var seen: Set<RecordKey> = []
        while let blocker = waiting.popLast() {
            guard let entity = Self.entity(waitedOnBy: blocker.kind) else { continue }
            let key = RecordKey(companyID: companyID, entity: entity, externalID: blocker.ref)
            guard seen.insert(key).inserted, var row = try transaction.record(key), row.lane == .backfill else { continue }
            row.lane = .interactive
            try transaction.save(row)
            moved += 1
            if row.status == .blocked { waiting += try transaction.blockers(of: row.id) }
        }
        return moved
    }

    /// The kind of record a blocker waits on, when it waits on a record.
    private static func entity(waitedOnBy kind: BlockerKind) -> EntityType? {
        switch kind {
        case .customerNotLinked: .customer
        case .vendorNotLinked: .vendor
        case .invoiceNotSynced: .invoice
        case .paymentNotSynced: .payment
        case .billNotSynced: .bill
        default: nil
        }
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
        // A customer's or vendor's blockers describe its own link (no match,
        // needs confirmation), not dependencies: only matching or a person clears them.
        guard var row = try transaction.record(id: recordID), row.status == .blocked, row.key.entity != .customer, row.key.entity != .vendor,
              let company = try transaction.company(row.key.companyID)
        else { return false }
        let blockers = try self.blockers(of: row, company: company, in: transaction)
        if blockers.isEmpty {
            try transaction.queue(&row, note: "unblocked: every dependency is met")
            return true
        }
        if blockers != (try transaction.blockers(of: recordID)) {
            try transaction.block(&row, blockers, note: "still blocked: \(self.summary(blockers))")
        }
        return false
    }

    /// "item GEN-20KW not mapped; customer c-9 not linked".
    public static func summary(_ blockers: [Blocker]) -> String {
        blockers.map(\.message).joined(separator: "; ")
    }

    /// Nil when the vendor is linked; otherwise what it waits for.
    private static func vendorBlocker(_ externalID: String, company: CompanyRow, in transaction: WriteTransaction) throws -> Blocker? {
        let key = RecordKey(companyID: company.companyID, entity: .vendor, externalID: externalID)
        guard let link = try transaction.link(key) else {
            return Blocker(kind: .vendorNotLinked, ref: externalID, message: "vendor \(externalID) is unknown to qbsync; send it with LinkVendor")
        }
        if !link.qboID.isEmpty { return nil }
        if try transaction.blockers(of: link.id).contains(where: { $0.kind == .vendorNeedsConfirmation }) {
            return Blocker(kind: .vendorNeedsConfirmation, ref: externalID,
                           message: "vendor \(externalID) matched QBO vendors by name; confirm one with LinkVendor")
        }
        return Blocker(kind: .vendorNotLinked, ref: externalID, message: "vendor \(externalID) is not linked to a QBO vendor (\(link.status.label))")
    }

    private static func syncedBlocker(_ entity: EntityType, _ externalID: String, companyID: String, in transaction: WriteTransaction) throws -> Blocker? {
        let kind = RecordReference(.record(entity), externalID).missingKind
        guard let row = try transaction.link(RecordKey(companyID: companyID, entity: entity, externalID: externalID)) else {
            // Until it arrives; then the record is looked at again (`arrived`).
            let method = switch entity {
            case .invoice: "SyncInvoice"
            case .payment: "SyncPayment"
            case .bill: "SyncBill"
            default: "its Sync call"
            }
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
            try transaction.queue(&customer, note: "no QBO customer matches; creating one because an invoice needs it")
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

extension MappingKind {
    /// "item", "ledger account", for messages.
    var noun: String {
        switch self {
        case .item: "item"
        case .account: "account"
        case .taxCode: "tax code"
        case .paymentMethod: "payment method"
        case .location: "location"
        case .class: "class"
        case .unspecified, .unrecognized: "code"
        }
    }
}
