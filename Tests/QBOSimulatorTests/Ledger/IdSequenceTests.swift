import Foundation
import Testing

@testable import QBOSimulator

/// Ids as QBO hands them out: one sequence for every transaction type, one per name list.
@Suite(.timeLimit(.minutes(3))) struct IdSequenceTests {
    @Test func transactionsShareOneSequence() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let payment = try #require(
                try await qbo.makePayment(customer: customer, total: 40, applied: [(invoice, 40)]).json()["Payment"])
            let memo = try await qbo.create("CreditMemo", [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": [["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]],
            ])
            let refund = try await qbo.create("RefundReceipt", [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DepositToAccountRef": ["value": "2"],
                "Line": [["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]],
            ])
            // Recorded: Payment 180 then CreditMemo 181 in the same sandbox, seconds apart.
            #expect([invoice, payment, memo, refund].map { $0["Id"] } == ["1", "2", "3", "4"])
            // A failed create uses no Id.
            let refused = try await qbo.api(.POST, "invoice", json: ["CustomerRef": ["value": "999"], "Line": []])
            #expect(refused.status == 400)
            let next = try await qbo.makeInvoice(customer: customer, amounts: [1])
            #expect(next["Id"] == "5")
        }
    }

    @Test func nameListsKeepTheirOwnSequences() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            _ = try await qbo.makeInvoice(customer: customer, amounts: [1])
            let second = try await qbo.makeCustomer()
            let item = try await qbo.create("Item", ["Name": "Tent 20x40"])
            #expect(customer["Id"] == "1")
            #expect(second["Id"] == "2")
            #expect(item["Id"] == "6")  // after the five seeded items
        }
    }
}
