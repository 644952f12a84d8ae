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
    /// A seller the company buys from; shares the Customer namespace for `DisplayName`.
    case vendor = "Vendor"
    /// An accounts-payable transaction: what the company owes a vendor.
    case bill = "Bill"
    /// Money paid to a vendor against bills, by check or credit card.
    case billPayment = "BillPayment"
    /// A non-posting order to a vendor.
    case purchaseOrder = "PurchaseOrder"
    /// An expense paid at once by cash, check or credit card.
    case purchase = "Purchase"
    /// A location (QBO's Department entity).
    case department = "Department"
    /// A class, for class tracking (QBO's Class entity).
    case trackingClass = "Class"
    /// Payment terms (Net 30, ...).
    case term = "Term"
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
        case .invoice, .payment, .creditMemo, .refundReceipt, .bill, .billPayment, .purchaseOrder, .purchase: return true
        default: return false
        }
    }

    /// Bills, purchase orders and purchases: expense lines by account or by item, a vendor.
    var isExpenseDocument: Bool {
        self == .bill || self == .purchaseOrder || self == .purchase
    }

    /// Payments and bill payments: money applied to other transactions.
    var appliesMoney: Bool { self == .payment || self == .billPayment }

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
        case .customer, .vendor: return "DisplayName"
        case .item, .account, .paymentMethod, .term, .department, .trackingClass: return "Name"
        default: return nil
        }
    }

    /// The member that must be unique: the name, except for locations and classes, whose
    /// `FullyQualifiedName` (`Parent:Child`) is, so two parents may each have a "North".
    var uniqueKeyProperty: String? {
        self == .department || self == .trackingClass ? "FullyQualifiedName" : uniqueNameProperty
    }

    /// The kinds whose names must differ from each other's: QBO keeps one namespace for
    /// Customer, Vendor and Employee display names; every other list is its own.
    var nameScope: EntityKind { self == .vendor ? .customer : self }

    /// Whether queries return only `Active = true` rows unless the query says otherwise.
    var hasActiveFlag: Bool { !isTransaction && !isCompanyEntity }

    /// US tax codes have the ids `TAX` and `NON`; every other id is numeric.
    var hasNumericIDs: Bool { self != .taxCode }

    /// Whether `operation=void` (or `include=void`) applies. QBO voids sales forms, payments
    /// and bill payments; a bill, purchase order or purchase is deleted instead.
    var isVoidable: Bool {
        switch self {
        case .invoice, .payment, .creditMemo, .refundReceipt, .billPayment: return true
        default: return false
        }
    }
}
