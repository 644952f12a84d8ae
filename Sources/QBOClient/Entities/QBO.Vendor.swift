import Foundation

extension QBO {
    /// A QBO vendor: who the company buys from and pays bills to. `DisplayName` is
    /// unique across customers, vendors and employees (a clash is fault 6240,
    /// ``QBOError/Kind/duplicate``). Vendors are made inactive, never deleted.
    public struct Vendor: QBOEntity, Hashable {
        /// `"Vendor"`.
        public static let entityName = "Vendor"

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
        /// Title, e.g. `"Ms."`.
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
        /// Name printed on checks.
        public var printOnCheckName: String?
        /// Main e-mail address; queryable as `PrimaryEmailAddr = 'a@b.com'`.
        public var primaryEmailAddr: EmailAddress?
        /// Main phone.
        public var primaryPhone: Phone?
        /// Second phone.
        public var alternatePhone: Phone?
        /// Mobile phone.
        public var mobile: Phone?
        /// Fax.
        public var fax: Phone?
        /// Web site.
        public var webAddr: WebAddress?
        /// Billing (remit-to) address.
        public var billAddr: Address?
        /// The company's account number with this vendor.
        public var acctNum: String?
        /// Whether the vendor gets a US 1099 form.
        public var vendor1099: Bool?
        /// Tax id (SSN or EIN), masked in responses.
        public var taxIdentifier: String?
        /// Default payment terms of the vendor's bills.
        public var termRef: Ref?
        /// Default accounts payable account.
        public var apAccountRef: Ref?
        /// Currency.
        public var currencyRef: Ref?
        /// Free-text notes. Intuit's Vendor reference does not list `Notes` (it is a Customer
        /// field) and no recording shows it on a vendor: leave it `nil` on writes unless the
        /// company is known to accept it (an unsupported property is fault 2010).
        public var notes: String?
        /// `false` once the vendor is made inactive (QBO's "delete").
        public var active: Bool?
        /// What the company owes the vendor, read-only.
        public var balance: Decimal?
        /// Default hourly billing rate.
        public var billRate: Decimal?
        /// Default hourly cost rate.
        public var costRate: Decimal?

        /// Creates a vendor; set further fields through the properties.
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
        ///   - acctNum: The company's account number with the vendor.
        ///   - vendor1099: Whether the vendor gets a 1099.
        ///   - notes: Free-text notes.
        public init(
            id: String? = nil, syncToken: String? = nil, displayName: String? = nil,
            givenName: String? = nil, familyName: String? = nil, companyName: String? = nil,
            primaryEmailAddr: EmailAddress? = nil, primaryPhone: Phone? = nil, billAddr: Address? = nil,
            acctNum: String? = nil, vendor1099: Bool? = nil, notes: String? = nil
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
            self.acctNum = acctNum
            self.vendor1099 = vendor1099
            self.notes = notes
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, metaData = "MetaData"
            case displayName = "DisplayName", title = "Title", givenName = "GivenName", middleName = "MiddleName"
            case familyName = "FamilyName", suffix = "Suffix", companyName = "CompanyName"
            case printOnCheckName = "PrintOnCheckName", primaryEmailAddr = "PrimaryEmailAddr"
            case primaryPhone = "PrimaryPhone", alternatePhone = "AlternatePhone", mobile = "Mobile", fax = "Fax"
            case webAddr = "WebAddr", billAddr = "BillAddr", acctNum = "AcctNum", vendor1099 = "Vendor1099"
            case taxIdentifier = "TaxIdentifier", termRef = "TermRef", apAccountRef = "APAccountRef"
            case currencyRef = "CurrencyRef", notes = "Notes", active = "Active", balance = "Balance"
            case billRate = "BillRate", costRate = "CostRate"
        }
    }
}
