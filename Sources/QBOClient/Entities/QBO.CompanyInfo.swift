import Foundation

extension QBO {
    /// The company's name, addresses and plan: one per realm, read with
    /// ``QBOClient/companyInfo()`` (`GET /companyinfo/{realmId}`; its Id is the realm id
    /// in that URL and `"1"` in the body).
    public struct CompanyInfo: QBOEntity, Hashable {
        /// `"CompanyInfo"`.
        public static let entityName = "CompanyInfo"

        /// QBO's Id (`"1"`).
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Always `"QBO"` in responses.
        public var domain: String?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The name shown on forms.
        public var companyName: String?
        /// The legal name, for tax forms.
        public var legalName: String?
        /// The company's address.
        public var companyAddr: Address?
        /// The address customers write to.
        public var customerCommunicationAddr: Address?
        /// The legal address.
        public var legalAddr: Address?
        /// The e-mail address customers write to.
        public var customerCommunicationEmailAddr: EmailAddress?
        /// The company's e-mail address.
        public var email: EmailAddress?
        /// Main phone.
        public var primaryPhone: Phone?
        /// Web site.
        public var webAddr: WebAddress?
        /// When the company was created, `yyyy-MM-dd`.
        public var companyStartDate: String?
        /// First month of the fiscal year, e.g. `"January"`.
        public var fiscalYearStartMonth: String?
        /// Country code, e.g. `"US"`, `"CA"`, `"GB"`: decides sales tax vs VAT/GST rules.
        public var country: String?
        /// Languages, e.g. `"en"`.
        public var supportedLanguages: String?
        /// The employer id (EIN), when set.
        public var employerId: String?
        /// Further settings as name/value strings: `OfferingSku` (the plan),
        /// `SubscriptionStatus`, `IndustryType`, `PayrollFeature`, ...
        public var nameValue: [NameValue]?

        /// Creates an empty company info value (company info is read, not written, by qbsync).
        public init() {}

        /// The value of one ``nameValue`` entry, e.g. `value(named: "OfferingSku")`.
        /// - Parameter name: The entry's name, matched exactly.
        /// - Returns: Its value, or `nil` when absent.
        public func value(named name: String) -> String? {
            nameValue?.first { $0.name == name }?.value
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, metaData = "MetaData"
            case companyName = "CompanyName", legalName = "LegalName", companyAddr = "CompanyAddr"
            case customerCommunicationAddr = "CustomerCommunicationAddr", legalAddr = "LegalAddr"
            case customerCommunicationEmailAddr = "CustomerCommunicationEmailAddr", email = "Email"
            case primaryPhone = "PrimaryPhone", webAddr = "WebAddr", companyStartDate = "CompanyStartDate"
            case fiscalYearStartMonth = "FiscalYearStartMonth", country = "Country"
            case supportedLanguages = "SupportedLanguages", employerId = "EmployerId", nameValue = "NameValue"
        }
    }
}
