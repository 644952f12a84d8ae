import QBSyncStore
import QBSyncWire

/// A record's accepted content, decoded by entity.
public enum RecordPayload: Sendable {
    case customer(Customer)
    case invoice(Invoice)
    case payment(Payment)
    case refund(Refund)
    case vendor(Vendor)
    case bill(Bill)
    case billPayment(BillPayment)
    case purchaseOrder(PurchaseOrder)
    case expense(Expense)
    case item(Item)

    /// Decodes the payload stored in a row.
    public init(row: RecordRow) throws {
        switch row.key.entity {
        case .customer: self = .customer(try Customer(unpacking: row.payload))
        case .invoice: self = .invoice(try Invoice(unpacking: row.payload))
        case .payment: self = .payment(try Payment(unpacking: row.payload))
        case .refund: self = .refund(try Refund(unpacking: row.payload))
        case .vendor: self = .vendor(try Vendor(unpacking: row.payload))
        case .bill: self = .bill(try Bill(unpacking: row.payload))
        case .billPayment: self = .billPayment(try BillPayment(unpacking: row.payload))
        case .purchaseOrder: self = .purchaseOrder(try PurchaseOrder(unpacking: row.payload))
        case .expense: self = .expense(try Expense(unpacking: row.payload))
        case .item: self = .item(try Item(unpacking: row.payload))
        case .unspecified, .unrecognized:
            throw RPCError(code: .internal, message: "record \(row.key) has no known entity type")
        }
    }
}

extension RecordPayload {
    /// The content as proto3 JSON, as the rental system sent it.
    public var json: String {
        switch self {
        case .customer(let customer): WireJSON.string(customer)
        case .invoice(let invoice): WireJSON.string(invoice)
        case .payment(let payment): WireJSON.string(payment)
        case .refund(let refund): WireJSON.string(refund)
        case .vendor(let vendor): WireJSON.string(vendor)
        case .bill(let bill): WireJSON.string(bill)
        case .billPayment(let payment): WireJSON.string(payment)
        case .purchaseOrder(let order): WireJSON.string(order)
        case .expense(let expense): WireJSON.string(expense)
        case .item(let item): WireJSON.string(item)
        }
    }
}

/// Why a record is SKIPPED; the text is stored, the prefix identifies the rule.
public enum SkipReason {
    /// The invoice is marked "No QuickBooks".
    public static let excluded = "excluded from sync (No QuickBooks)"
    /// The company sends only invoices with a payment.
    public static let awaitingPayment = "waiting for a payment: the company syncs only invoices that have one"
    /// Voided before anything reached QBO.
    public static let voidedBeforeSync = "voided before it reached QuickBooks; nothing to push"
    /// QBO already shows the invoice paid.
    public static let alreadyPaid = "already paid in QuickBooks"
    /// Cancelled (a bill, a purchase order) or voided (an expense) before anything reached QBO.
    public static let entityDisabled = "not synced: this entity type is disabled in the company's settings (enable it to sync)"
    /// Cancelled (a bill, purchase order) or voided (an expense) before anything reached QBO.
    public static let cancelledBeforeSync = "cancelled before it reached QuickBooks; nothing to push"
    /// Every invoice the payment pays is marked "No QuickBooks".
    public static let invoiceExcluded = "pays only invoices marked No QuickBooks (payments of such an order are not synced)"
}

extension Invoice {
    /// Total in minor units: sale lines, minus discounts, plus tax.
    public var totalMinor: Int64 {
        var total = self.taxMinor
        for line in self.lines {
            total += line.kind == .discount ? -line.amountMinor : line.amountMinor
        }
        return total
    }

    /// -1, 0 or 1: the sign of the total.
    public var sign: Int { self.totalMinor > 0 ? 1 : (self.totalMinor < 0 ? -1 : 0) }
}

extension Customer {
    /// The QBO DisplayName: given, else company name, else "given family".
    public var resolvedDisplayName: String {
        if !self.displayName.isEmpty { return self.displayName }
        if !self.companyName.isEmpty { return self.companyName }
        return [self.givenName, self.familyName].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// "Given Family", for name matching.
    public var fullName: String {
        [self.givenName, self.familyName].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension RecordKey {
    /// Tag written into the QBO record (PrivateNote / Notes) so a lost
    /// response can be recognised on read-back: `[qbsync:<16 hex>]`.
    public var marker: String {
        "[qbsync:\(ContentHash.tag("\(self.companyID)\u{1F}\(self.entity.wireValue)\u{1F}\(self.externalID)"))]"
    }
}
