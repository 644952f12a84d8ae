/// Something a record needs before it can go to QuickBooks: its customer
/// linked, an item mapped, an invoice synced first.
public struct RecordReference: Hashable, Sendable {
    /// What kind of thing is needed.
    public enum Target: Hashable, Sendable {
        /// A mapping of the rental system's code to a QBO object.
        case mapping(MappingKind)
        /// Another record, in QuickBooks first.
        case record(EntityType)
    }

    /// What kind of thing is needed.
    public var target: Target
    /// The rental system's code or external id.
    public var ref: String

    /// Creates a reference.
    public init(_ target: Target, _ ref: String) {
        self.target = target
        self.ref = ref
    }

    /// The blocker a record gets while this is missing (for a record: known but not in QBO yet).
    public var missingKind: BlockerKind {
        switch self.target {
        case .mapping(.item): .itemNotMapped
        case .mapping(.account): .accountNotMapped
        case .mapping(.taxCode): .taxCodeNotMapped
        case .mapping(.location): .locationNotMapped
        case .mapping(.class): .classNotMapped
        case .mapping: .paymentMethodNotMapped
        case .record(.customer): .customerNotLinked
        case .record(.vendor): .vendorNotLinked
        case .record(.payment): .paymentNotSynced
        case .record(.bill): .billNotSynced
        case .record: .invoiceNotSynced
        }
    }

    /// Every blocker kind that can name this reference.
    public var blockerKinds: Set<BlockerKind> {
        switch self.target {
        case .mapping: [self.missingKind]
        case .record(.customer): [.customerNotLinked, .customerNeedsConfirmation]
        case .record(.vendor): [.vendorNotLinked, .vendorNeedsConfirmation]
        case .record: [self.missingKind, .unknownReference]
        }
    }
}

/// What each kind of record needs, read from its content: the one rule set
/// the sync core's blockers, its planner and the CLI's `show` all use.
///
/// Rules that need the store (a refund's item taken from its invoice, a
/// refund account falling back to the payment's method) are the sync core's.
public enum DependencyRules {
    /// An invoice needs its customer, its tax code and location, each line's
    /// item (or discount account), tax code and class; a void needs nothing.
    public static func references(of invoice: Invoice) -> [RecordReference] {
        if invoice.voided { return [] }
        var references = [RecordReference(.record(.customer), invoice.customerExternalID)]
        references.append(RecordReference(.mapping(.taxCode), invoice.taxCode))
        references.append(RecordReference(.mapping(.location), invoice.locationCode))
        for line in invoice.lines {
            if line.kind == .discount {
                references.append(RecordReference(.mapping(.account), line.discountAccountCode))
            } else {
                references.append(RecordReference(.mapping(.item), line.itemCode))
                references.append(RecordReference(.mapping(.taxCode), line.taxCode))
                references.append(RecordReference(.mapping(.class), line.classCode))
            }
        }
        return self.unique(references)
    }

    /// A payment needs its customer, every invoice it pays, and its method's deposit account.
    public static func references(of payment: Payment) -> [RecordReference] {
        var references = [RecordReference(.record(.customer), payment.customerExternalID)]
        references += payment.applications.map { RecordReference(.record(.invoice), $0.invoiceExternalID) }
        references.append(RecordReference(.mapping(.paymentMethod), payment.methodCode))
        return self.unique(references)
    }

    /// A refund needs what it refunds, its item and its refund account (when named).
    public static func references(of refund: Refund) -> [RecordReference] {
        var references: [RecordReference] = []
        switch refund.target {
        case .invoiceExternalID(let id)?: references.append(RecordReference(.record(.invoice), id))
        case .paymentExternalID(let id)?: references.append(RecordReference(.record(.payment), id))
        case nil: break
        }
        references.append(RecordReference(.mapping(.item), refund.itemCode))
        references.append(RecordReference(.mapping(.account), refund.refundAccountCode))
        return self.unique(references)
    }

    /// A bill needs its vendor, its payables account and location when named,
    /// and what each line names; a cancelled one needs nothing (it is deleted by id).
    public static func references(of bill: Bill) -> [RecordReference] {
        if bill.cancelled { return [] }
        var references = [RecordReference(.record(.vendor), bill.vendorExternalID)]
        references.append(RecordReference(.mapping(.account), bill.apAccountCode))
        references.append(RecordReference(.mapping(.location), bill.locationCode))
        references += bill.lines.flatMap(self.references(of:))
        return self.unique(references)
    }

    /// A bill payment needs its vendor, the account it pays from and every bill it pays.
    public static func references(of payment: BillPayment) -> [RecordReference] {
        if payment.voided { return [] }
        var references = [RecordReference(.record(.vendor), payment.vendorExternalID)]
        references.append(RecordReference(.mapping(.account), payment.paymentAccountCode))
        references += payment.applications.map { RecordReference(.record(.bill), $0.billExternalID) }
        return self.unique(references)
    }

    /// A purchase order needs its vendor, location and lines; a cancelled one nothing.
    public static func references(of order: PurchaseOrder) -> [RecordReference] {
        if order.status == .cancelled { return [] }
        var references = [RecordReference(.record(.vendor), order.vendorExternalID)]
        references.append(RecordReference(.mapping(.location), order.locationCode))
        references += order.lines.flatMap(self.references(of:))
        return self.unique(references)
    }

    /// An item needs its accounts mapped (income; expense and asset when named).
    public static func references(of item: Item) -> [RecordReference] {
        self.unique([item.incomeAccountCode, item.expenseAccountCode, item.assetAccountCode].map { RecordReference(.mapping(.account), $0) })
    }

    /// An expense needs its payee (when named), the account it is paid from,
    /// its location and lines; a voided one nothing.
    public static func references(of expense: Expense) -> [RecordReference] {
        if expense.voided { return [] }
        var references = [RecordReference(.record(.vendor), expense.vendorExternalID)]
        references.append(RecordReference(.mapping(.account), expense.paymentAccountCode))
        references.append(RecordReference(.mapping(.location), expense.locationCode))
        references += expense.lines.flatMap(self.references(of:))
        return self.unique(references)
    }

    /// A line's item or account, class, and the customer it is billable to.
    public static func references(of line: ExpenseLine) -> [RecordReference] {
        var references: [RecordReference] = []
        switch line.target {
        case .itemCode(let code)?: references.append(RecordReference(.mapping(.item), code))
        case .accountCode(let code)?: references.append(RecordReference(.mapping(.account), code))
        case nil: break
        }
        references.append(RecordReference(.mapping(.class), line.classCode))
        references.append(RecordReference(.record(.customer), line.customerExternalID))
        return references
    }

    /// Without empty codes and repeats, in first-seen order.
    private static func unique(_ references: [RecordReference]) -> [RecordReference] {
        var seen = Set<RecordReference>()
        return references.filter { !$0.ref.isEmpty && seen.insert($0).inserted }
    }
}
