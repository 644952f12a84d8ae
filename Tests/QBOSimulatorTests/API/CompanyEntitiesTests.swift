import Foundation
import Testing

@testable import QBOSimulator

/// Preferences and CompanyInfo: their shapes, reads, queries, and the realm settings behind
/// them through the Swift API, the admin API and the configuration.
@Suite(.timeLimit(.minutes(3))) struct CompanyEntitiesTests {
    @Test func preferencesHaveQBOsShape() async throws {
        try await withSimulator { qbo in
            let reply = try await qbo.api(.GET, "preferences")
            #expect(reply.status == 200, "\(reply.text)")
            let json = try reply.json()
            #expect(json["time"]?.stringValue != nil)
            let preferences = try #require(json["Preferences"])
            #expect(preferences["TaxPrefs"] == [
                "UsingSalesTax": true, "PartnerTaxEnabled": false, "TaxGroupCodeRef": ["value": "2"],
            ])
            #expect(preferences["ProductAndServicesPrefs"] == [
                "ForSales": true, "ForPurchase": true, "QuantityWithPriceAndRate": true, "QuantityOnHand": true,
            ])
            #expect(preferences["CurrencyPrefs"] == ["HomeCurrency": ["value": "USD"], "MultiCurrencyEnabled": false])
            #expect(preferences["SalesFormsPrefs"]?["DefaultTerms"] == ["value": "3"])
            #expect(preferences["SalesFormsPrefs"]?["DefaultDiscountAccount"] == "5")
            #expect(preferences["AccountingInfoPrefs"]?["FirstMonthOfFiscalYear"] == "January")
            #expect(preferences["EmailMessagesPrefs"]?["InvoiceMessage"]?["Subject"] == "Invoice from Sandbox Company_US_1")
            #expect(preferences["Id"] == "1")
            #expect(preferences["SyncToken"] == "0")
            #expect(preferences["domain"] == "QBO")
            #expect(preferences["MetaData"]?["CreateTime"]?.stringValue != nil)
            #expect(try await qbo.read("Preferences", "1") == preferences)
        }
    }

    @Test func companyInfoHasQBOsShape() async throws {
        try await withSimulator { qbo in
            let info = try await qbo.read("CompanyInfo", qbo.realm.realmId)
            #expect(info["CompanyName"] == "Sandbox Company_US_1")
            #expect(info["LegalName"] == "Sandbox Company_US_1")
            #expect(info["Country"] == "US")
            #expect(info["CompanyAddr"]?["Line1"] == "2500 Garcia Ave")
            #expect(info["CompanyAddr"]?["CountrySubDivisionCode"] == "CA")
            #expect(info["FiscalYearStartMonth"] == "January")
            #expect(info["SupportedLanguages"] == "en")
            #expect(info["CompanyStartDate"] == .string(QBOTime.date(qbo.simulator.now)))
            let nameValues = try #require(info["NameValue"]?.arrayValue)
            #expect(nameValues.contains(["Name": "OfferingSku", "Value": "QuickBooks Online Plus"]))
            #expect(info["Id"] == "1")
            #expect(info["SyncToken"] == "0")
            // Only the realm's own id reads it.
            let other = try await qbo.api(.GET, "companyinfo/9999")
            #expect(try other.fault().code == "610")
        }
    }

    @Test func bothAnswerQueriesAndRefuseWrites() async throws {
        try await withSimulator { qbo in
            let info = try await qbo.query("select * from CompanyInfo").json()["QueryResponse"]
            #expect(info?["CompanyInfo"]?.arrayValue?.first?["CompanyName"] == "Sandbox Company_US_1")
            #expect(info?["startPosition"] == 1)
            #expect(info?["maxResults"] == 1)
            #expect(info?["totalCount"] == nil)
            let preferences = try await qbo.query("SELECT * FROM Preferences").json()["QueryResponse"]
            #expect(preferences?["Preferences"]?.arrayValue?.first?["TaxPrefs"]?["UsingSalesTax"] == true)
            let named = try await qbo.query("SELECT CompanyName FROM CompanyInfo WHERE CompanyName LIKE 'Sandbox%'")
            #expect(try named.json()["QueryResponse"]?["CompanyInfo"]?.arrayValue?.first?["CompanyName"]
                == "Sandbox Company_US_1")
            #expect(try await qbo.query("SELECT COUNT(*) FROM Preferences").json()["QueryResponse"] == ["totalCount": 1])
            let write = try await qbo.api(.POST, "preferences", json: ["Id": "1", "SyncToken": "0", "sparse": true])
            #expect(try write.fault().code == "500")
        }
    }

    @Test func settingsShowInPreferencesAndCompanyInfoAsNewVersions() async throws {
        try await withSimulator { qbo in
            let realm = qbo.realm.realmId
            try await qbo.simulator.setSalesTax(realmID: realm, automated: true, rate: 7)
            var settings = try await qbo.simulator.realmSettings(realmID: realm)
            #expect(settings.automatedSalesTax)
            #expect(settings.automatedSalesTaxRate == 7)
            settings.companyName = "Acme Party Rentals"
            settings.legalName = "Acme Party Rentals LLC"
            settings.tracksInventory = false
            try await qbo.simulator.setRealmSettings(settings, realmID: realm)

            let preferences = try await qbo.read("Preferences", "1")
            #expect(preferences["TaxPrefs"]?["PartnerTaxEnabled"] == true)
            #expect(preferences["TaxPrefs"]?["TaxGroupCodeRef"] == ["value": "3"])
            #expect(preferences["ProductAndServicesPrefs"]?["QuantityOnHand"] == false)
            #expect(preferences["SyncToken"] == "2")
            let info = try await qbo.read("CompanyInfo", realm)
            #expect(info["CompanyName"] == "Acme Party Rentals")
            #expect(info["LegalName"] == "Acme Party Rentals LLC")
            #expect(info["NameValue"]?.arrayValue?.contains(["Name": "OfferingSku", "Value": "QuickBooks Online Essentials"])
                == true)
            #expect(info["SyncToken"] == "1")
            // Setting the same again is no new version.
            try await qbo.simulator.setRealmSettings(settings, realmID: realm)
            #expect(try await qbo.read("Preferences", "1")["SyncToken"] == "2")
            // The books' reset keeps the settings.
            try await qbo.simulator.resetRealm(realm)
            #expect(try await qbo.read("CompanyInfo", realm)["CompanyName"] == "Acme Party Rentals")
            await #expect(throws: SimulatorError.self) {
                try await qbo.simulator.setSalesTax(realmID: realm, automated: true, rate: 101)
            }
        }
    }

    @Test func adminAPIReadsAndChangesSettings() async throws {
        try await withSimulator { qbo in
            let path = "realms/\(qbo.realm.realmId)/settings"
            let initial = try await qbo.admin(.GET, path)
            #expect(try initial.json() == [
                "companyName": "Sandbox Company_US_1", "legalName": nil, "automatedSalesTax": false,
                "automatedSalesTaxRate": .money("8.25"), "tracksInventory": true,
            ])
            let changed = try await qbo.admin(.POST, path, json: [
                "automatedSalesTax": true, "automatedSalesTaxRate": .money("9.125"), "tracksInventory": false,
                "companyName": "Acme",
            ])
            #expect(changed.status == 200, "\(changed.text)")
            #expect(try changed.json()["automatedSalesTaxRate"] == .money("9.125"))
            #expect(try await qbo.read("Preferences", "1")["TaxPrefs"]?["PartnerTaxEnabled"] == true)
            #expect(try await qbo.read("CompanyInfo", qbo.realm.realmId)["CompanyName"] == "Acme")
            for bad: JSONValue in [["automatedSalesTaxRate": -1], ["automatedSalesTax": "yes"], ["companyName": ""],
                ["color": "blue"]]
            {
                let reply = try await qbo.admin(.POST, path, json: bad)
                #expect(reply.status == 400, "\(bad.jsonText)")
                #expect(try reply.json()["error"] != nil)
            }
            #expect(try await qbo.admin(.GET, "realms/nope/settings").status == 404)
        }
    }

    @Test func newRealmsStartFromTheConfiguredSettings() async throws {
        var configuration = SimulatorHarness.roomyConfiguration
        configuration.realmSettings = RealmSettings(
            companyName: "Configured Co", automatedSalesTax: true, automatedSalesTaxRate: 5, tracksInventory: false)
        try await withSimulator(configuration) { qbo in
            let preferences = try await qbo.read("Preferences", "1")
            #expect(preferences["TaxPrefs"]?["PartnerTaxEnabled"] == true)
            #expect(preferences["ProductAndServicesPrefs"]?["QuantityOnHand"] == false)
            #expect(preferences["SyncToken"] == "0")
            #expect(try await qbo.read("TaxRate", "2")["RateValue"] == 5)
            #expect(try await qbo.read("CompanyInfo", qbo.realm.realmId)["CompanyName"] == "Configured Co")
        }
    }
}
