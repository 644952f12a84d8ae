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
    /// The company's settings, one per realm (`GET /preferences`).
    case preferences = "Preferences"
    /// The company's name and address, one per realm (`GET /companyinfo/{realmId}`).
    case companyInfo = "CompanyInfo"

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

    /// QBO keeps tax codes and rates itself; an API client can only read them. The
    /// simulator's Preferences and CompanyInfo follow the realm's settings (admin API), so
    /// they are read-only here too.
    var isReadOnly: Bool { self == .taxCode || self == .taxRate || isCompanyEntity }

    /// Preferences and CompanyInfo: one entity per realm, Id "1", made from its settings.
    var isCompanyEntity: Bool { self == .preferences || self == .companyInfo }

    /// The member holding the unique name of a name-list entity.
    var uniqueNameProperty: String? {
        switch self {
        case .customer: return "DisplayName"
        case .item, .account, .paymentMethod: return "Name"
        default: return nil
        }
    }

    /// Whether queries return only `Active = true` rows unless the query says otherwise.
    var hasActiveFlag: Bool { !isTransaction && !isCompanyEntity }

    /// US tax codes have the ids `TAX` and `NON`; every other id is numeric.
    var hasNumericIDs: Bool { self != .taxCode }

    /// Whether `operation=void` applies.
    var isVoidable: Bool { isTransaction }
}
