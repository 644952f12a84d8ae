import Foundation

extension QBO.Preferences {
    /// Sales form settings (a subset: the members the engine acts on).
    public struct SalesFormsPrefs: Codable, Sendable, Hashable {
        /// Whether users type their own DocNumbers (else QBO numbers forms).
        public var customTxnNumbers: Bool?
        /// Whether invoices take deposits.
        public var allowDeposit: Bool?
        /// Whether forms take discount lines.
        public var allowDiscount: Bool?
        /// The discount account's Id; a plain string in QBO's JSON, not a reference.
        public var defaultDiscountAccount: String?
        /// Whether estimates are on.
        public var allowEstimates: Bool?
        /// Whether lines show a service date.
        public var allowServiceDate: Bool?
        /// Whether forms show shipping fields.
        public var allowShipping: Bool?
        /// Default payment terms of invoices.
        public var defaultTerms: QBO.Ref?
        /// Whether price levels are on.
        public var usingPriceLevels: Bool?
        /// Whether QBO applies new payments to open invoices by itself.
        public var autoApplyPayments: Bool?
        /// Whether QBO applies open credits to new invoices by itself.
        public var autoApplyCredit: Bool?
        /// Default message to customers.
        public var defaultCustomerMessage: String?

        /// Creates sales form settings.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case customTxnNumbers = "CustomTxnNumbers", allowDeposit = "AllowDeposit", allowDiscount = "AllowDiscount"
            case defaultDiscountAccount = "DefaultDiscountAccount", allowEstimates = "AllowEstimates"
            case allowServiceDate = "AllowServiceDate", allowShipping = "AllowShipping", defaultTerms = "DefaultTerms"
            case usingPriceLevels = "UsingPriceLevels", autoApplyPayments = "AutoApplyPayments"
            case autoApplyCredit = "AutoApplyCredit", defaultCustomerMessage = "DefaultCustomerMessage"
        }
    }

    /// Purchase form settings.
    public struct VendorAndPurchasesPrefs: Codable, Sendable, Hashable {
        /// Whether expense lines can name a customer.
        public var trackingByCustomer: Bool?
        /// Whether expenses can be billed on to customers.
        public var billableExpenseTracking: Bool?
        /// Default payment terms of bills.
        public var defaultTerms: QBO.Ref?
        /// Default markup on billable expenses, in percent.
        public var defaultMarkup: Decimal?
        /// The account markups post to.
        public var defaultMarkupAccount: QBO.Ref?

        /// Creates purchase form settings.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case trackingByCustomer = "TrackingByCustomer", billableExpenseTracking = "BillableExpenseTracking"
            case defaultTerms = "DefaultTerms", defaultMarkup = "DefaultMarkup", defaultMarkupAccount = "DefaultMarkupAccount"
        }
    }

    /// Class and location tracking, fiscal year, account numbers (a subset).
    public struct AccountingInfoPrefs: Codable, Sendable, Hashable {
        /// Whether locations (QBO's departments) are tracked.
        public var trackDepartments: Bool?
        /// What locations are called in this company, e.g. `"Location"`, `"Store"`.
        public var departmentTerminology: String?
        /// Whether a class is set once per form.
        public var classTrackingPerTxn: Bool?
        /// Whether a class is set per line.
        public var classTrackingPerTxnLine: Bool?
        /// What customers are called, e.g. `"Customers"`, `"Clients"`.
        public var customerTerminology: String?
        /// First month of the fiscal year, e.g. `"January"`.
        public var firstMonthOfFiscalYear: String?
        /// Whether accounts have numbers.
        public var useAccountNumbers: Bool?
        /// The closing date of the books, `yyyy-MM-dd`: earlier forms are locked (fault 6210).
        public var bookCloseDate: String?

        /// Creates accounting settings.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case trackDepartments = "TrackDepartments", departmentTerminology = "DepartmentTerminology"
            case classTrackingPerTxn = "ClassTrackingPerTxn", classTrackingPerTxnLine = "ClassTrackingPerTxnLine"
            case customerTerminology = "CustomerTerminology", firstMonthOfFiscalYear = "FirstMonthOfFiscalYear"
            case useAccountNumbers = "UseAccountNumbers", bookCloseDate = "BookCloseDate"
        }
    }

    /// Further settings as name/value strings.
    public struct OtherPrefs: Codable, Sendable, Hashable {
        /// The pairs, e.g. `{"Name": "SalesFormsPrefs.DefaultItem", "Value": "1"}`.
        public var nameValue: [QBO.NameValue]?

        /// Creates other settings.
        /// - Parameter nameValue: The pairs.
        public init(nameValue: [QBO.NameValue]? = nil) { self.nameValue = nameValue }

        /// The value of one pair.
        /// - Parameter name: The pair's name, matched exactly.
        /// - Returns: Its value, or `nil` when absent.
        public func value(named name: String) -> String? {
            nameValue?.first { $0.name == name }?.value
        }

        enum CodingKeys: String, CodingKey { case nameValue = "NameValue" }
    }
}
