// The top-level properties of QBO's purchasing entities and of its location, class and
// term lists, as Intuit's API reference lists them (Vendor, Bill, BillPayment,
// PurchaseOrder, Purchase, Department, Class, Term). Anything else is 2010.
extension EntityKind {
    static let vendorProperties: Set<String> = [
        "Title", "GivenName", "MiddleName", "FamilyName", "Suffix", "DisplayName", "CompanyName", "PrintOnCheckName",
        "Active", "PrimaryPhone", "AlternatePhone", "Mobile", "Fax", "PrimaryEmailAddr", "WebAddr", "BillAddr",
        "OtherContactInfo", "TaxIdentifier", "TermRef", "Balance", "AcctNum", "Vendor1099", "CurrencyRef", "Notes",
        "APAccountRef", "CostRate", "BillRate", "VendorPaymentBankDetail", "TaxReportingBasis", "GSTIN",
        "GSTRegistrationType", "BusinessNumber", "Source", "T4AEligible", "T5018Eligible", "HasTPAR",
        "V4IDPseudonym", "IsProject",
    ]

    static let termProperties: Set<String> = [
        "Name", "Active", "Type", "DiscountPercent", "DueDays", "DiscountDays", "DayOfMonthDue", "DueNextMonthDays",
        "DiscountDayOfMonth",
    ]

    static let billProperties: Set<String> = [
        "VendorRef", "APAccountRef", "SalesTermRef", "DueDate", "Balance", "HomeBalance", "TxnTaxDetail",
        "GlobalTaxCalculation", "IncludeInAnnualTPAR", "RemitToAddr", "VendorAddr",
    ]

    static let billPaymentProperties: Set<String> = [
        "VendorRef", "PayType", "CheckPayment", "CreditCardPayment", "APAccountRef", "ProcessBillPayment",
    ]

    static let purchaseOrderProperties: Set<String> = [
        "VendorRef", "APAccountRef", "POStatus", "ManuallyClosed", "ShipAddr", "VendorAddr", "ShipTo", "ShipMethodRef",
        "Memo", "POEmail", "EmailStatus", "PrintStatus", "SalesTermRef", "DueDate", "TxnTaxDetail",
        "GlobalTaxCalculation", "ClassRef",
    ]

    static let purchaseProperties: Set<String> = [
        "AccountRef", "PaymentType", "EntityRef", "Credit", "RemitToAddr", "TxnTaxDetail", "GlobalTaxCalculation",
        "PrintStatus", "PurchaseEx", "IncludeInAnnualTPAR",
    ]
}
