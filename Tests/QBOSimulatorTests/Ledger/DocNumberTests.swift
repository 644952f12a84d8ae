import Foundation
import Testing

@testable import QBOSimulator

/// DocNumbers: unique across the sales forms, shared automatic numbering, and
/// `include=allowduplicatedocnum`.
@Suite(.timeLimit(.minutes(3))) struct DocNumberTests {
    private func line() -> JSONValue {
        ["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]
    }

    @Test func anInvoiceMayNotReuseACreditMemosNumber() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let memo = try await qbo.create("CreditMemo", [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DocNumber": "1001", "Line": [line()],
            ])
            let reply = try await qbo.api(.POST, "invoice", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DocNumber": "1001", "Line": [line()],
            ])
            #expect(reply.status == 400)
            let fault = try reply.fault()
            #expect(fault.code == "6140")
            let memoID = try #require(memo["Id"]?.stringValue)
            #expect(fault.detail == "Duplicate Document Number Error : You must specify a different number. This number "
                + "has already been used. DocNumber=1001 is assigned to TxnType=Credit Memo with TxnId=\(memoID)")
            // A refund receipt is a sales form too.
            let refund = try await qbo.api(.POST, "refundreceipt", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DocNumber": "1001", "Line": [line()],
                "DepositToAccountRef": ["value": "2"],
            ])
            #expect(try refund.fault().code == "6140")
        }
    }

    @Test func automaticNumbersAreSharedBySalesForms() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let memo = try await qbo.create("CreditMemo", ["CustomerRef": ["value": customer["Id"] ?? nil], "Line": [line()]])
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [5])
            #expect(memo["DocNumber"] == "1001")
            #expect(invoice["DocNumber"] == "1002")
        }
    }

    @Test func allowDuplicateDocNumAcceptsAUsedNumber() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let memo = try await qbo.create("CreditMemo", [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DocNumber": "R-7", "Line": [line()],
            ])
            let first = try await qbo.makeInvoice(customer: customer, amounts: [5], docNumber: "R-8")
            for number in ["R-7", "R-8"] {
                let reply = try await qbo.api(.POST, "invoice", query: [("include", "allowduplicatedocnum")], json: [
                    "CustomerRef": ["value": customer["Id"] ?? nil], "DocNumber": .string(number), "Line": [line()],
                ])
                #expect(reply.status == 200, "\(reply.text)")
                #expect(try reply.json()["Invoice"]?["DocNumber"] == .string(number))
            }
            // A read-back by DocNumber finds every holder of its type.
            let found = try await qbo.query("SELECT * FROM Invoice WHERE DocNumber = 'R-8'")
            let ids = try (found.json()["QueryResponse"]?["Invoice"]?.arrayValue ?? []).compactMap { $0["Id"]?.stringValue }
            #expect(ids.count == 2)
            #expect(ids.contains(try #require(first["Id"]?.stringValue)))
            let memos = try await qbo.query("SELECT * FROM CreditMemo WHERE DocNumber = 'R-7'")
            #expect(try memos.json()["QueryResponse"]?["CreditMemo"]?.arrayValue?.map { $0["Id"] } == [memo["Id"] ?? nil])
            // Without the option, the number is still refused.
            let refused = try await qbo.api(.POST, "invoice", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DocNumber": "R-8", "Line": [line()],
            ])
            #expect(try refused.fault().code == "6140")
        }
    }

    @Test func aBatchCreateTakesTheOptionFromOptionsData() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            _ = try await qbo.makeInvoice(customer: customer, amounts: [5], docNumber: "B-1")
            let invoice: JSONValue = ["CustomerRef": ["value": customer["Id"] ?? nil], "DocNumber": "B-1", "Line": [line()]]
            let reply = try await qbo.api(.POST, "batch", json: [
                "BatchItemRequest": [
                    ["bId": "1", "operation": "create", "Invoice": invoice],
                    ["bId": "2", "operation": "create", "optionsData": "allowduplicatedocnum", "Invoice": invoice],
                ],
            ])
            let items = try #require(try reply.json()["BatchItemResponse"]?.arrayValue)
            #expect(items[0]["Fault"]?["Error"]?.arrayValue?.first?["code"] == "6140")
            #expect(items[1]["Invoice"]?["DocNumber"] == "B-1")
        }
    }
}
