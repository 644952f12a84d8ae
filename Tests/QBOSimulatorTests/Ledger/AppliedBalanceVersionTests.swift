import Foundation
import Testing

@testable import QBOSimulator

/// A payment or credit applied to an invoice changes its Balance, so QBO makes it a new
/// version: SyncToken and LastUpdatedTime move, and the old SyncToken is stale (5010).
@Suite(.timeLimit(.minutes(3))) struct AppliedBalanceVersionTests {
    private func version(_ qbo: SimulatorHarness, _ kind: String, _ entity: JSONValue) async throws -> (String, String) {
        let read = try await qbo.read(kind, try #require(entity["Id"]?.stringValue))
        return (read["SyncToken"]?.stringValue ?? "", read["MetaData"]?["LastUpdatedTime"]?.stringValue ?? "")
    }

    @Test func everyPaymentChangeIsANewInvoiceVersion() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let created = try await version(qbo, "Invoice", invoice)
            #expect(created.0 == "0")

            try qbo.simulator.advanceClock(by: .seconds(60))
            let paid = try #require(
                try await qbo.makePayment(customer: customer, total: 30, applied: [(invoice, 30)]).json()["Payment"])
            let afterCreate = try await version(qbo, "Invoice", invoice)
            #expect(afterCreate.0 == "1")
            #expect(QBOTime.epochSeconds(afterCreate.1)! - QBOTime.epochSeconds(created.1)! >= 60)

            // The client's copy from before the payment is stale now, as in QBO.
            let stale = try await qbo.api(.POST, "invoice", json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "0", "sparse": true, "PrivateNote": "edited",
            ])
            #expect(stale.status == 400)
            #expect(try stale.fault().code == "5010")

            let changed = try await qbo.api(.POST, "payment", json: [
                "Id": paid["Id"] ?? nil, "SyncToken": "0", "sparse": true,
                "Line": [["Amount": 20, "LinkedTxn": [["TxnId": invoice["Id"] ?? nil, "TxnType": "Invoice"]]]],
            ])
            #expect(changed.status == 200, "\(changed.text)")
            #expect(try await version(qbo, "Invoice", invoice).0 == "2")

            // A payment change that leaves the invoice's balance alone is no new version.
            let noted = try await qbo.api(.POST, "payment", json: [
                "Id": paid["Id"] ?? nil, "SyncToken": "1", "sparse": true, "PrivateNote": "thanks",
            ])
            #expect(noted.status == 200, "\(noted.text)")
            #expect(try await version(qbo, "Invoice", invoice).0 == "2")

            let void = try await qbo.api(.POST, "payment", query: [("operation", "update"), ("include", "void")], json: [
                "Id": paid["Id"] ?? nil, "SyncToken": "2", "sparse": true,
            ])
            #expect(void.status == 200, "\(void.text)")
            #expect(try await version(qbo, "Invoice", invoice).0 == "3")

            let second = try #require(
                try await qbo.makePayment(customer: customer, total: 10, applied: [(invoice, 10)]).json()["Payment"])
            #expect(try await version(qbo, "Invoice", invoice).0 == "4")
            let delete = try await qbo.api(.POST, "payment", query: [("operation", "delete")], json: [
                "Id": second["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(delete.status == 200, "\(delete.text)")
            let invoiceNow = try await qbo.read("Invoice", try #require(invoice["Id"]?.stringValue))
            #expect(invoiceNow["SyncToken"] == "5")
            #expect(invoiceNow["Balance"] == 100)

            // The current SyncToken works.
            let update = try await qbo.api(.POST, "invoice", json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "5", "sparse": true, "PrivateNote": "edited",
            ])
            #expect(update.status == 200, "\(update.text)")
            #expect(try update.json()["Invoice"]?["SyncToken"] == "6")
        }
    }

    @Test func aCreditMemoAppliedThroughAPaymentIsANewVersionOfBoth() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let memo = try await qbo.create("CreditMemo", [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": [["Amount": 40, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]],
            ])
            let reply = try await qbo.api(.POST, "payment", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "TotalAmt": 0,
                "Line": [
                    ["Amount": 40, "LinkedTxn": [["TxnId": invoice["Id"] ?? nil, "TxnType": "Invoice"]]],
                    ["Amount": 40, "LinkedTxn": [["TxnId": memo["Id"] ?? nil, "TxnType": "CreditMemo"]]],
                ],
            ])
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try await version(qbo, "Invoice", invoice).0 == "1")
            #expect(try await version(qbo, "CreditMemo", memo).0 == "1")
            let stale = try await qbo.api(.POST, "invoice", query: [("operation", "void")], json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(try stale.fault().code == "5010")
        }
    }
}
