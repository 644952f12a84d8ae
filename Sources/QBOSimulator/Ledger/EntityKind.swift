/// The QBO entities the simulator keeps, named as QBO names them in JSON and queries.
enum EntityKind: String, CaseIterable, Sendable, Hashable {
    case customer = "Customer"
    case item = "Item"
    case account = "Account"
    case invoice = "Invoice"
    case payment = "Payment"
    case creditMemo = "CreditMemo"
    case refundReceipt = "RefundReceipt"
    case taxCode = "TaxCode"
    case taxRate = "TaxRate"
    case paymentMethod = "PaymentMethod"

    /// The name in JSON wrappers (`{"Invoice":{...}}`) and in `SELECT * FROM Invoice`.
    var name: String { rawValue }

    /// The URL path segment: `/v3/company/{realm}/invoice`.
    var pathSegment: String { rawValue.lowercased() }

    /// Finds the kind for a URL segment or a query's `FROM` name, ignoring case as QBO does.
    init?(caseInsensitiveName text: String) {
        let wanted = text.lowercased()
        guard let kind = Self.allCases.first(where: { $0.pathSegment == wanted }) else { return nil }
        self = kind
    }

    /// Transactions carry amounts and can be deleted; name lists are only made inactive.
    var isTransaction: Bool {
        switch self {
        case .invoice, .payment, .creditMemo, .refundReceipt: return true
        default: return false
        }
    }

    /// Sales documents have item lines, a subtotal and tax.
    var isSalesDocument: Bool {
        self == .invoice || self == .creditMemo || self == .refundReceipt
    }

    /// Sales forms, whose `DocNumber` must be unique across all of them (an invoice may not
    /// reuse a credit memo's number) unless the create says `include=allowduplicatedocnum`.
    var hasUniqueDocNumber: Bool { isSalesDocument }

    /// The type as QBO names it in a 6140's Detail (`TxnType=Credit Memo`).
    var transactionTypeName: String {
        switch self {
        case .creditMemo: return "Credit Memo"
        case .refundReceipt: return "Refund Receipt"
        default: return rawValue
        }
    }

    /// QBO keeps tax codes and rates itself; an API client can only read them.
    var isReadOnly: Bool { self == .taxCode || self == .taxRate }

    /// The member holding the unique name of a name-list entity.
    var uniqueNameProperty: String? {
        switch self {
        case .customer: return "DisplayName"
        case .item, .account, .paymentMethod: return "Name"
        default: return nil
        }
    }

    /// Whether queries return only `Active = true` rows unless the query says otherwise.
    var hasActiveFlag: Bool { !isTransaction }

    /// US tax codes have the ids `TAX` and `NON`; every other id is numeric.
    var hasNumericIDs: Bool { self != .taxCode }

    /// Whether `operation=void` applies.
    var isVoidable: Bool { isTransaction }
}
