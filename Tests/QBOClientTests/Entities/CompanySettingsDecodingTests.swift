import Foundation
import Testing
@testable import QBOClient

/// Preferences, CompanyInfo and the lists the engine's pickers read (terms, locations,
/// classes, tax codes and rates, payment methods, accounts, items) decode from recorded
/// or realistic QBO bodies.
@Suite("Company settings and picker lists")
struct CompanySettingsDecodingTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    private func page<E: QBOEntity>(_ type: E.Type, _ json: String) throws -> [E] {
        try decode(QueryEnvelope<E>.self, json).page.entities
    }

    @Test func recordedPreferencesWithoutPartnerTaxEnabled() throws {
        let preferences = try fixtureEntity(QBO.Preferences.self, "ExQuickBooks__preferences__read_response")
        #expect(preferences.id == "1")
        #expect(preferences.syncToken == "4")
        let tax = try #require(preferences.taxPrefs)
        #expect(tax.usingSalesTax == true)
        #expect(tax.partnerTaxEnabled == nil, "the recording has no PartnerTaxEnabled member")
        #expect(tax.isPartnerTaxEnabled == false)
        #expect(preferences.usesAutomatedSalesTax == false)
        #expect(tax.taxGroupCodeRef == QBO.Ref(value: "2"))

        #expect(preferences.productAndServicesPrefs == QBO.Preferences.ProductAndServicesPrefs(
            forSales: true, forPurchase: true, quantityWithPriceAndRate: true, quantityOnHand: true
        ))
        #expect(preferences.tracksQuantityOnHand)
        #expect(preferences.currencyPrefs == QBO.Preferences.CurrencyPrefs(multiCurrencyEnabled: false, homeCurrency: .init(value: "USD")))

        let sales = try #require(preferences.salesFormsPrefs)
        #expect(sales.customTxnNumbers == false)
        #expect(sales.allowDeposit == false)
        #expect(sales.allowDiscount == true)
        #expect(sales.defaultDiscountAccount == "86")
        #expect(sales.defaultTerms == QBO.Ref(value: "3"))
        #expect(sales.allowServiceDate == false)
        #expect(sales.autoApplyCredit == nil)
        #expect(sales.defaultCustomerMessage == "Thank you for your business and have a great day!")

        #expect(preferences.vendorAndPurchasesPrefs?.billableExpenseTracking == true)
        #expect(preferences.vendorAndPurchasesPrefs?.trackingByCustomer == true)
        #expect(preferences.accountingInfoPrefs?.trackDepartments == false)
        #expect(preferences.accountingInfoPrefs?.classTrackingPerTxnLine == false)
        #expect(preferences.accountingInfoPrefs?.customerTerminology == "Customers")
        #expect(preferences.otherPrefs?.value(named: "SalesFormsPrefs.DefaultItem") == "1")
        #expect(preferences.otherPrefs?.value(named: "Vendor1099Enabled") == "true")
        #expect(preferences.otherPrefs?.value(named: "NoSuchSetting") == nil)
    }

    @Test func automatedSalesTaxAndTrackedClasses() throws {
        let preferences = try decode(EntityEnvelope<QBO.Preferences>.self, """
        {"Preferences": {"Id": "1", "SyncToken": "7", "domain": "QBO", "sparse": false,
          "TaxPrefs": {"UsingSalesTax": true, "PartnerTaxEnabled": true, "TaxGroupCodeRef": {"value": "3"}},
          "ProductAndServicesPrefs": {"ForSales": true, "ForPurchase": true, "QuantityWithPriceAndRate": true, "QuantityOnHand": false},
          "AccountingInfoPrefs": {"TrackDepartments": true, "DepartmentTerminology": "Location", "ClassTrackingPerTxn": false,
            "ClassTrackingPerTxnLine": true, "FirstMonthOfFiscalYear": "April", "UseAccountNumbers": true, "BookCloseDate": "2025-12-31"},
          "SalesFormsPrefs": {"AutoApplyCredit": true, "AutoApplyPayments": true, "AllowDeposit": true, "CustomTxnNumbers": true},
          "VendorAndPurchasesPrefs": {"TrackingByCustomer": true, "BillableExpenseTracking": true, "DefaultMarkup": 12.5,
            "DefaultTerms": {"value": "2"}},
          "CurrencyPrefs": {"MultiCurrencyEnabled": true, "HomeCurrency": {"value": "CAD"}}},
         "time": "2026-05-05T03:22:08.036-07:00"}
        """).entity
        #expect(preferences.usesAutomatedSalesTax)
        #expect(preferences.taxPrefs?.taxGroupCodeRef?.value == "3")
        #expect(!preferences.tracksQuantityOnHand)
        #expect(preferences.accountingInfoPrefs?.departmentTerminology == "Location")
        #expect(preferences.accountingInfoPrefs?.bookCloseDate == "2025-12-31")
        #expect(preferences.accountingInfoPrefs?.useAccountNumbers == true)
        #expect(preferences.salesFormsPrefs?.autoApplyPayments == true)
        #expect(preferences.vendorAndPurchasesPrefs?.defaultMarkup == dec("12.5"))
        #expect(preferences.currencyPrefs?.homeCurrency?.value == "CAD")
        #expect(preferences.currencyPrefs?.multiCurrencyEnabled == true)

        let bare = try decode(EntityEnvelope<QBO.Preferences>.self, #"{"Preferences": {"Id": "1"}}"#).entity
        #expect(!bare.usesAutomatedSalesTax, "no TaxPrefs at all reads as manual sales tax")
        #expect(!bare.tracksQuantityOnHand)
    }

    @Test func companyInfoAfterIntuitsSample() throws {
        // The shape of Intuit's CompanyInfo API reference sample (no public recording was found).
        let info = try decode(EntityEnvelope<QBO.CompanyInfo>.self, """
        {"CompanyInfo": {"SyncToken": "4", "domain": "QBO",
          "LegalAddr": {"City": "Mountain View", "Country": "US", "Line1": "2500 Garcia Ave", "PostalCode": "94043", "CountrySubDivisionCode": "CA", "Id": "1"},
          "SupportedLanguages": "en", "CompanyName": "Larry's Bakery", "Country": "US",
          "CompanyAddr": {"City": "Mountain View", "Country": "US", "Line1": "2500 Garcia Ave", "PostalCode": "94043", "CountrySubDivisionCode": "CA", "Id": "1"},
          "sparse": false, "Id": "1", "WebAddr": {}, "FiscalYearStartMonth": "January",
          "CustomerCommunicationAddr": {"City": "Mountain View", "Country": "US", "Line1": "2500 Garcia Ave", "PostalCode": "94043", "CountrySubDivisionCode": "CA", "Id": "1"},
          "PrimaryPhone": {"FreeFormNumber": "(650)944-4444"}, "LegalName": "Larry's Bakery", "CompanyStartDate": "2015-06-05",
          "EmployerId": "123456789", "Email": {"Address": "donotreply@intuit.com"},
          "NameValue": [{"Name": "NeoEnabled", "Value": "true"}, {"Name": "IndustryType", "Value": "Bread and Bakery Product Manufacturing"},
            {"Name": "IndustryCode", "Value": "31181"}, {"Name": "SubscriptionStatus", "Value": "PAID"},
            {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"}, {"Name": "PayrollFeature", "Value": "true"},
            {"Name": "AccountantFeature", "Value": "false"}],
          "MetaData": {"CreateTime": "2015-06-05T13:55:54-07:00", "LastUpdatedTime": "2015-07-06T08:51:50-07:00"}},
         "time": "2015-07-10T09:38:58.155-07:00"}
        """).entity
        #expect(info.id == "1")
        #expect(info.companyName == "Larry's Bakery")
        #expect(info.legalName == "Larry's Bakery")
        #expect(info.country == "US")
        #expect(info.fiscalYearStartMonth == "January")
        #expect(info.companyStartDate == "2015-06-05")
        #expect(info.companyAddr?.line1 == "2500 Garcia Ave")
        #expect(info.legalAddr?.countrySubDivisionCode == "CA")
        #expect(info.customerCommunicationAddr?.postalCode == "94043")
        #expect(info.primaryPhone?.freeFormNumber == "(650)944-4444")
        #expect(info.email?.address == "donotreply@intuit.com")
        #expect(info.webAddr == QBO.WebAddress(uri: nil))
        #expect(info.supportedLanguages == "en")
        #expect(info.employerId == "123456789")
        #expect(info.nameValue?.count == 7)
        #expect(info.value(named: "OfferingSku") == "QuickBooks Online Plus")
        #expect(info.value(named: "SubscriptionStatus") == "PAID")
        #expect(info.value(named: "Missing") == nil)
    }

    @Test func termsForPickers() throws {
        let terms = try page(QBO.Term.self, """
        {"QueryResponse": {"Term": [
          {"Name": "Due on receipt", "Active": true, "Type": "STANDARD", "DueDays": 0, "domain": "QBO", "sparse": false, "Id": "1", "SyncToken": "0",
           "MetaData": {"CreateTime": "2026-04-01T10:12:02-07:00", "LastUpdatedTime": "2026-04-01T10:12:02-07:00"}},
          {"Name": "1% 10 Net 30", "Active": true, "Type": "STANDARD", "DueDays": 30, "DiscountPercent": 1.5, "DiscountDays": 10,
           "domain": "QBO", "sparse": false, "Id": "4", "SyncToken": "2"},
          {"Name": "Due 15th", "Active": false, "Type": "DATE_DRIVEN", "DayOfMonthDue": 15, "DueNextMonthDays": 5, "DiscountDayOfMonth": 10,
           "DiscountPercent": 0.25, "domain": "QBO", "sparse": false, "Id": "7", "SyncToken": "0"}
        ], "startPosition": 1, "maxResults": 3}, "time": "2026-05-05T03:22:08.036-07:00"}
        """)
        #expect(terms.map(\.name) == ["Due on receipt", "1% 10 Net 30", "Due 15th"])
        #expect(terms[0].dueDays == 0)
        #expect(terms[1].discountPercent == dec("1.5"))
        #expect(terms[1].discountDays == 10)
        #expect(terms[2].type == "DATE_DRIVEN")
        #expect(terms[2].dayOfMonthDue == 15)
        #expect(terms[2].dueNextMonthDays == 5)
        #expect(terms[2].discountDayOfMonth == 10)
        #expect(terms[2].discountPercent == dec("0.25"))
        #expect(terms[2].active == false)
    }

    @Test func locationsAndClasses() throws {
        let departments = try page(QBO.Department.self, """
        {"QueryResponse": {"Department": [
          {"Name": "Marketing Department", "SubDepartment": false, "FullyQualifiedName": "Marketing Department", "Active": true,
           "domain": "QBO", "sparse": false, "Id": "2", "SyncToken": "0",
           "MetaData": {"CreateTime": "2013-08-13T11:52:48-07:00", "LastUpdatedTime": "2013-08-13T11:52:48-07:00"}},
          {"Name": "Yard B", "SubDepartment": true, "ParentRef": {"value": "2"}, "FullyQualifiedName": "Marketing Department:Yard B",
           "Active": true, "domain": "QBO", "sparse": false, "Id": "3", "SyncToken": "1"}
        ], "startPosition": 1, "maxResults": 2}}
        """)
        #expect(departments[0].subDepartment == false)
        #expect(departments[0].parentRef == nil)
        #expect(departments[1].parentRef == QBO.Ref(value: "2"))
        #expect(departments[1].fullyQualifiedName == "Marketing Department:Yard B")

        let classes = try page(QBO.Class.self, """
        {"QueryResponse": {"Class": [
          {"Name": "Europe", "SubClass": false, "FullyQualifiedName": "Europe", "Active": true, "domain": "QBO", "sparse": false, "Id": "5", "SyncToken": "0"},
          {"Name": "France", "SubClass": true, "ParentRef": {"value": "5"}, "FullyQualifiedName": "Europe:France", "Active": true,
           "domain": "QBO", "sparse": false, "Id": "9", "SyncToken": "0",
           "MetaData": {"CreateTime": "2015-07-22T13:57:27-07:00", "LastUpdatedTime": "2015-07-22T13:57:27-07:00"}}
        ], "startPosition": 1, "maxResults": 2}}
        """)
        #expect(classes.map(\.fullyQualifiedName) == ["Europe", "Europe:France"])
        #expect(classes[1].subClass == true)
        #expect(classes[1].parentRef?.value == "5")
    }

    @Test func taxCodesAndRatesForPickers() throws {
        let codes = try page(QBO.TaxCode.self, """
        {"QueryResponse": {"TaxCode": [
          {"Name": "California", "Description": "California", "Active": true, "Hidden": false, "Taxable": true, "TaxGroup": true,
           "SalesTaxRateList": {"TaxRateDetail": [
             {"TaxRateRef": {"value": "3", "name": "California"}, "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0},
             {"TaxRateRef": {"value": "4", "name": "Tucson City"}, "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0}]},
           "PurchaseTaxRateList": {"TaxRateDetail": []},
           "domain": "QBO", "sparse": false, "Id": "2", "SyncToken": "0",
           "MetaData": {"CreateTime": "2026-04-01T10:12:02-07:00", "LastUpdatedTime": "2026-04-01T10:12:02-07:00"}},
          {"Name": "Out of scope", "Description": "Out of scope", "Active": true, "Taxable": false, "TaxGroup": false,
           "SalesTaxRateList": {}, "domain": "QBO", "sparse": false, "Id": "10", "SyncToken": "0"}
        ], "startPosition": 1, "maxResults": 2}}
        """)
        #expect(codes[0].taxGroup == true)
        #expect(codes[0].salesTaxRateList?.taxRateDetail?.map(\.taxRateRef?.value) == ["3", "4"])
        #expect(codes[0].salesTaxRateList?.taxRateDetail?.first?.taxTypeApplicable == "TaxOnAmount")
        #expect(codes[1].taxable == false)
        #expect(codes[1].salesTaxRateList?.taxRateDetail == nil)

        let rates = try page(QBO.TaxRate.self, """
        {"QueryResponse": {"TaxRate": [
          {"RateValue": 8, "AgencyRef": {"value": "1"}, "SpecialTaxType": "NONE", "DisplayType": "ReadOnly",
           "EffectiveTaxRate": [{"RateValue": 8, "EffectiveDate": "1970-01-01T00:00:00-08:00"}],
           "domain": "QBO", "sparse": false, "Name": "California", "Description": "Sales Tax", "Active": true, "Id": "3", "SyncToken": "0"},
          {"RateValue": 2.1, "AgencyRef": {"value": "2"}, "domain": "QBO", "sparse": false, "Name": "Tucson City",
           "Active": true, "Id": "4", "SyncToken": "0"},
          {"RateValue": 8.875, "AgencyRef": {"value": "3"}, "Name": "NYC", "Active": false, "Id": "5", "SyncToken": "1"}
        ], "startPosition": 1, "maxResults": 3}}
        """)
        #expect(rates.map(\.rateValue) == [dec("8"), dec("2.1"), dec("8.875")])
        #expect(rates[0].agencyRef == QBO.Ref(value: "1"))
        #expect(rates[0].description == "Sales Tax")
        #expect(rates[2].active == false)
    }

    @Test func paymentMethodsAndAccountsForPickers() throws {
        let methods = try page(QBO.PaymentMethod.self, """
        {"QueryResponse": {"PaymentMethod": [
          {"Name": "American Express", "Active": true, "Type": "CREDIT_CARD", "domain": "QBO", "sparse": false, "Id": "3", "SyncToken": "0",
           "MetaData": {"CreateTime": "2026-04-01T10:12:02-07:00", "LastUpdatedTime": "2026-04-01T10:12:02-07:00"}},
          {"Name": "Cash", "Active": true, "Type": "NON_CREDIT_CARD", "domain": "QBO", "sparse": false, "Id": "1", "SyncToken": "0"}
        ], "startPosition": 1, "maxResults": 2}}
        """)
        #expect(methods.map(\.name) == ["American Express", "Cash"])
        #expect(methods.map(\.type) == ["CREDIT_CARD", "NON_CREDIT_CARD"])

        let accounts = try page(QBO.Account.self, """
        {"QueryResponse": {"Account": [
          {"Name": "Checking", "SubAccount": false, "FullyQualifiedName": "Checking", "Active": true, "Classification": "Asset",
           "AccountType": "Bank", "AccountSubType": "Checking", "CurrentBalance": 1201.00, "CurrentBalanceWithSubAccounts": 1201.00,
           "CurrencyRef": {"value": "USD", "name": "United States Dollar"}, "domain": "QBO", "sparse": false, "Id": "35", "SyncToken": "0"},
          {"Name": "Mastercard", "SubAccount": false, "FullyQualifiedName": "Mastercard", "Active": true, "Classification": "Liability",
           "AccountType": "Credit Card", "AccountSubType": "CreditCard", "CurrentBalance": -157.72, "CurrentBalanceWithSubAccounts": -157.72,
           "domain": "QBO", "sparse": false, "Id": "41", "SyncToken": "0"},
          {"Name": "Fuel", "SubAccount": true, "ParentRef": {"value": "55"}, "FullyQualifiedName": "Automobile:Fuel", "Active": true,
           "Classification": "Expense", "AccountType": "Expense", "AccountSubType": "Auto", "AcctNum": "6010", "CurrentBalance": 0,
           "domain": "QBO", "sparse": false, "Id": "56", "SyncToken": "0"}
        ], "startPosition": 1, "maxResults": 3}}
        """)
        #expect(accounts[0].currentBalance == dec("1201.00"))
        #expect(accounts[1].currentBalance == dec("-157.72"))
        #expect(accounts[1].accountType == "Credit Card")
        #expect(accounts[2].parentRef == QBO.Ref(value: "55"))
        #expect(accounts[2].fullyQualifiedName == "Automobile:Fuel")
        #expect(accounts[2].acctNum == "6010")
    }

    @Test func inventoryItem() throws {
        let item = try decode(EntityEnvelope<QBO.Item>.self, """
        {"Item": {"FullyQualifiedName": "Garden Supplies", "domain": "QBO", "Id": "19", "Name": "Garden Supplies", "Sku": "GS-01",
          "TrackQtyOnHand": true, "UnitPrice": 19.99, "PurchaseCost": 7.35, "QtyOnHand": 12.5, "InvStartDate": "2026-01-01",
          "IncomeAccountRef": {"name": "Sales of Product Income", "value": "79"},
          "AssetAccountRef": {"name": "Inventory Asset", "value": "81"},
          "ExpenseAccountRef": {"name": "Cost of Goods Sold", "value": "80"},
          "PrefVendorRef": {"value": "41", "name": "Hicks Hardware"}, "ReorderPoint": 5, "PurchaseDesc": "Bag of soil",
          "Taxable": true, "sparse": false, "Active": true, "SyncToken": "0", "Type": "Inventory",
          "MetaData": {"CreateTime": "2026-01-01T10:12:02-08:00", "LastUpdatedTime": "2026-01-01T10:12:02-08:00"}},
         "time": "2026-01-01T10:12:02.000-08:00"}
        """).entity
        #expect(item.type == "Inventory")
        #expect(item.trackQtyOnHand == true)
        #expect(item.qtyOnHand == dec("12.5"))
        #expect(item.invStartDate == "2026-01-01")
        #expect(item.unitPrice == dec("19.99"))
        #expect(item.purchaseCost == dec("7.35"))
        #expect(item.assetAccountRef?.value == "81")
        #expect(item.expenseAccountRef?.value == "80")
        #expect(item.incomeAccountRef?.value == "79")
        #expect(item.sku == "GS-01")
        #expect(item.taxable == true)
        #expect(item.prefVendorRef?.name == "Hicks Hardware")
        #expect(item.reorderPoint == 5)
        #expect(item.purchaseDesc == "Bag of soil")
    }
}
