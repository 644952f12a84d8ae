import QBSyncStore
import QBSyncWire

/// A record's accepted content, decoded by entity.
public enum RecordPayload: Sendable {
    case customer(Customer)
    case invoice(Invoice)
    case payment(Payment)
    case refund(Refund)

    /// Decodes the payload stored in a row.
    public init(row: RecordRow) throws {
        switch row.key.entity {
        case .customer: self = .customer(try Customer(unpacking: row.payload))
        case .invoice: self = .invoice(try Invoice(unpacking: row.payload))
        case .payment: self = .payment(try Payment(unpacking: row.payload))
        case .refund: self = .refund(try Refund(unpacking: row.payload))
        case .unspecified, .unrecognized:
            throw RPCError(code: .internal, message: "record \(row.key) has no known entity type")
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
