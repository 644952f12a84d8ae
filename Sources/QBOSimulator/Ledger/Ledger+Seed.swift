import Foundation

/// Ids of the seeded entities QBO's rules fall back on when a client leaves a field out.
struct SeedDefaults: Sendable {
    var servicesItem = "1"
    var undepositedFundsAccount = "1"
    var salesIncomeAccount = "4"
    var discountsAccount = "5"
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
        ]
        for (name, type, subtype) in accounts {
            insertSeed(.account, ["Name": .string(name), "AccountType": .string(type), "AccountSubType": .string(subtype)], at: now)
        }
        defaults.undepositedFundsAccount = names[.account]?["undeposited funds"] ?? "1"
        defaults.salesIncomeAccount = names[.account]?["sales of product income"] ?? "4"
        defaults.discountsAccount = names[.account]?["discounts given"] ?? "5"
        let rentalIncome = names[.account]?["rental income"] ?? "3"

        let items: [(String, String)] = [
            ("Services", defaults.salesIncomeAccount), ("Equipment Rental", rentalIncome), ("Delivery", rentalIncome),
            ("Damage Waiver", rentalIncome), ("Cleaning Fee", rentalIncome),
        ]
        for (name, income) in items {
            insertSeed(.item, ["Name": .string(name), "Type": "Service", "IncomeAccountRef": ["value": .string(income)]], at: now)
        }
        defaults.servicesItem = names[.item]?["services"] ?? "1"

        for (name, type) in [("Cash", "NON_CREDIT_CARD"), ("Check", "NON_CREDIT_CARD"), ("Visa", "CREDIT_CARD"),
            ("MasterCard", "CREDIT_CARD"), ("ACH", "NON_CREDIT_CARD")]
        {
            insertSeed(.paymentMethod, ["Name": .string(name), "Type": .string(type)], at: now)
        }

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

    /// Stores a seeded entity through the same rules a client's create goes through, so
    /// seeded rows look exactly like created ones.
    /// - Returns: The entity's Id.
    @discardableResult
    mutating func insertSeed(_ kind: EntityKind, _ body: JSONObject, id: String? = nil, at now: Date) -> String {
        let id = id ?? tables[kind, default: EntityTable()].allocateID()
        let stamp = JSONValue.string(QBOTime.dateTime(now))
        var normalized = body
        if kind == .item || kind == .account || kind == .paymentMethod,
            let entry = try? normalizeNameListEntry(kind, body, id: id)
        {
            normalized = entry
        }
        let header: JSONObject = [
            "domain": "QBO", "sparse": false, "Id": .string(id), "SyncToken": "0",
            "MetaData": ["CreateTime": stamp, "LastUpdatedTime": stamp],
        ]
        commit(kind, StoredEntity(body: header.merging(normalized)), previous: nil, applications: nil, at: now)
        return id
    }
}
