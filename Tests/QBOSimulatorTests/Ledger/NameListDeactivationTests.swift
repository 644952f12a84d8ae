import Foundation
import Testing

@testable import QBOSimulator

/// Making a name-list entity inactive renames it "Name (deleted)" and frees its name.
@Suite(.timeLimit(.minutes(3))) struct NameListDeactivationTests {
    private func deactivate(_ qbo: SimulatorHarness, _ kind: String, _ entity: JSONValue) async throws -> JSONValue {
        let reply = try await qbo.api(.POST, kind.lowercased(), json: [
            "Id": entity["Id"] ?? nil, "SyncToken": entity["SyncToken"] ?? nil, "sparse": true, "Active": false,
        ])
        #expect(reply.status == 200, "\(reply.text)")
        return try #require(try reply.json()[kind])
    }

    @Test func aDeactivatedCustomerFreesItsDisplayName() async throws {
        try await withSimulator { qbo in
            let first = try await qbo.makeCustomer("Jane Doe")
            let gone = try await deactivate(qbo, "Customer", first)
            #expect(gone["Active"] == false)
            #expect(gone["DisplayName"] == "Jane Doe (deleted)")
            #expect(gone["FullyQualifiedName"] == "Jane Doe (deleted)")
            // The name is free again: no 6240.
            let second = try await qbo.makeCustomer("Jane Doe")
            #expect(second["DisplayName"] == "Jane Doe")
            // A second deactivation of the same name gets the next suffix.
            let goneAgain = try await deactivate(qbo, "Customer", second)
            #expect(goneAgain["DisplayName"] == "Jane Doe (deleted-1)")
            let third = try await qbo.makeCustomer("Jane Doe")
            #expect(third["Id"] == "3")
            let inactive = try await qbo.query("SELECT * FROM Customer WHERE Active = false")
            let names = try (inactive.json()["QueryResponse"]?["Customer"]?.arrayValue ?? []).compactMap { $0["DisplayName"]?.stringValue }
            #expect(Set(names) == ["Jane Doe (deleted)", "Jane Doe (deleted-1)"])
        }
    }

    @Test func deleteOnANameListDeactivatesAndRenames() async throws {
        try await withSimulator { qbo in
            let item = try await qbo.create("Item", ["Name": "Tent 20x40"])
            let reply = try await qbo.api(.POST, "item", query: [("operation", "delete")], json: [
                "Id": item["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let deleted = try #require(try reply.json()["Item"])
            #expect(deleted["Active"] == false)
            #expect(deleted["Name"] == "Tent 20x40 (deleted)")
            #expect(deleted["SyncToken"] == "1")
            let again = try await qbo.create("Item", ["Name": "Tent 20x40"])
            #expect(again["Name"] == "Tent 20x40")
            let account = try await qbo.create("Account", ["Name": "Deposits held", "AccountType": "Other Current Liability"])
            let gone = try await qbo.api(.POST, "account", query: [("operation", "delete")], json: [
                "Id": account["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(try gone.json()["Account"]?["Name"] == "Deposits held (deleted)")
            // Tax codes stay QBO's.
            let taxCode = try await qbo.api(.POST, "taxcode", query: [("operation", "delete")], json: ["Id": "TAX", "SyncToken": "0"])
            #expect(taxCode.status == 400)
        }
    }

    @Test func reactivationRestoresTheNameWhenFree() async throws {
        try await withSimulator { qbo in
            let solo = try await qbo.makeCustomer("Solo Renter")
            let gone = try await deactivate(qbo, "Customer", solo)
            let back = try await qbo.api(.POST, "customer", json: [
                "Id": solo["Id"] ?? nil, "SyncToken": gone["SyncToken"] ?? nil, "sparse": true, "Active": true,
            ])
            #expect(try back.json()["Customer"]?["DisplayName"] == "Solo Renter")
            #expect(Ledger.nameBeforeDeletion("A (deleted-12)") == "A")
            #expect(Ledger.nameBeforeDeletion("A (deleted)") == "A")
            #expect(Ledger.nameBeforeDeletion("A (deletedX)") == nil)
            #expect(Ledger.nameBeforeDeletion("A (deleted-)") == nil)
        }
    }
}
