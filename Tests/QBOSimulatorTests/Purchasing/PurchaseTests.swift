import Foundation
import Testing

@testable import QBOSimulator

/// Purchases (expenses): the account paid from must fit the payment type; refunds; delete.
@Suite(.timeLimit(.minutes(3))) struct PurchaseTests {
    private func purchase(_ type: String, account: String, extra: JSONObject = [:]) -> JSONValue {
        let body: JSONObject = [
            "PaymentType": .string(type), "AccountRef": ["value": .string(account)],
            "Line": [SimulatorHarness.expenseLine(.money("42.17"), account: Seeded.supplies)],
        ]
        return .object(body.merging(extra))
    }

    @Test func eachPaymentTypePaysFromItsKindOfAccount() async throws {
        try await withSimulator { qbo in
            let cash = try await qbo.create("Purchase", purchase("Cash", account: Seeded.checking, extra: [
                "EntityRef": ["value": "1", "type": "Vendor"], "DepartmentRef": ["value": "1"], "PrivateNote": "fuel",
            ]))
            #expect(cash["AccountRef"] == ["value": "2", "name": "Checking"])
            #expect(cash["EntityRef"] == ["value": "1", "name": "Hicks Hardware", "type": "Vendor"])
            #expect(cash["DepartmentRef"] == ["value": "1", "name": "Main Yard"])
            #expect(cash["TotalAmt"] == .money("42.17"))
            #expect(cash["Credit"] == false)
            _ = try await qbo.create("Purchase", purchase("Check", account: Seeded.checking))
            let card = try await qbo.create("Purchase", purchase("CreditCard", account: Seeded.mastercard))
            #expect(card["AccountRef"]?["name"] == "Mastercard")
            let refund = try await qbo.create("Purchase", purchase("CreditCard", account: Seeded.mastercard, extra: ["Credit": true]))
            #expect(refund["Credit"] == true)
            // A purchase moves no vendor balance: it is paid already.
            #expect(try await qbo.read("Vendor", "1")["Balance"] == 0)
        }
    }

    @Test func mismatchesAreRefused() async throws {
        try await withSimulator { qbo in
            let cases: [(JSONValue, String, String)] = [
                (purchase("Cash", account: Seeded.mastercard), "6000", "AccountRef"),
                (purchase("Check", account: Seeded.accountsPayable), "6000", "AccountRef"),
                (purchase("CreditCard", account: Seeded.checking), "6000", "AccountRef"),
                (purchase("Cash", account: Seeded.checking, extra: ["Credit": true]), "6000", "Credit"),
                (purchase("Cash", account: "404"), "2500", "AccountRef"),
                (["AccountRef": ["value": "2"], "Line": [SimulatorHarness.expenseLine(1)]], "2020", "PaymentType"),
                (["PaymentType": "Cash", "Line": [SimulatorHarness.expenseLine(1)]], "2020", "AccountRef"),
                (purchase("Cash", account: Seeded.checking, extra: ["EntityRef": ["value": "55"]]), "2500", "EntityRef"),
            ]
            for (body, code, element) in cases {
                let fault = try await qbo.api(.POST, "purchase", json: body).fault()
                #expect(fault.code == code, "\(body): \(fault)")
                #expect(fault.element == .string(element), "\(body): \(fault)")
            }
            let barter = try await qbo.api(.POST, "purchase", json: purchase("Barter", account: Seeded.checking))
            #expect(try barter.fault().code == "2010")
        }
    }

    @Test func aPurchaseIsDeletedNotVoided() async throws {
        try await withSimulator { qbo in
            let cash = try await qbo.create("Purchase", purchase("Cash", account: Seeded.checking))
            let void = try await qbo.api(.POST, "purchase", query: [("operation", "void")], json: [
                "Id": cash["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(try void.fault().code == "500")
            let full = try await qbo.api(.POST, "purchase", json: [
                "Id": cash["Id"] ?? nil, "SyncToken": "0", "PaymentType": "Check", "AccountRef": ["value": "2"],
                "Line": [SimulatorHarness.expenseLine(10)],
            ])
            #expect(try full.json()["Purchase"]?["TotalAmt"] == 10)
            let delete = try await qbo.api(.POST, "purchase", query: [("operation", "delete")], json: [
                "Id": cash["Id"] ?? nil, "SyncToken": "1",
            ])
            #expect(try delete.json()["Purchase"]?["status"] == "Deleted")
        }
    }
}
