import Foundation

/// Ids of the seeded entities QBO's rules fall back on when a client leaves a field out.
struct SeedDefaults: Sendable {
    var servicesItem = "1"
    var undepositedFundsAccount = "1"
    var salesIncomeAccount = "4"
    var discountsAccount = "5"
    /// The company's Accounts Payable account, which bills post to unless they name another.
    var accountsPayableAccount = "6"
    /// Where an inventory item's cost goes when it is sold, unless the item names another.
    var costOfGoodsSoldAccount = "8"
    /// The TaxCode a manual company's Preferences name as the default: California, 8%.
    var salesTaxCode = "2"
    /// The TaxRate and TaxCode automated sales tax creates when it is turned on.
    var automatedTaxRate: String?
    var automatedTaxCode: String?
}

// A new company: what a rental business's fresh QBO sandbox holds before any sync.
extension Ledger {
    mutating func seed(at now: Date) {
        let accounts: [(String, String, String)] = [
            ("Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
            ("Checking", "Bank", "Checking"),
            ("Rental Income", "Income", "ServiceFeeIncome"),
            ("Sales of Product Income", "Income", "SalesOfProductIncome"),
            ("Discounts given", "Income", "DiscountsRefundsGiven"),
            // The purchasing side (Ids 6-11), after the five above so their Ids stay.
            ("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable"),
            ("Mastercard", "Credit Card", "CreditCard"),
            ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
            ("Inventory Asset", "Other Current Asset", "Inventory"),
            ("Equipment Repairs", "Expense", "RepairMaintenance"),
            ("Supplies", "Expense", "SuppliesMaterials"),
        ]
        for (name, type, subtype) in accounts {
            insertSeed(.account, ["Name": .string(name), "AccountType": .string(type), "AccountSubType": .string(subtype)], at: now)
        }
        defaults.undepositedFundsAccount = holderID(ofName: "Undeposited Funds", kind: .account) ?? "1"
        defaults.salesIncomeAccount = holderID(ofName: "Sales of Product Income", kind: .account) ?? "4"
        defaults.discountsAccount = holderID(ofName: "Discounts given", kind: .account) ?? "5"
        defaults.accountsPayableAccount = holderID(ofName: "Accounts Payable (A/P)", kind: .account) ?? "6"
        defaults.costOfGoodsSoldAccount = holderID(ofName: "Cost of Goods Sold", kind: .account) ?? "8"
        let rentalIncome = holderID(ofName: "Rental Income", kind: .account) ?? "3"

        let items: [(String, String)] = [
            ("Services", defaults.salesIncomeAccount), ("Equipment Rental", rentalIncome), ("Delivery", rentalIncome),
            ("Damage Waiver", rentalIncome), ("Cleaning Fee", rentalIncome),
        ]
        for (name, income) in items {
            insertSeed(.item, ["Name": .string(name), "Type": "Service", "IncomeAccountRef": ["value": .string(income)]], at: now)
        }
        defaults.servicesItem = holderID(ofName: "Services", kind: .item) ?? "1"

        for (name, type) in [("Cash", "NON_CREDIT_CARD"), ("Check", "NON_CREDIT_CARD"), ("Visa", "CREDIT_CARD"),
            ("MasterCard", "CREDIT_CARD"), ("ACH", "NON_CREDIT_CARD")]
        {
            insertSeed(.paymentMethod, ["Name": .string(name), "Type": .string(type)], at: now)
        }

        seedPurchasing(at: now)

        insertSeed(.taxRate, [
            "Name": "California", "Description": "California sales tax", "Active": true, "RateValue": 8,
            "AgencyRef": ["value": "1"], "SpecialTaxType": "NONE", "DisplayType": "ReadOnly",
        ], at: now)
        for (id, name, taxable) in [("TAX", "TAX", true), ("NON", "NON", false)] {
            insertSeed(.taxCode, [
                "Name": .string(name), "Description": .string(taxable ? "Taxable" : "Non-taxable"), "Active": true,
                "Taxable": .bool(taxable), "TaxGroup": false,
            ], id: id, at: now)
        }
        // The code a US invoice's TxnTaxCodeRef names: California, 8%.
        insertSeed(.taxCode, [
            "Name": "California", "Description": "California sales tax", "Active": true, "Taxable": true,
            "TaxGroup": true,
            "SalesTaxRateList": ["TaxRateDetail": [["TaxRateRef": ["value": "1", "name": "California"],
                "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0]]],
            "PurchaseTaxRateList": ["TaxRateDetail": []],
        ], id: "2", at: now)
    }

    /// Terms (Ids 1-4, as in QBO's sample company, Net 30 being the Preferences' default
    /// "3"), two vendors, a location and a class.
    private mutating func seedPurchasing(at now: Date) {
        for (name, days) in [("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60)] {
            insertSeed(.term, ["Name": .string(name), "Type": "STANDARD", "DueDays": .number(Decimal(days))], at: now)
        }
        insertSeed(.vendor, [
            "DisplayName": "Hicks Hardware", "CompanyName": "Hicks Hardware",
            "PrimaryEmailAddr": ["Address": "orders@hickshardware.example"],
            "PrimaryPhone": ["FreeFormNumber": "(650) 555-0199"], "AcctNum": "HH-1001",
        ], at: now)
        insertSeed(.vendor, [
            "DisplayName": "Norton Lumber and Building Materials", "CompanyName": "Norton Lumber and Building Materials",
            "PrimaryEmailAddr": ["Address": "ap@nortonlumber.example"], "Vendor1099": true,
        ], at: now)
        insertSeed(.department, ["Name": "Main Yard"], at: now)
        insertSeed(.trackingClass, ["Name": "Rentals"], at: now)
    }

    /// Stores a seeded entity through the same rules a client's create goes through, so
    /// seeded rows look exactly like created ones.
    /// - Returns: The entity's Id.
    @discardableResult
    mutating func insertSeed(_ kind: EntityKind, _ body: JSONObject, id: String? = nil, at now: Date) -> String {
        let id = id ?? tables[kind, default: EntityTable()].allocateID()
        let stamp = JSONValue.string(QBOTime.dateTime(now))
        var normalized = body
        switch kind {
        case .item, .account, .paymentMethod, .term:
            normalized = (try? normalizeNameListEntry(kind, body, id: id)) ?? body
        case .vendor:
            normalized = (try? normalizeVendor(body, id: id)) ?? body
        case .department, .trackingClass:
            normalized = (try? normalizeTrackingEntry(kind, body, id: id)) ?? body
        default:
            break
        }
        let header: JSONObject = [
            "domain": "QBO", "sparse": false, "Id": .string(id), "SyncToken": "0",
            "MetaData": ["CreateTime": stamp, "LastUpdatedTime": stamp],
        ]
        commit(kind, StoredEntity(body: header.merging(normalized)), previous: nil, applications: nil, at: now)
        return id
    }
}
