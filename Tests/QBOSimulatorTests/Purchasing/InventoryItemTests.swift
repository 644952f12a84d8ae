import Foundation
import Testing

@testable import QBOSimulator

/// Items by type, inventory items and their "As of" date (6270).
@Suite(.timeLimit(.minutes(3))) struct InventoryItemTests {
    private let tent: JSONValue = [
        "Name": "Tent stakes (box)", "Type": "Inventory", "QtyOnHand": 40, "InvStartDate": "2026-02-01",
        "UnitPrice": 30, "PurchaseCost": .money("12.50"), "TrackQtyOnHand": true,
        "IncomeAccountRef": ["value": "4"], "AssetAccountRef": ["value": "9"],
    ]

    @Test func serviceAndNonInventoryItems() async throws {
        try await withSimulator { qbo in
            let service = try await qbo.create("Item", ["Name": "Setup labor", "Type": "Service"])
            #expect(service["TrackQtyOnHand"] == false)
            #expect(service["IncomeAccountRef"] == ["value": "4", "name": "Sales of Product Income"])
            let supply = try await qbo.create("Item", [
                "Name": "Rope", "Type": "NonInventory", "IncomeAccountRef": ["value": "3"], "ExpenseAccountRef": ["value": "11"],
            ])
            #expect(supply["Type"] == "NonInventory")
            #expect(supply["ExpenseAccountRef"] == ["value": "11", "name": "Supplies"])
            let odd = try await qbo.api(.POST, "item", json: ["Name": "Gadget", "Type": "Widget"])
            #expect(try odd.fault().code == "2010")
            let duplicate = try await qbo.api(.POST, "item", json: ["Name": "ROPE", "Type": "Service"])
            #expect(try duplicate.fault().code == "6240")
        }
    }

    @Test func anInventoryItemTracksItsQuantity() async throws {
        try await withSimulator { qbo in
            let item = try await qbo.create("Item", tent)
            #expect(item["Type"] == "Inventory")
            #expect(item["TrackQtyOnHand"] == true)
            #expect(item["QtyOnHand"] == 40)
            #expect(item["InvStartDate"] == "2026-02-01")
            #expect(item["AssetAccountRef"] == ["value": "9", "name": "Inventory Asset"])
            // No ExpenseAccountRef sent: the company's Cost of Goods Sold.
            #expect(item["ExpenseAccountRef"] == ["value": "8", "name": "Cost of Goods Sold"])
            var object = try #require(tent.objectValue)
            object["Name"] = "Sandbags"
            object["InvStartDate"] = nil
            let noDate = try await qbo.api(.POST, "item", json: .object(object))
            #expect(try noDate.fault().code == "6000")
            #expect(try noDate.fault().detail == "Business Validation Error: As of date for initial quantity on hand is required")
            object["InvStartDate"] = "2026-02-01"
            object["AssetAccountRef"] = nil
            #expect(try await qbo.api(.POST, "item", json: .object(object)).fault().element == "AssetAccountRef")
            object["AssetAccountRef"] = ["value": "9"]
            object["QtyOnHand"] = nil
            #expect(try await qbo.api(.POST, "item", json: .object(object)).fault().element == "QtyOnHand")
        }
    }

    @Test func aPlanWithoutInventoryRefusesInventoryItems() async throws {
        try await withSimulator { qbo in
            try await qbo.simulator.setRealmSettings(RealmSettings(tracksInventory: false), realmID: qbo.realm.realmId)
            let reply = try await qbo.api(.POST, "item", json: tent)
            #expect(reply.status == 400)
            let fault = try reply.fault()
            #expect(fault.code == "6000")
            #expect(fault.detail == "Business Validation Error: When you create an item, if Track quantity on hand is "
                + "turned off, the item cannot be of type Inventory.")
            // Other types are still fine.
            _ = try await qbo.create("Item", ["Name": "Rope", "Type": "NonInventory"])
        }
    }

    @Test func aTransactionBeforeTheAsOfDateIs6270() async throws {
        try await withSimulator { qbo in
            let item = try await qbo.create("Item", tent)
            let customer = try await qbo.makeCustomer()
            func invoice(_ date: String) -> JSONValue {
                ["CustomerRef": ["value": customer["Id"] ?? nil], "TxnDate": .string(date),
                 "Line": [["Amount": 60, "DetailType": "SalesItemLineDetail",
                           "SalesItemLineDetail": ["ItemRef": ["value": item["Id"] ?? nil], "Qty": 2, "UnitPrice": 30]]]]
            }
            let early = try await qbo.api(.POST, "invoice", json: invoice("2026-01-31"))
            #expect(early.status == 400)
            let fault = try early.fault()
            #expect(fault.code == "6270")
            #expect(fault.detail.contains("2026-02-01"))
            #expect(fault.element == "TxnDate")
            _ = try await qbo.create("Invoice", invoice("2026-02-01"))
            // A sales line of an inventory item needs its quantity.
            let noQty = try await qbo.api(.POST, "invoice", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "TxnDate": "2026-02-03",
                "Line": [["Amount": 60, "DetailType": "SalesItemLineDetail",
                          "SalesItemLineDetail": ["ItemRef": ["value": item["Id"] ?? nil], "UnitPrice": 30]]],
            ])
            #expect(try noQty.fault().code == "6520")
            #expect(try noQty.fault().message == "Missing Inventory Item Quantity")
            #expect(try noQty.fault().detail == "Quantity required for inventory item")
            func bill(_ date: String) -> JSONValue {
                ["VendorRef": ["value": "1"], "TxnDate": .string(date),
                 "Line": [["Amount": 25, "DetailType": "ItemBasedExpenseLineDetail",
                           "ItemBasedExpenseLineDetail": ["ItemRef": ["value": item["Id"] ?? nil], "Qty": 2, "UnitPrice": .money("12.50")]]]]
            }
            #expect(try await qbo.api(.POST, "bill", json: bill("2025-12-31")).fault().code == "6270")
            _ = try await qbo.create("Bill", bill("2026-02-02"))
        }
    }
}
