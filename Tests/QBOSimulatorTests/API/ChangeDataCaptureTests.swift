import Foundation
import Testing

@testable import QBOSimulator

/// `GET /cdc?entities=...&changedSince=...`: QBO's change data capture.
@Suite(.timeLimit(.minutes(3))) struct ChangeDataCaptureTests {
    private func cdc(_ qbo: SimulatorHarness, _ entities: String?, since: Date?) async throws -> Reply {
        var query: [(String, String)] = []
        if let entities { query.append(("entities", entities)) }
        if let since { query.append(("changedSince", QBOTime.dateTime(since))) }
        return try await qbo.api(.GET, "cdc", query: query)
    }

    private func responses(_ reply: Reply) throws -> [JSONValue] {
        try #require(try reply.json()["CDCResponse"]?.arrayValue?.first?["QueryResponse"]?.arrayValue, "\(reply.text)")
    }

    @Test func changedAndDeletedEntitiesPerKindInTheOrderAsked() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let old = try await qbo.makeInvoice(customer: customer, amounts: [10])
            let untouched = try await qbo.makeInvoice(customer: customer, amounts: [20])
            try qbo.simulator.advanceClock(by: .seconds(3600))
            let windowStart = qbo.simulator.now.addingTimeInterval(-1800)
            let fresh = try await qbo.makeInvoice(customer: customer, amounts: [30])
            let payment = try #require(
                try await qbo.makePayment(customer: customer, total: 30, applied: [(fresh, 30)]).json()["Payment"])
            let deleted = try await qbo.api(.POST, "invoice", query: [("operation", "delete")], json: [
                "Id": old["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(deleted.status == 200)

            let reply = try await cdc(qbo, "Payment,Invoice,Item", since: windowStart)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.json().objectValue?.keys == ["CDCResponse", "time"])
            let pages = try responses(reply)
            #expect(pages.count == 3)
            #expect(pages[0].objectValue?.keys == ["Payment", "startPosition", "maxResults", "totalCount"])
            #expect(pages[0]["Payment"]?.arrayValue?.map { $0["Id"] } == [payment["Id"] ?? nil])
            #expect(pages[0]["maxResults"] == 1)
            #expect(pages[0]["totalCount"] == 1)
            let invoices = try #require(pages[1]["Invoice"]?.arrayValue)
            #expect(pages[1]["totalCount"] == 2)
            // The fresh invoice as it is now (paid), and a stub for the deleted one.
            let current = try await qbo.read("Invoice", try #require(fresh["Id"]?.stringValue))
            #expect(invoices.contains(current))
            let stub = try #require(invoices.first { $0["status"] == "Deleted" })
            #expect(stub["Id"] == old["Id"])
            #expect(stub["domain"] == "QBO")
            #expect(stub["MetaData"]?["LastUpdatedTime"]?.stringValue.flatMap(QBOTime.epochSeconds) != nil)
            #expect(!invoices.contains { $0["Id"] == untouched["Id"] })
            // Nothing changed among the items.
            #expect(pages[2] == [:])
        }
    }

    @Test func aWindowOlderThanThirtyDaysIsRefused() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let start = qbo.simulator.now.addingTimeInterval(-60)
            _ = try await qbo.makeInvoice(customer: customer, amounts: [10])
            #expect(try await cdc(qbo, "Invoice", since: start).status == 200)
            try qbo.simulator.advanceClock(by: .seconds(31 * 86_400))
            let refused = try await cdc(qbo, "Invoice", since: start)
            #expect(refused.status == 400)
            let fault = try refused.fault()
            #expect(fault.code == "10002")
            #expect(fault.element == "changedSince")
            // Thirty days back is still allowed, and the old invoice is outside it. A few
            // seconds short of thirty days: the wall clock moves on before the request is
            // answered, and a second ticking over made it 30 days and 1 second (it raced).
            let recent = try await cdc(qbo, "Invoice", since: qbo.simulator.now.addingTimeInterval(-30 * 86_400 + 5))
            #expect(recent.status == 200)
            #expect(try responses(recent) == [[:]])
        }
    }

    @Test func missingParametersAndUnknownEntitiesAreFaults() async throws {
        try await withSimulator { qbo in
            let now = qbo.simulator.now
            let noEntities = try await cdc(qbo, nil, since: now)
            #expect(noEntities.status == 400)
            #expect(try noEntities.fault().code == "2020")
            #expect(try noEntities.fault().element == "entities")
            let noSince = try await cdc(qbo, "Invoice", since: nil)
            #expect(try noSince.fault().code == "2020")
            #expect(try noSince.fault().element == "changedSince")
            let unknown = try await cdc(qbo, "Invoice,Invoise", since: now)
            #expect(unknown.status == 400)
            #expect(try unknown.fault().code == "4001")
            let garbled = try await qbo.api(.GET, "cdc", query: [("entities", "Invoice"), ("changedSince", "yesterday")])
            #expect(garbled.status == 400)
            // Names are matched ignoring case and answered in QBO's spelling.
            let customer = try await qbo.makeCustomer()
            _ = try await qbo.create("CreditMemo", [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": [["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]],
            ])
            let lower = try await cdc(qbo, "creditmemo", since: now.addingTimeInterval(-60))
            #expect(try responses(lower).first?["CreditMemo"]?.arrayValue?.count == 1)
            // Each answer, faults included, counted against the realm's budget.
            #expect(try await qbo.simulator.stats(realmID: qbo.realm.realmId).requests == 7)
            // An unencoded "+hh:mm" offset arrives decoded as a space; it still parses.
            let request = try ChangeRequest.parse(entities: "Invoice", changedSince: "2026-05-01T10:00:00 02:00")
            #expect(request.changedSince == QBOTime.epochSeconds("2026-05-01T08:00:00Z"))
        }
    }

    @Test func anAnswerHoldsAtMostAThousandObjects() async throws {
        try await withSimulator { qbo in
            let since = qbo.simulator.now.addingTimeInterval(-60)
            for batch in 0..<34 {
                let items: [JSONValue] = (0..<30).map { index in
                    ["bId": .string("b\(index)"), "operation": "create",
                     "Customer": ["DisplayName": .string("Renter \(batch * 30 + index)")]]
                }
                #expect(try await qbo.api(.POST, "batch", json: ["BatchItemRequest": .array(items)]).status == 200)
            }
            let customer = try await qbo.makeCustomer("Last Renter")
            _ = try await qbo.makeInvoice(customer: customer, amounts: [5])
            let reply = try await cdc(qbo, "Customer,Invoice", since: since)
            let pages = try responses(reply)
            // 1,021 customers changed: the first 1,000 fill the answer, the invoice is left out.
            #expect(pages[0]["Customer"]?.arrayValue?.count == 1000)
            #expect(pages[0]["totalCount"] == 1000)
            #expect(pages[1] == [:])
        }
    }
}
