import Foundation
import Testing

@testable import QBOSimulator

/// `POST /batch`: independent items, per-item faults, the 30-item limit.
@Suite(.timeLimit(.minutes(3))) struct BatchTests {
    @Test func mixedItemsEachAnsweredOnItsOwn() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer("Boraski Family Store")
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [10])
            let reply = try await qbo.api(.POST, "batch", json: [
                "BatchItemRequest": [
                    ["bId": "bid1", "operation": "create", "Customer": ["DisplayName": "New Renter"]],
                    ["bId": "bid2", "operation": "delete", "Invoice": ["Id": invoice["Id"] ?? nil, "SyncToken": "0"]],
                    ["bId": "bid3", "operation": "update",
                     "Customer": ["Id": customer["Id"] ?? nil, "SyncToken": "0", "sparse": true, "Notes": "A private note."]],
                    ["bId": "bid4", "Query": "select * from Customer where DisplayName = 'New Renter'"],
                    ["bId": "bid5", "operation": "create", "Customer": ["DisplayName": "boraski family store"]],
                    // A vendor may not take a customer's name: one namespace.
                    ["bId": "bid6", "operation": "create", "Vendor": ["DisplayName": "Boraski Family Store"]],
                    ["bId": "bid7", "operation": "create", "VendorCredit": ["VendorRef": ["value": "1"]]],
                ],
            ])
            #expect(reply.status == 200)
            let items = try #require(try reply.json()["BatchItemResponse"]?.arrayValue)
            #expect(items.map { $0["bId"] } == ["bid1", "bid2", "bid3", "bid4", "bid5", "bid6", "bid7"])
            #expect(items[0]["Customer"]?["DisplayName"] == "New Renter")
            #expect(items[1]["Invoice"]?["status"] == "Deleted")
            #expect(items[2]["Customer"]?["Notes"] == "A private note.")
            #expect(items[2]["Customer"]?["SyncToken"] == "1")
            #expect(items[3]["QueryResponse"]?["Customer"]?.arrayValue?.count == 1)
            #expect(items[4]["Fault"]?["Error"]?.arrayValue?.first?["code"] == "6240")
            #expect(items[4]["Fault"]?["type"] == "ValidationFault")
            #expect(items[5]["Fault"]?["Error"]?.arrayValue?.first?["code"] == "6240")
            #expect(items[6]["Fault"]?["Error"]?.arrayValue?.first?["code"] == "500")
            #expect(try reply.json()["time"] != nil)
        }
    }

    @Test func aFailedItemChangesNothing() async throws {
        try await withSimulator { qbo in
            let reply = try await qbo.api(.POST, "batch", json: [
                "BatchItemRequest": [
                    ["bId": "1", "operation": "create", "Invoice": ["CustomerRef": ["value": "77"], "Line": []]],
                    ["bId": "2", "operation": "create", "Customer": ["DisplayName": "Kept"]],
                ],
            ])
            let items = try #require(try reply.json()["BatchItemResponse"]?.arrayValue)
            #expect(items[0]["Fault"] != nil)
            #expect(items[1]["Customer"] != nil)
            let ledger = try await qbo.simulator.ledger(realmID: qbo.realm.realmId)
            #expect(ledger["Invoice"]?.isEmpty == true)
            #expect(ledger["Customer"]?.count == 1)
        }
    }

    @Test func moreThanThirtyItemsAreRefused() async throws {
        try await withSimulator { qbo in
            let items: [JSONValue] = (0..<31).map { index in
                ["bId": .string("b\(index)"), "operation": "create", "Customer": ["DisplayName": .string("R\(index)")]]
            }
            let reply = try await qbo.api(.POST, "batch", json: ["BatchItemRequest": .array(items)])
            #expect(reply.status == 400)
            #expect(try reply.fault().code == "1040")
            #expect(try await qbo.simulator.ledger(realmID: qbo.realm.realmId)["Customer"]?.isEmpty == true)
            let thirty = try await qbo.api(.POST, "batch", json: ["BatchItemRequest": .array(Array(items.prefix(30)))])
            #expect(thirty.status == 200)
        }
    }

    @Test func aBatchCountsAsOneRequest() async throws {
        try await withSimulator { qbo in
            let items: [JSONValue] = (0..<5).map { index in
                ["bId": .string("b\(index)"), "operation": "create", "Customer": ["DisplayName": .string("R\(index)")]]
            }
            _ = try await qbo.api(.POST, "batch", json: ["BatchItemRequest": .array(items)])
            let stats = try await qbo.simulator.stats(realmID: qbo.realm.realmId)
            #expect(stats.requests == 1)
            #expect(stats.writes == 5)
        }
    }
}

/// Voids in a batch and through `include=void`.
@Suite(.timeLimit(.minutes(3))) struct BatchVoidTests {
    @Test func anUpdateWithOptionsDataVoidVoids() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let other = try await qbo.makeInvoice(customer: customer, amounts: [50])
            let payment = try #require(
                try await qbo.makePayment(customer: customer, total: 40, applied: [(invoice, 40)]).json()["Payment"])
            let reply = try await qbo.api(.POST, "batch", json: [
                "BatchItemRequest": [
                    ["bId": "p", "operation": "update", "optionsData": "void",
                     "Payment": ["Id": payment["Id"] ?? nil, "SyncToken": "0", "sparse": true]],
                    ["bId": "i", "operation": "update", "optionsData": "void",
                     "Invoice": ["Id": other["Id"] ?? nil, "SyncToken": "0", "sparse": true]],
                    ["bId": "u", "operation": "update",
                     "Customer": ["Id": customer["Id"] ?? nil, "SyncToken": "0", "sparse": true, "Notes": "kept"]],
                ],
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let items = try #require(try reply.json()["BatchItemResponse"]?.arrayValue)
            let voidedPayment = try #require(items[0]["Payment"], "\(reply.text)")
            #expect(voidedPayment["TotalAmt"] == 0)
            #expect(voidedPayment["PrivateNote"] == "Voided")
            #expect(voidedPayment["SyncToken"] == "1")
            let voidedInvoice = try #require(items[1]["Invoice"], "\(reply.text)")
            #expect(voidedInvoice["TotalAmt"] == 0)
            #expect(voidedInvoice["PrivateNote"] == "Voided")
            #expect(items[2]["Customer"]?["Notes"] == "kept")
            // The voided payment no longer pays the invoice.
            #expect(try await qbo.read("Invoice", try #require(invoice["Id"]?.stringValue))["Balance"] == 100)
        }
    }

    @Test func includeVoidWithoutAnOperationVoids() async throws {
        // Recorded: POST /salesreceipt?include=void with {Id, SyncToken, sparse} answered the
        // voided receipt (ExQuickBooks__salesreceipt__void_response).
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let payment = try #require(
                try await qbo.makePayment(customer: customer, total: 40, applied: [(invoice, 40)]).json()["Payment"])
            let reply = try await qbo.api(.POST, "payment", query: [("include", "void")], json: [
                "Id": payment["Id"] ?? nil, "SyncToken": "0", "sparse": true,
            ])
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.json()["Payment"]?["PrivateNote"] == "Voided")
            #expect(try reply.json()["Payment"]?["TotalAmt"] == 0)
        }
    }
}
