import Foundation

// The company's Preferences entity, shaped like the sample response of Intuit's Preferences
// API reference (a US sandbox company): the same groups and members, with this company's
// name, tax and inventory settings and the seeded discount account and default item.
extension RealmSettings {
    /// What the books a Preferences body refers to.
    struct PreferenceReferences: Sendable, Hashable {
        /// `TaxPrefs.TaxGroupCodeRef`: the company's default sales tax code.
        var defaultTaxCode: String
        /// `SalesFormsPrefs.DefaultDiscountAccount`.
        var discountAccount: String
        /// `OtherPrefs` `SalesFormsPrefs.DefaultItem`.
        var defaultItem: String
    }

    /// The Preferences body without its system members (`Id`, `SyncToken`, `MetaData`, ...).
    func preferencesBody(_ references: PreferenceReferences) -> JSONObject {
        [
            "EmailMessagesPrefs": emailMessages,
            "ProductAndServicesPrefs": [
                "ForSales": true, "ForPurchase": true, "QuantityWithPriceAndRate": true,
                "QuantityOnHand": .bool(tracksInventory),
            ],
            "ReportPrefs": ["ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": false],
            "AccountingInfoPrefs": [
                "FirstMonthOfFiscalYear": "January", "UseAccountNumbers": false, "TaxYearMonth": "January",
                "ClassTrackingPerTxn": false, "TrackDepartments": true, "DepartmentTerminology": "Location",
                "CustomerTerminology": "Customers", "ClassTrackingPerTxnLine": true,
            ],
            "SalesFormsPrefs": [
                "ETransactionPaymentEnabled": false, "CustomTxnNumbers": false, "AllowShipping": false,
                "AllowServiceDate": false, "ETransactionEnabledStatus": "NotApplicable", "EmailCopyToCompany": false,
                "AllowEstimates": true, "DefaultTerms": ["value": "3"], "AllowDiscount": true,
                "DefaultDiscountAccount": .string(references.discountAccount), "AllowDeposit": true,
                "AutoApplyPayments": true, "IPNSupportEnabled": false, "AutoApplyCredit": true,
                "UsingPriceLevels": false, "ETransactionAttachPDF": false,
            ],
            "VendorAndPurchasesPrefs": ["BillableExpenseTracking": false, "TrackingByCustomer": false],
            "TaxPrefs": [
                "UsingSalesTax": true, "PartnerTaxEnabled": .bool(automatedSalesTax),
                "TaxGroupCodeRef": ["value": .string(references.defaultTaxCode)],
            ],
            "OtherPrefs": ["NameValue": .array([
                ("SalesFormsPrefs.DefaultItem", references.defaultItem),
                ("DateFormat", "Month Date Year separated by a slash"),
                ("DateFormatMnemonic", "MMDDYYYY_SEP_SLASH"), ("NumberFormat", "US Number Format"),
                ("NumberFormatMnemonic", "US_NB"), ("WarnDuplicateCheckNumber", "true"),
            ].map { ["Name": .string($0.0), "Value": .string($0.1)] })],
            "TimeTrackingPrefs": [
                "WorkWeekStartDate": "Monday", "MarkTimeEntriesBillable": false, "ShowBillRateToAll": false,
                "UseServices": true, "BillCustomers": false,
            ],
            "CurrencyPrefs": ["HomeCurrency": ["value": "USD"], "MultiCurrencyEnabled": false],
        ]
    }

    private var emailMessages: JSONValue {
        let closing = "\n\nSincerely,\n\(companyName)"
        let thanks = "Thank you for your business - we appreciate it very much."
        let remit = "Please remit payment at your earliest convenience."
        let messages: [(String, String, String)] = [
            ("InvoiceMessage", "Invoice", "Your invoice is attached.  \(remit)\n\(thanks)"),
            ("EstimateMessage", "Estimate",
             "Please review the estimate below.  Feel free to contact us if you have any questions.\n"
                + "We look forward to working with you."),
            ("SalesReceiptMessage", "Sales Receipt", "Your sales receipt is attached.\n\(thanks)"),
            ("StatementMessage", "Statement", "Your statement is attached.  \(remit)\n\(thanks)"),
        ]
        return .object(JSONObject(messages.map { key, document, text in
            (key, ["Message": .string(text + closing), "Subject": .string("\(document) from \(companyName)")])
        }))
    }
}
