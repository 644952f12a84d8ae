import Foundation
import Testing

@testable import QBOSimulator

/// What order a query without `ORDERBY` answers in, and where `totalCount` appears.
@Suite(.timeLimit(.minutes(3))) struct DefaultOrderTests {
    private func ids(_ reply: Reply, _ entity: String) throws -> [String] {
        try (reply.json()["QueryResponse"]?[entity]?.arrayValue ?? []).compactMap { $0["Id"]?.stringValue }
    }

    @Test func transactionsComeNewestUpdatedFirst() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let first = try await qbo.makeInvoice(customer: customer, amounts: [10])
            try qbo.simulator.advanceClock(by: .seconds(5))
            let second = try await qbo.makeInvoice(customer: customer, amounts: [20])
            try qbo.simulator.advanceClock(by: .seconds(5))
            let third = try await qbo.makeInvoice(customer: customer, amounts: [30])
            try qbo.simulator.advanceClock(by: .seconds(5))
            _ = try await qbo.api(.POST, "invoice", json: [
                "Id": first["Id"] ?? nil, "SyncToken": "0", "sparse": true, "PrivateNote": "touched",
            ])
            let all = try await qbo.query("SELECT * FROM Invoice")
            #expect(try ids(all, "Invoice") == [first, third, second].compactMap { $0["Id"]?.stringValue })
            // Within one second, the newer Id first.
            let payments = try await (0..<3).asyncMap { _ in
                try await qbo.create("Payment", ["CustomerRef": ["value": customer["Id"] ?? nil], "TotalAmt": 1])
            }
            #expect(try ids(try await qbo.query("SELECT * FROM Payment"), "Payment")
                == payments.reversed().compactMap { $0["Id"]?.stringValue })
            // ORDERBY still decides when given.
            #expect(try ids(try await qbo.query("SELECT * FROM Invoice ORDERBY Id"), "Invoice")
                == [first, second, third].compactMap { $0["Id"]?.stringValue })
        }
    }

    @Test func pagesOfAListingSeeEveryWriteBetweenThem() async throws {
        // Pages are cut from one listing while the books do not change; any write
        // (a create, an edit, a deletion by hand) makes the next page list again.
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            var made: [String] = []
            for amount in [10, 20, 30] {
                made.append(try await qbo.makeInvoice(customer: customer, amounts: [Decimal(amount)])["Id"]?.stringValue ?? "")
                try qbo.simulator.advanceClock(by: .seconds(5))
            }
            let page1 = try ids(try await qbo.query("SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 2"), "Invoice")
            #expect(page1 == [made[2], made[1]])
            let fourth = try await qbo.makeInvoice(customer: customer, amounts: [40])["Id"]?.stringValue ?? ""
            #expect(try ids(try await qbo.query("SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 2"), "Invoice") == [fourth, made[2]])
            #expect(try ids(try await qbo.query("SELECT * FROM Invoice STARTPOSITION 3 MAXRESULTS 2"), "Invoice") == [made[1], made[0]])
            try qbo.simulator.advanceClock(by: .seconds(5))
            _ = try await qbo.api(.POST, "invoice", json: ["Id": .string(made[0]), "SyncToken": "0", "sparse": true, "PrivateNote": "edited"])
            #expect(try ids(try await qbo.query("SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 2"), "Invoice") == [made[0], fourth])
            #expect(try ids(try await qbo.query("SELECT Id, TotalAmt FROM Invoice STARTPOSITION 3 MAXRESULTS 5"), "Invoice") == [made[2], made[1]])
        }
    }

    @Test func nameListsComeAlphabetically() async throws {
        try await withSimulator { qbo in
            for name in ["Cool Cars", "amy's Bird Sanctuary", "Bill's Windsurf Shop"] { _ = try await qbo.makeCustomer(name) }
            let customers = try await qbo.query("SELECT * FROM Customer")
            #expect(try (customers.json()["QueryResponse"]?["Customer"]?.arrayValue ?? []).map { $0["DisplayName"] }
                == ["amy's Bird Sanctuary", "Bill's Windsurf Shop", "Cool Cars"])
            let items = try await qbo.query("SELECT * FROM Item")
            #expect(try (items.json()["QueryResponse"]?["Item"]?.arrayValue ?? []).map { $0["Name"] }
                == ["Cleaning Fee", "Damage Waiver", "Delivery", "Equipment Rental", "Services"])
        }
    }

    @Test func transactionPagesCarryTotalCountOfThePage() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            for amount in [1, 2, 3] { _ = try await qbo.makeInvoice(customer: customer, amounts: [Decimal(amount)]) }
            let page = try #require(try await qbo.query("SELECT * FROM Invoice MAXRESULTS 2").json()["QueryResponse"])
            #expect(page.objectValue?.keys == ["Invoice", "startPosition", "maxResults", "totalCount"])
            #expect(page["maxResults"] == 2)
            #expect(page["totalCount"] == 2)
            // Name lists have none (the recorded customer query), nor has an empty page.
            let customers = try #require(try await qbo.query("SELECT * FROM Customer").json()["QueryResponse"])
            #expect(customers["totalCount"] == nil)
            let empty = try await qbo.query("SELECT * FROM Invoice STARTPOSITION 10")
            #expect(try empty.json()["QueryResponse"] == [:])
        }
    }
}

extension Sequence {
    /// `map` with an async transform, one element after another.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
