import Foundation
import Testing

@testable import QBOSimulator

/// Purchase orders: non-posting, Open until closed by an update or received by a bill.
@Suite(.timeLimit(.minutes(3))) struct PurchaseOrderTests {
    private func makeOrder(_ qbo: SimulatorHarness, extra: JSONObject = [:]) async throws -> JSONValue {
        let order: JSONObject = [
            "VendorRef": ["value": "2"], "Memo": "for the spring season", "DocNumber": "PO-1",
            "ShipAddr": ["Line1": "1 Yard Rd", "City": "Fresno"],
            "Line": [["Amount": .money("1249.50"), "DetailType": "ItemBasedExpenseLineDetail",
                      "ItemBasedExpenseLineDetail": ["ItemRef": ["value": "2"], "Qty": 3, "UnitPrice": .money("416.50")]]],
        ]
        return try await qbo.create("PurchaseOrder", .object(order.merging(extra)))
    }

    @Test func anOrderIsOpenAndPostsNothing() async throws {
        try await withSimulator { qbo in
            let order = try await makeOrder(qbo)
            #expect(order["POStatus"] == "Open")
            #expect(order["TotalAmt"] == .money("1249.50"))
            #expect(order["APAccountRef"] == ["value": "6", "name": "Accounts Payable (A/P)"])
            #expect(order["VendorRef"] == ["value": "2", "name": "Norton Lumber and Building Materials"])
            #expect(order["Memo"] == "for the spring season")
            #expect(order["ShipAddr"]?["City"] == "Fresno")
            #expect(order["Balance"] == nil)
            #expect(try await qbo.read("Vendor", "2")["Balance"] == 0)
            let bad = try await qbo.api(.POST, "purchaseorder", json: [
                "VendorRef": ["value": "2"], "POStatus": "Pending", "Line": [SimulatorHarness.expenseLine(5)],
            ])
            #expect(try bad.fault().code == "2010")
        }
    }

    @Test func anUpdateClosesAndReopensIt() async throws {
        try await withSimulator { qbo in
            let order = try await makeOrder(qbo)
            let close = try await qbo.api(.POST, "purchaseorder", json: [
                "Id": order["Id"] ?? nil, "SyncToken": "0", "sparse": true, "POStatus": "Closed",
            ])
            #expect(try close.json()["PurchaseOrder"]?["POStatus"] == "Closed")
            // A full update that leaves POStatus out keeps it.
            var full = try #require(try close.json()["PurchaseOrder"]?.objectValue)
            full["POStatus"] = nil
            full["Memo"] = "closed by hand"
            let kept = try await qbo.api(.POST, "purchaseorder", json: .object(full))
            #expect(try kept.json()["PurchaseOrder"]?["POStatus"] == "Closed", "\(kept.text)")
            let reopen = try await qbo.api(.POST, "purchaseorder", json: [
                "Id": order["Id"] ?? nil, "SyncToken": "2", "sparse": true, "POStatus": "Open",
            ])
            #expect(try reopen.json()["PurchaseOrder"]?["POStatus"] == "Open")
        }
    }

    @Test func aBillReceivingItClosesItAndDeletingTheBillReopensIt() async throws {
        try await withSimulator { qbo in
            let order = try await makeOrder(qbo)
            let orderID = try #require(order["Id"]?.stringValue)
            let bill = try await qbo.makeBill(vendor: Seeded.nortonLumber, amounts: [.money("1249.50")], extra: [
                "LinkedTxn": [["TxnId": .string(orderID), "TxnType": "PurchaseOrder"]],
            ])
            #expect(bill["LinkedTxn"] == [["TxnId": .string(orderID), "TxnType": "PurchaseOrder"]])
            let received = try await qbo.read("PurchaseOrder", orderID)
            #expect(received["POStatus"] == "Closed")
            #expect(received["SyncToken"] == "1")
            #expect(received["LinkedTxn"] == [["TxnId": bill["Id"] ?? nil, "TxnType": "Bill"]])
            // Linked to a bill, the order cannot be deleted.
            let refused = try await qbo.api(.POST, "purchaseorder", query: [("operation", "delete")], json: [
                "Id": .string(orderID), "SyncToken": "1",
            ])
            #expect(try refused.fault().code == "6000")
            // Another vendor's bill cannot receive it.
            let foreign = try await qbo.api(.POST, "bill", json: [
                "VendorRef": ["value": "1"], "Line": [SimulatorHarness.expenseLine(1)],
                "LinkedTxn": [["TxnId": .string(orderID), "TxnType": "PurchaseOrder"]],
            ])
            #expect(try foreign.fault().code == "6000")
            _ = try await qbo.api(.POST, "bill", query: [("operation", "delete")], json: [
                "Id": bill["Id"] ?? nil, "SyncToken": "0",
            ])
            let reopened = try await qbo.read("PurchaseOrder", orderID)
            #expect(reopened["POStatus"] == "Open")
            #expect(reopened["LinkedTxn"] == [])
            let delete = try await qbo.api(.POST, "purchaseorder", query: [("operation", "delete")], json: [
                "Id": .string(orderID), "SyncToken": reopened["SyncToken"] ?? nil,
            ])
            #expect(try delete.json()["PurchaseOrder"]?["status"] == "Deleted")
        }
    }
}
