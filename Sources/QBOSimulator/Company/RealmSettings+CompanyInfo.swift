import Foundation

// The company's CompanyInfo entity, shaped like the sample response of Intuit's CompanyInfo
// API reference ("Larry's Bakery": the address 2500 Garcia Ave, Mountain View, the
// NameValue list), with this company's name and the plan its inventory setting implies.
extension RealmSettings {
    /// The CompanyInfo body without its system members (`Id`, `SyncToken`, `MetaData`, ...).
    /// - Parameter startDate: `CompanyStartDate`, the day the realm was created.
    func companyInfoBody(startDate: String) -> JSONObject {
        let address: JSONValue = [
            "Id": "1", "Line1": "2500 Garcia Ave", "City": "Mountain View", "Country": "US",
            "CountrySubDivisionCode": "CA", "PostalCode": "94043",
        ]
        return [
            "CompanyName": .string(companyName), "LegalName": .string(legalName ?? companyName),
            "CompanyAddr": address, "CustomerCommunicationAddr": address, "LegalAddr": address,
            "PrimaryPhone": ["FreeFormNumber": "(650)944-4444"], "CompanyStartDate": .string(startDate),
            "FiscalYearStartMonth": "January", "Country": "US", "Email": ["Address": "donotreply@intuit.com"],
            "WebAddr": [:], "SupportedLanguages": "en",
            "NameValue": .array([
                ("NeoEnabled", "true"),
                ("IndustryType", "Other Commercial and Industrial Machinery and Equipment Rental and Leasing"),
                ("IndustryCode", "53249"), ("SubscriptionStatus", "PAID"), ("OfferingSku", offeringSku),
                ("PayrollFeature", "false"), ("AccountantFeature", "false"),
            ].map { ["Name": .string($0.0), "Value": .string($0.1)] }),
        ]
    }

    /// The QuickBooks Online plan: inventory quantities need Plus (or Advanced).
    var offeringSku: String {
        tracksInventory ? "QuickBooks Online Plus" : "QuickBooks Online Essentials"
    }
}
