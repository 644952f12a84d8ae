import Foundation

/// How one simulated company is set up: its name, how it charges US sales tax, and whether
/// its QuickBooks plan tracks inventory.
///
/// The realm's `Preferences` and `CompanyInfo` entities show these settings, and its sales
/// forms are taxed by them. Change them with `QBOSimulator.setRealmSettings(_:realmID:)`,
/// `QBOSimulator.setSalesTax(realmID:automated:rate:)` or `POST /admin/realms/{id}/settings`;
/// new realms start from `SimulatorConfiguration.realmSettings`. Resetting a realm's books
/// keeps its settings.
public struct RealmSettings: Sendable, Hashable {
    /// `CompanyInfo.CompanyName`, also named in the Preferences' email messages.
    public var companyName: String
    /// `CompanyInfo.LegalName`; nil means the same as `companyName`.
    public var legalName: String?
    /// `Preferences.TaxPrefs.PartnerTaxEnabled`: QBO's automated sales tax (AST) works out the
    /// tax of every sales form at `automatedSalesTaxRate`, ignoring a `TxnTaxDetail.TotalTax`
    /// sent without a `TxnTaxCodeRef`. False is the manual sales tax of companies created
    /// before November 2017: the client's tax code or total decides.
    public var automatedSalesTax: Bool
    /// The AST engine's rate in percent (`8.25` is 8.25%), charged on taxable lines while
    /// `automatedSalesTax` is on; from 0 to 100.
    public var automatedSalesTaxRate: Decimal
    /// `Preferences.ProductAndServicesPrefs.QuantityOnHand`: the plan tracks inventory
    /// quantities (QuickBooks Online Plus and Advanced do, Simple Start and Essentials do not).
    public var tracksInventory: Bool

    /// Settings; the defaults are a sandbox-like US company on manual sales tax whose plan
    /// tracks inventory.
    /// - Parameters:
    ///   - companyName: The company's name.
    ///   - legalName: Its legal name, nil for the company name.
    ///   - automatedSalesTax: Whether QBO's automated sales tax is on.
    ///   - automatedSalesTaxRate: The AST engine's rate in percent.
    ///   - tracksInventory: Whether the plan tracks inventory quantities.
    public init(
        companyName: String = "Sandbox Company_US_1", legalName: String? = nil, automatedSalesTax: Bool = false,
        automatedSalesTaxRate: Decimal = Decimal(sign: .plus, exponent: -2, significand: 825),
        tracksInventory: Bool = true
    ) {
        self.companyName = companyName
        self.legalName = legalName
        self.automatedSalesTax = automatedSalesTax
        self.automatedSalesTaxRate = automatedSalesTaxRate
        self.tracksInventory = tracksInventory
    }

    /// Refuses settings QBO could not have: an empty name, a rate outside 0...100.
    func validated() throws(SimulatorError) -> RealmSettings {
        guard !companyName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .badRequest("companyName must not be empty")
        }
        guard automatedSalesTaxRate >= 0, automatedSalesTaxRate <= 100 else {
            throw .badRequest("automatedSalesTaxRate must be a percentage from 0 to 100")
        }
        return self
    }
}

extension RealmSettings {
    /// The settings as the admin API shows them.
    var jsonObject: JSONObject {
        [
            "companyName": .string(companyName), "legalName": legalName.map(JSONValue.string) ?? .null,
            "automatedSalesTax": .bool(automatedSalesTax), "automatedSalesTaxRate": .number(automatedSalesTaxRate),
            "tracksInventory": .bool(tracksInventory),
        ]
    }

    /// These settings with the members `object` names replaced; unknown members are an error.
    func updated(with object: JSONObject) throws(SimulatorError) -> RealmSettings {
        var settings = self
        for member in object.members {
            func flag() throws(SimulatorError) -> Bool {
                guard case .bool(let value) = member.value else { throw .badRequest("\(member.key) must be true or false") }
                return value
            }
            switch member.key {
            case "companyName":
                guard let name = member.value.stringValue else { throw .badRequest("companyName must be a string") }
                settings.companyName = name
            case "legalName":
                guard member.value == .null || member.value.stringValue != nil else {
                    throw .badRequest("legalName must be a string or null")
                }
                settings.legalName = member.value.stringValue
            case "automatedSalesTax":
                settings.automatedSalesTax = try flag()
            case "automatedSalesTaxRate":
                guard case .number(let rate) = member.value else {
                    throw .badRequest("automatedSalesTaxRate must be a number")
                }
                settings.automatedSalesTaxRate = rate
            case "tracksInventory":
                settings.tracksInventory = try flag()
            default:
                throw .badRequest("unknown company setting \(member.key)")
            }
        }
        return try settings.validated()
    }
}
