import Foundation
import Testing

@testable import QBOSimulator

/// Locations (Department) and classes: name lists with parents, and the references to
/// them on transactions.
@Suite(.timeLimit(.minutes(3))) struct LocationAndClassTests {
    @Test func subEntriesHaveFullNamesUniqueUnderTheirParent() async throws {
        try await withSimulator { qbo in
            let north = try await qbo.create("Department", ["Name": "North"])
            #expect(north["Id"] == "2")
            #expect(north["SubDepartment"] == false)
            #expect(north["FullyQualifiedName"] == "North")
            let south = try await qbo.create("Department", ["Name": "South"])
            let northYard = try await qbo.create("Department", ["Name": "Yard", "ParentRef": ["value": north["Id"] ?? nil]])
            #expect(northYard["SubDepartment"] == true)
            #expect(northYard["FullyQualifiedName"] == "North:Yard")
            // The same name under another parent is fine; twice under one parent is 6240.
            _ = try await qbo.create("Department", ["Name": "Yard", "ParentRef": ["value": south["Id"] ?? nil]])
            let twice = try await qbo.api(.POST, "department", json: ["Name": "yard", "ParentRef": ["value": north["Id"] ?? nil]])
            #expect(try twice.fault().code == "6240")
            let orphan = try await qbo.api(.POST, "department", json: ["Name": "East", "ParentRef": ["value": "77"]])
            #expect(try orphan.fault().code == "2500")
            let events = try await qbo.create("Class", ["Name": "Events"])
            let weddings = try await qbo.create("Class", ["Name": "Weddings", "ParentRef": ["value": events["Id"] ?? nil]])
            #expect(weddings["SubClass"] == true)
            #expect(weddings["FullyQualifiedName"] == "Events:Weddings")
            #expect(try await qbo.api(.POST, "class", json: ["Name": "RENTALS"]).fault().code == "6240")
            // Deactivated, a sub-entry is renamed within its parent.
            let gone = try await qbo.api(.POST, "department", query: [("operation", "delete")], json: [
                "Id": northYard["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(try gone.json()["Department"]?["FullyQualifiedName"] == "North:Yard (deleted)")
            #expect(try gone.json()["Department"]?["Name"] == "Yard (deleted)")
            _ = try await qbo.create("Department", ["Name": "Yard", "ParentRef": ["value": north["Id"] ?? nil]])
        }
    }

    @Test func transactionsReferToLocationsAndLineClasses() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DepartmentRef": ["value": "1"],
                "Line": [["Amount": 100, "DetailType": "SalesItemLineDetail",
                          "SalesItemLineDetail": ["ItemRef": ["value": "2"], "ClassRef": ["value": "1"]]]],
            ])
            #expect(invoice["DepartmentRef"] == ["value": "1", "name": "Main Yard"])
            #expect(invoice["Line"]?.arrayValue?.first?["SalesItemLineDetail"]?["ClassRef"] == ["value": "1", "name": "Rentals"])
            let unknownClass = try await qbo.api(.POST, "invoice", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": [["Amount": 1, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["ClassRef": ["value": "9"]]]],
            ])
            #expect(try unknownClass.fault().code == "2500")
            #expect(try unknownClass.fault().element == "Line.SalesItemLineDetail.ClassRef")
            let closed = try await qbo.create("Department", ["Name": "Closed Branch"])
            _ = try await qbo.api(.POST, "department", json: [
                "Id": closed["Id"] ?? nil, "SyncToken": "0", "sparse": true, "Active": false,
            ])
            let inactive = try await qbo.api(.POST, "bill", json: [
                "VendorRef": ["value": "1"], "DepartmentRef": ["value": closed["Id"] ?? nil],
                "Line": [SimulatorHarness.expenseLine(5)],
            ])
            #expect(try inactive.fault().code == "610")
            let bill = try await qbo.makeBill(amounts: [5], extra: ["DepartmentRef": ["value": "1"]])
            #expect(bill["DepartmentRef"]?["name"] == "Main Yard")
        }
    }

    @Test func preferencesSayLocationsAndLineClassesAreTracked() async throws {
        try await withSimulator { qbo in
            let preferences = try await qbo.api(.GET, "preferences").json()["Preferences"]
            #expect(preferences?["AccountingInfoPrefs"]?["TrackDepartments"] == true)
            #expect(preferences?["AccountingInfoPrefs"]?["ClassTrackingPerTxnLine"] == true)
        }
    }
}
