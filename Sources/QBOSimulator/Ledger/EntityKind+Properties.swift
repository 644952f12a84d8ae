extension EntityKind {
    /// Every top-level property a client may send. Anything else is rejected with 2010, as
    /// QBO's Jackson reader rejects unknown fields. Read-only properties (`TotalAmt`,
    /// `Balance`, `MetaData`, ...) are listed because clients echo them back on full
    /// updates; the simulator recomputes them.
    var knownProperties: Set<String> {
        Self.knownPropertiesByKind[self] ?? []
    }

    private static let knownPropertiesByKind: [EntityKind: Set<String>] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0, $0.computeKnownProperties()) })

    private func computeKnownProperties() -> Set<String> {
        switch self {
        case .customer: return Self.commonProperties.union(Self.customerProperties)
        case .item: return Self.commonProperties.union(Self.itemProperties)
        case .account: return Self.commonProperties.union(Self.accountProperties)
        case .paymentMethod: return Self.commonProperties.union(["Name", "Active", "Type"])
        case .taxCode: return Self.commonProperties.union(Self.taxCodeProperties)
        case .taxRate: return Self.commonProperties.union(Self.taxRateProperties)
        case .invoice: return Self.commonProperties.union(Self.transactionProperties).union(Self.salesDocumentProperties).union(Self.invoiceProperties)
        case .creditMemo:
            return Self.commonProperties.union(Self.transactionProperties).union(Self.salesDocumentProperties).union(["RemainingCredit", "InvoiceRef"])
        case .refundReceipt:
            return Self.commonProperties.union(Self.transactionProperties).union(Self.salesDocumentProperties)
                .union(["CheckPayment", "CreditCardPayment", "PaymentType", "RemainingCredit"])
        case .payment: return Self.commonProperties.union(Self.transactionProperties).union(Self.paymentProperties)
        case .vendor: return Self.commonProperties.union(Self.vendorProperties)
        case .department: return Self.commonProperties.union(["Name", "SubDepartment", "ParentRef", "FullyQualifiedName", "Active"])
        case .trackingClass: return Self.commonProperties.union(["Name", "SubClass", "ParentRef", "FullyQualifiedName", "Active"])
        case .term: return Self.commonProperties.union(Self.termProperties)
        case .bill: return Self.commonProperties.union(Self.transactionProperties).union(Self.billProperties)
        case .billPayment: return Self.commonProperties.union(Self.transactionProperties).union(Self.billPaymentProperties)
        case .purchaseOrder:
            return Self.commonProperties.union(Self.transactionProperties).union(Self.purchaseOrderProperties)
        case .purchase: return Self.commonProperties.union(Self.transactionProperties).union(Self.purchaseProperties)
        case .preferences: return Self.commonProperties.union(Self.preferencesProperties)
        case .companyInfo: return Self.commonProperties.union(Self.companyInfoProperties)
        }
    }

    static let commonProperties: Set<String> = ["Id", "SyncToken", "MetaData", "domain", "sparse", "status"]

    private static let customerProperties: Set<String> = [
        "DisplayName", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix", "CompanyName", "FullyQualifiedName",
        "PrintOnCheckName", "Active", "PrimaryPhone", "AlternatePhone", "Mobile", "Fax", "PrimaryEmailAddr", "WebAddr",
        "BillAddr", "ShipAddr", "OtherAddr", "Notes", "Job", "BillWithParent", "ParentRef", "Level", "Taxable",
        "Balance", "BalanceWithJobs", "OpenBalanceDate", "CurrencyRef", "PreferredDeliveryMethod", "ResaleNum",
        "DefaultTaxCodeRef", "SalesTermRef", "PaymentMethodRef", "TaxExemptionReasonId", "ARAccountRef",
        "PrimaryTaxIdentifier", "SecondaryTaxIdentifier", "BusinessNumber", "GSTIN", "GSTRegistrationType",
        "IsProject", "ClientEntityId", "CustomerTypeRef", "Source", "TaxRegistrationNumber", "V4IDPseudonym",
        "CustomField",
    ]

    private static let itemProperties: Set<String> = [
        "Name", "Sku", "Description", "Active", "SubItem", "ParentRef", "Level", "FullyQualifiedName", "Taxable",
        "SalesTaxIncluded", "UnitPrice", "Type", "IncomeAccountRef", "PurchaseDesc", "PurchaseTaxIncluded",
        "PurchaseCost", "ExpenseAccountRef", "AssetAccountRef", "TrackQtyOnHand", "QtyOnHand", "InvStartDate",
        "SalesTaxCodeRef", "PurchaseTaxCodeRef", "ClassRef", "PrefVendorRef", "ReorderPoint", "UQCDisplayText",
        "UQCId", "TaxClassificationRef", "ItemCategoryType", "Source", "ServiceType", "AbatementRate",
        "ReverseChargeRate", "DeferredRevenue",
    ]

    private static let accountProperties: Set<String> = [
        "Name", "SubAccount", "ParentRef", "Description", "FullyQualifiedName", "Active", "Classification",
        "AccountType", "AccountSubType", "AcctNum", "CurrentBalance", "CurrentBalanceWithSubAccounts", "CurrencyRef",
        "TaxCodeRef", "AccountAlias", "TxnLocationType",
    ]

    private static let taxCodeProperties: Set<String> = [
        "Name", "Description", "Active", "Hidden", "Taxable", "TaxGroup", "SalesTaxRateList", "PurchaseTaxRateList",
        "TaxCodeConfigType",
    ]

    private static let taxRateProperties: Set<String> = [
        "Name", "Description", "Active", "RateValue", "AgencyRef", "TaxReturnLineRef", "SpecialTaxType", "DisplayType",
        "EffectiveTaxRate",
    ]

    /// Properties of QBO's `Transaction` base class.
    static let transactionProperties: Set<String> = [
        "DocNumber", "TxnDate", "PrivateNote", "Line", "LinkedTxn", "CurrencyRef", "ExchangeRate", "TotalAmt",
        "HomeTotalAmt", "TxnSource", "TxnStatus", "TransactionLocationType", "TaxExemptionRef", "ProjectRef",
        "DepartmentRef", "CustomField", "Tag", "RecurDataRef", "TxnApprovalInfo", "CustomerRef",
        "DepositToAccountRef", "PaymentMethodRef", "PaymentRefNum",
    ]

    private static let salesDocumentProperties: Set<String> = [
        "TxnTaxDetail", "CustomerMemo", "BillAddr", "ShipAddr", "ShipFromAddr", "FreeFormAddress", "ClassRef",
        "SalesTermRef", "Balance", "HomeBalance", "ApplyTaxAfterDiscount", "PrintStatus", "EmailStatus", "BillEmail",
        "BillEmailCc", "BillEmailBcc", "GlobalTaxCalculation", "ShipMethodRef", "ShipDate", "TrackingNum",
        "AutoDocNumber",
    ]

    private static let invoiceProperties: Set<String> = [
        "DueDate", "AllowIPNPayment", "AllowOnlinePayment", "AllowOnlineCreditCardPayment", "AllowOnlineACHPayment",
        "InvoiceLink", "Deposit", "DeliveryInfo", "TaxFormNum", "TaxFormType", "FOB", "PONumber", "SalesRepRef",
        "InvoiceEx", "EInvoiceStatus", "ECloudStatusTimeStamp", "RemitToRef", "ConvenienceFeeDetail", "DiscountRate",
        "PaymentDetailsMessage", "callToAction", "invoiceStatusLog", "LessCIS", "RecurringInfo",
    ]

    private static let preferencesProperties: Set<String> = [
        "AccountingInfoPrefs", "AdvancedInventoryPrefs", "ProductAndServicesPrefs", "SalesFormsPrefs", "EmailMessagesPrefs",
        "PrintDocumentPrefs", "VendorAndPurchasesPrefs", "TimeTrackingPrefs", "TaxPrefs", "FinanceChargesPrefs",
        "CurrencyPrefs", "ReportPrefs", "OtherPrefs",
    ]

    private static let companyInfoProperties: Set<String> = [
        "CompanyName", "LegalName", "CompanyAddr", "CustomerCommunicationAddr", "LegalAddr",
        "CustomerCommunicationEmailAddr", "PrimaryPhone", "CompanyStartDate", "FiscalYearStartMonth", "Country",
        "Email", "WebAddr", "SupportedLanguages", "NameValue", "DefaultTimeZone", "EmployerId", "SecondaryTaxIdentifier",
    ]

    private static let paymentProperties: Set<String> = [
        "UnappliedAmt", "ProcessPayment", "ARAccountRef", "CreditCardPayment",
    ]

    /// The canonical spelling of a property named in a query, ignoring case; dotted
    /// `MetaData.CreateTime` / `MetaData.LastUpdatedTime` are the only nested ones QBO allows.
    func queryableProperty(_ name: String) -> String? {
        let lowered = name.lowercased()
        if lowered == "metadata.createtime" { return "MetaData.CreateTime" }
        if lowered == "metadata.lastupdatedtime" { return "MetaData.LastUpdatedTime" }
        guard !name.contains(".") else { return nil }
        return knownProperties.first { $0.lowercased() == lowered }
    }
}
