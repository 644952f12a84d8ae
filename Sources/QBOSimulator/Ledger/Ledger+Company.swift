import Foundation

// The company's own entities: Preferences and CompanyInfo (Id "1" each), and the tax code
// and rate automated sales tax sets up, all following the realm's `RealmSettings`.
extension Ledger {
    /// The Id QBO gives a company's single Preferences and CompanyInfo.
    static let companyEntityID = "1"

    /// Takes `newSettings` and brings Preferences and CompanyInfo up to date (a new version,
    /// SyncToken bumped, only when their bodies change). Turning automated sales tax on for
    /// the first time creates its TaxRate and TaxCode, as QBO's AST creates the codes it
    /// charges; a new engine rate changes that TaxRate's `RateValue`.
    mutating func apply(_ newSettings: RealmSettings, at now: Date) {
        settings = newSettings
        if settings.automatedSalesTax || defaults.automatedTaxRate != nil {
            setUpAutomatedSalesTax(at: now)
        }
        let references = RealmSettings.PreferenceReferences(
            defaultTaxCode: settings.automatedSalesTax ? defaults.automatedTaxCode ?? defaults.salesTaxCode
                : defaults.salesTaxCode,
            discountAccount: defaults.discountsAccount, defaultItem: defaults.servicesItem)
        put(.preferences, settings.preferencesBody(references), at: now)
        let startDate =
            entity(.companyInfo, Self.companyEntityID)?.body["CompanyStartDate"]?.stringValue ?? QBOTime.date(now)
        put(.companyInfo, settings.companyInfoBody(startDate: startDate), at: now)
    }

    /// Stores a company entity's body, as a new version when it differs from the stored one.
    private mutating func put(_ kind: EntityKind, _ body: JSONObject, at now: Date) {
        let id = Self.companyEntityID
        if let existing = entity(kind, id) {
            guard Self.withoutSystemProperties(existing.body) != body else { return }
            var updated = existing
            updated.body = header(bumping: existing, at: now).merging(body)
            tables[kind]?[id] = updated
            return
        }
        let stamp = JSONValue.string(QBOTime.dateTime(now))
        let header: JSONObject = [
            "domain": "QBO", "sparse": false, "Id": .string(id), "SyncToken": "0",
            "MetaData": ["CreateTime": stamp, "LastUpdatedTime": stamp],
        ]
        tables[kind, default: EntityTable()][id] = StoredEntity(body: header.merging(body))
    }

    /// The engine's TaxRate (at the configured rate) and the TaxCode charging it.
    private mutating func setUpAutomatedSalesTax(at now: Date) {
        let rate = settings.automatedSalesTaxRate
        if let rateID = defaults.automatedTaxRate, let existing = entity(.taxRate, rateID) {
            guard existing.body["RateValue"]?.decimalValue != rate else { return }
            var updated = existing
            updated.body = header(bumping: existing, at: now).merging(Self.withoutSystemProperties(existing.body))
            updated.body["RateValue"] = .number(rate)
            tables[.taxRate]?[rateID] = updated
            return
        }
        let rateID = insertSeed(.taxRate, [
            "Name": "Automated sales tax", "Description": "The rate of the simulated automated sales tax engine",
            "Active": true, "RateValue": .number(rate), "AgencyRef": ["value": "1"], "SpecialTaxType": "NONE",
            "DisplayType": "ReadOnly",
        ], at: now)
        let codeID = insertSeed(.taxCode, [
            "Name": "Automated sales tax", "Description": "Assigned by automated sales tax", "Active": true,
            "Taxable": true, "TaxGroup": true,
            "SalesTaxRateList": ["TaxRateDetail": [["TaxRateRef": ["value": .string(rateID), "name": "Automated sales tax"],
                "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0]]],
            "PurchaseTaxRateList": ["TaxRateDetail": []],
        ], id: "3", at: now)
        defaults.automatedTaxRate = rateID
        defaults.automatedTaxCode = codeID
    }
}
