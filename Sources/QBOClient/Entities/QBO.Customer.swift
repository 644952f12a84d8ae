import Foundation

extension QBO {
    /// A QBO customer. `DisplayName` is unique across customers, vendors and
    /// employees (a clash is fault 6240, ``QBOError/Kind/duplicate``).
    public struct Customer: QBOEntity, Hashable {
        /// `"Customer"`.
        public static let entityName = "Customer"

        /// QBO's Id.
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Always `"QBO"` in responses.
        public var domain: String?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The unique name shown in QBO's lists.
        public var displayName: String?
        /// Title, e.g. `"Mrs."`.
        public var title: String?
        /// Given name.
        public var givenName: String?
        /// Middle name.
        public var middleName: String?
        /// Family name.
        public var familyName: String?
        /// Suffix, e.g. `"Jr."`.
        public var suffix: String?
        /// Company name.
        public var companyName: String?
        /// Name including parents, read-only.
        public var fullyQualifiedName: String?
        /// Name printed on checks.
        public var printOnCheckName: String?
        /// Main e-mail address; queryable as `PrimaryEmailAddr = 'a@b.com'`.
        public var primaryEmailAddr: EmailAddress?
        /// Main phone.
        public var primaryPhone: Phone?
        /// Mobile phone.
        public var mobile: Phone?
        /// Billing address.
        public var billAddr: Address?
        /// Shipping address.
        public var shipAddr: Address?
        /// Free-text notes.
        public var notes: String?
        /// `false` once the customer is made inactive (QBO's "delete").
        public var active: Bool?
        /// Whether sales to the customer are taxable.
        public var taxable: Bool?
        /// Open balance, read-only.
        public var balance: Decimal?
        /// Open balance including sub-customers, read-only.
        public var balanceWithJobs: Decimal?
        /// Currency.
        public var currencyRef: Ref?
        /// `"Print"`, `"Email"` or `"None"`.
        public var preferredDeliveryMethod: String?
        /// Default tax code for the customer's sales.
        public var defaultTaxCodeRef: Ref?
        /// Whether this is a sub-customer (job).
        public var job: Bool?
        /// Whether a sub-customer is billed through its parent.
        public var billWithParent: Bool?
        /// The parent customer of a sub-customer.
        public var parentRef: Ref?
        /// Default payment method.
        public var paymentMethodRef: Ref?
        /// Default payment terms.
        public var salesTermRef: Ref?

        /// Creates a customer; set further fields through the properties.
        /// - Parameters:
        ///   - id: QBO's Id, for updates.
        ///   - syncToken: The current SyncToken, for updates.
        ///   - displayName: The unique display name.
        ///   - givenName: Given name.
        ///   - familyName: Family name.
        ///   - companyName: Company name.
        ///   - primaryEmailAddr: Main e-mail.
        ///   - primaryPhone: Main phone.
        ///   - billAddr: Billing address.
        ///   - notes: Free-text notes.
        public init(
            id: String? = nil, syncToken: String? = nil, displayName: String? = nil,
            givenName: String? = nil, familyName: String? = nil, companyName: String? = nil,
            primaryEmailAddr: EmailAddress? = nil, primaryPhone: Phone? = nil,
            billAddr: Address? = nil, notes: String? = nil
        ) {
            self.id = id
            self.syncToken = syncToken
            self.displayName = displayName
            self.givenName = givenName
            self.familyName = familyName
            self.companyName = companyName
            self.primaryEmailAddr = primaryEmailAddr
            self.primaryPhone = primaryPhone
            self.billAddr = billAddr
            self.notes = notes
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, metaData = "MetaData"
            case displayName = "DisplayName", title = "Title", givenName = "GivenName", middleName = "MiddleName"
            case familyName = "FamilyName", suffix = "Suffix", companyName = "CompanyName"
            case fullyQualifiedName = "FullyQualifiedName", printOnCheckName = "PrintOnCheckName"
            case primaryEmailAddr = "PrimaryEmailAddr", primaryPhone = "PrimaryPhone", mobile = "Mobile"
            case billAddr = "BillAddr", shipAddr = "ShipAddr", notes = "Notes", active = "Active"
            case taxable = "Taxable", balance = "Balance", balanceWithJobs = "BalanceWithJobs"
            case currencyRef = "CurrencyRef", preferredDeliveryMethod = "PreferredDeliveryMethod"
            case defaultTaxCodeRef = "DefaultTaxCodeRef", job = "Job", billWithParent = "BillWithParent"
            case parentRef = "ParentRef", paymentMethodRef = "PaymentMethodRef", salesTermRef = "SalesTermRef"
        }
    }
}
