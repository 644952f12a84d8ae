import Foundation
import Testing

@testable import QBOSimulator

/// Vendors: QBO's shape, one DisplayName namespace with customers, deactivation, updates.
@Suite(.timeLimit(.minutes(3))) struct VendorTests {
    @Test func createAnswersQBOsVendor() async throws {
        try await withSimulator { qbo in
            let vendor = try await qbo.create("Vendor", [
                "GivenName": "Bill", "FamilyName": "Lucchini", "CompanyName": "Lucchini Tent Repair",
                "PrimaryEmailAddr": ["Address": "Bill@Lucchini.example"], "PrimaryPhone": ["FreeFormNumber": "(555) 555-1212"],
                "BillAddr": ["Line1": "12 Main St", "City": "Half Moon Bay", "CountrySubDivisionCode": "CA"],
                "AcctNum": "35372649", "Vendor1099": true, "Notes": "calls before delivering",
            ])
            // The third vendor: two are seeded.
            #expect(vendor["Id"] == "3")
            #expect(vendor["SyncToken"] == "0")
            #expect(vendor["DisplayName"] == "Bill Lucchini")
            #expect(vendor["PrintOnCheckName"] == "Bill Lucchini")
            #expect(vendor["Active"] == true)
            #expect(vendor["Vendor1099"] == true)
            #expect(vendor["Balance"] == 0)
            #expect(vendor["AcctNum"] == "35372649")
            #expect(vendor["CurrencyRef"] == ["value": "USD", "name": "United States Dollar"])
            #expect(try await qbo.reread("Vendor", vendor) == vendor)
            let missing = try await qbo.api(.POST, "vendor", json: ["CompanyName": "No Name Co"])
            #expect(try missing.fault().code == "2020")
            #expect(try missing.fault().element == "DisplayName")
            let unknown = try await qbo.api(.POST, "vendor", json: ["DisplayName": "X", "Rating": 5])
            #expect(try unknown.fault().code == "2010")
        }
    }

    @Test func displayNamesAreUniqueAcrossCustomersAndVendors() async throws {
        try await withSimulator { qbo in
            _ = try await qbo.makeCustomer("Cal Telephone")
            let vendorTakingCustomer = try await qbo.api(.POST, "vendor", json: ["DisplayName": "CAL TELEPHONE"])
            #expect(vendorTakingCustomer.status == 400)
            #expect(try vendorTakingCustomer.fault().code == "6240")
            #expect(try vendorTakingCustomer.fault().detail == "The name supplied already exists. : null")
            // And the other way round, with a seeded vendor.
            let customerTakingVendor = try await qbo.api(.POST, "customer", json: ["DisplayName": "hicks hardware"])
            #expect(try customerTakingVendor.fault().code == "6240")
            // A rename into the other list's name is refused too.
            let vendor = try await qbo.makeVendor("PG&E")
            let rename = try await qbo.api(.POST, "vendor", json: [
                "Id": vendor["Id"] ?? nil, "SyncToken": "0", "sparse": true, "DisplayName": "Cal Telephone",
            ])
            #expect(try rename.fault().code == "6240")
            // A customer and a vendor may share an Id: names, not Ids, collide.
            let customer = try await qbo.makeCustomer("Amy's Bird Sanctuary")
            #expect(customer["Id"] == "2")
            #expect(try await qbo.read("Vendor", "2")["DisplayName"] == "Norton Lumber and Building Materials")
        }
    }

    @Test func deactivationRenamesAndFreesTheNameForACustomer() async throws {
        try await withSimulator { qbo in
            let vendor = try await qbo.makeVendor("Boraski Family Store")
            let delete = try await qbo.api(.POST, "vendor", query: [("operation", "delete")], json: [
                "Id": vendor["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(delete.status == 200, "\(delete.text)")
            let gone = try #require(try delete.json()["Vendor"])
            #expect(gone["Active"] == false)
            #expect(gone["DisplayName"] == "Boraski Family Store (deleted)")
            #expect(gone["SyncToken"] == "1")
            let customer = try await qbo.makeCustomer("Boraski Family Store")
            #expect(customer["DisplayName"] == "Boraski Family Store")
            // An inactive vendor cannot be billed: 610.
            let bill = try await qbo.api(.POST, "bill", json: [
                "VendorRef": ["value": vendor["Id"] ?? nil], "Line": [SimulatorHarness.expenseLine(10)],
            ])
            #expect(try bill.fault().code == "610")
        }
    }

    @Test func updatesNeedTheCurrentSyncToken() async throws {
        try await withSimulator { qbo in
            let vendor = try await qbo.create("Vendor", ["DisplayName": "Tent Source", "Notes": "net 30", "AcctNum": "A1"])
            let sparse = try await qbo.api(.POST, "vendor", json: [
                "Id": vendor["Id"] ?? nil, "SyncToken": "0", "sparse": true, "AcctNum": "A2",
            ])
            let updated = try #require(try sparse.json()["Vendor"])
            #expect(updated["SyncToken"] == "1")
            #expect(updated["Notes"] == "net 30")
            #expect(updated["AcctNum"] == "A2")
            let stale = try await qbo.api(.POST, "vendor", json: [
                "Id": vendor["Id"] ?? nil, "SyncToken": "0", "sparse": true, "AcctNum": "A3",
            ])
            #expect(try stale.fault().code == "5010")
            let full = try await qbo.api(.POST, "vendor", json: [
                "Id": vendor["Id"] ?? nil, "SyncToken": "1", "DisplayName": "Tent Source",
            ])
            let replaced = try #require(try full.json()["Vendor"])
            #expect(replaced["Notes"] == nil)
            #expect(replaced["AcctNum"] == nil)
            #expect(replaced["SyncToken"] == "2")
        }
    }

    @Test func vendorsAreQueryableByEmailAndName() async throws {
        try await withSimulator { qbo in
            _ = try await qbo.create("Vendor", ["DisplayName": "Zed Supply", "PrimaryEmailAddr": ["Address": "zed@supply.example"]])
            let byEmail = try await qbo.query("select * from Vendor where PrimaryEmailAddr = 'zed@supply.example'")
            #expect(try byEmail.json()["QueryResponse"]?["Vendor"]?.arrayValue?.first?["DisplayName"] == "Zed Supply")
            let all = try await qbo.query("select DisplayName from Vendor")
            let names = try (all.json()["QueryResponse"]?["Vendor"]?.arrayValue ?? []).compactMap { $0["DisplayName"]?.stringValue }
            #expect(names == ["Hicks Hardware", "Norton Lumber and Building Materials", "Zed Supply"])
            let like = try await qbo.query("select * from Vendor where DisplayName like '%LUMBER%'")
            #expect(try like.json()["QueryResponse"]?["Vendor"]?.arrayValue?.count == 1)
        }
    }
}
