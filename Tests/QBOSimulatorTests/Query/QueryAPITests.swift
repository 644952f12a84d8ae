import Foundation
import Testing

@testable import QBOSimulator

/// `GET /query` over HTTP: filters, ordering, paging and the response shapes.
@Suite(.timeLimit(.minutes(3))) struct QueryAPITests {
    private func seedCustomers(_ qbo: SimulatorHarness) async throws {
        for (name, email, phone) in [
            ("Amy's Bird Sanctuary", "Birds@Intuit.com", "(650) 555-3311"),
            ("Bill's Windsurf Shop", "Surf@Intuit.com", "(415) 444-6538"),
            ("Cool Cars", "Cool_Cars@intuit.com", "(415) 555-9933"),
        ] {
            try await qbo.create("Customer", [
                "DisplayName": .string(name), "PrimaryEmailAddr": ["Address": .string(email)],
                "PrimaryPhone": ["FreeFormNumber": .string(phone)], "GivenName": .string(String(name.prefix(4))),
            ])
        }
    }

    private func names(_ reply: Reply) throws -> [String] {
        try (reply.json()["QueryResponse"]?["Customer"]?.arrayValue ?? []).compactMap { $0["DisplayName"]?.stringValue }
    }

    @Test func equalsWithAnEscapedApostrophe() async throws {
        try await withSimulator { qbo in
            try await seedCustomers(qbo)
            let reply = try await qbo.query(#"SELECT * FROM Customer WHERE DisplayName = 'Amy\'s Bird Sanctuary'"#)
            #expect(reply.status == 200)
            let response = try #require(try reply.json()["QueryResponse"])
            #expect(response["startPosition"] == 1)
            #expect(response["maxResults"] == 1)
            #expect(try names(reply) == ["Amy's Bird Sanctuary"])
        }
    }

    @Test func emailAndPhoneCompareTheirText() async throws {
        try await withSimulator { qbo in
            try await seedCustomers(qbo)
            #expect(try names(try await qbo.query("SELECT * FROM Customer WHERE PrimaryEmailAddr = 'birds@intuit.com'"))
                == ["Amy's Bird Sanctuary"])
            #expect(try names(try await qbo.query("SELECT * FROM Customer WHERE PrimaryPhone = '(415) 555-9933'"))
                == ["Cool Cars"])
        }
    }

    @Test func likeInAndAnd() async throws {
        try await withSimulator { qbo in
            try await seedCustomers(qbo)
            #expect(try names(try await qbo.query("SELECT * FROM Customer WHERE DisplayName LIKE '%s%'")).count == 3)
            #expect(try names(try await qbo.query("SELECT * FROM Customer WHERE DisplayName LIKE 'B%'")) == ["Bill's Windsurf Shop"])
            #expect(try names(try await qbo.query("SELECT * FROM Customer WHERE Id IN ('1', '3')"))
                == ["Amy's Bird Sanctuary", "Cool Cars"])
            #expect(try names(try await qbo.query(
                "select * from Customer where DisplayName like '%s%' and GivenName = 'Cool'")) == ["Cool Cars"])
        }
    }

    @Test func orderByBothWays() async throws {
        try await withSimulator { qbo in
            try await seedCustomers(qbo)
            #expect(try names(try await qbo.query("SELECT * FROM Customer ORDERBY DisplayName DESC"))
                == ["Cool Cars", "Bill's Windsurf Shop", "Amy's Bird Sanctuary"])
            #expect(try names(try await qbo.query("SELECT * FROM Customer ORDER BY PrimaryEmailAddr ASC"))
                == ["Amy's Bird Sanctuary", "Cool Cars", "Bill's Windsurf Shop"])
        }
    }

    @Test func transactionsByCustomerRefDateAndAmount() async throws {
        try await withSimulator { qbo in
            let amy = try await qbo.makeCustomer("Amy")
            let bill = try await qbo.makeCustomer("Bill")
            _ = try await qbo.makeInvoice(customer: amy, amounts: [100])
            _ = try await qbo.makeInvoice(customer: amy, amounts: [500])
            _ = try await qbo.makeInvoice(customer: bill, amounts: [400])
            let amys = try await qbo.query("SELECT * FROM Invoice WHERE CustomerRef = '\(amy["Id"]?.stringValue ?? "")'")
            #expect(try amys.json()["QueryResponse"]?["Invoice"]?.arrayValue?.count == 2)
            let big = try await qbo.query("SELECT * FROM Invoice WHERE TotalAmt > '300.00'")
            #expect(try big.json()["QueryResponse"]?["Invoice"]?.arrayValue?.count == 2)
            let today = QBOTime.date(Date())
            let dated = try await qbo.query("SELECT * FROM Invoice WHERE TxnDate = '\(today)'")
            #expect(try dated.json()["QueryResponse"]?["Invoice"]?.arrayValue?.count == 3)
            let recent = try await qbo.query("SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '2020-01-01T00:00:00Z'")
            #expect(try recent.json()["QueryResponse"]?["Invoice"]?.arrayValue?.count == 3)
        }
    }

    @Test func pagingPastAThousandAndCount() async throws {
        try await withSimulator { qbo in
            // 1050 customers in 35 batches of 30.
            for batch in 0..<35 {
                let items: [JSONValue] = (0..<30).map { index in
                    ["bId": .string("b\(index)"), "operation": "create",
                     "Customer": ["DisplayName": .string(String(format: "Renter %04d", batch * 30 + index))]]
                }
                let reply = try await qbo.api(.POST, "batch", json: ["BatchItemRequest": .array(items)])
                #expect(reply.status == 200)
            }
            let count = try await qbo.query("SELECT COUNT(*) FROM Customer")
            #expect(try count.json()["QueryResponse"] == ["totalCount": 1050])

            let first = try await qbo.query("SELECT * FROM Customer STARTPOSITION 1 MAXRESULTS 1000")
            let firstPage = try #require(try first.json()["QueryResponse"])
            #expect(firstPage["Customer"]?.arrayValue?.count == 1000)
            #expect(firstPage["maxResults"] == 1000)
            let second = try await qbo.query("SELECT * FROM Customer STARTPOSITION 1001 MAXRESULTS 1000")
            let secondPage = try #require(try second.json()["QueryResponse"])
            #expect(secondPage["startPosition"] == 1001)
            #expect(secondPage["maxResults"] == 50)
            #expect(secondPage["Customer"]?.arrayValue?.first?["DisplayName"] == "Renter 1000")
            let defaultPage = try await qbo.query("SELECT * FROM Customer")
            #expect(try defaultPage.json()["QueryResponse"]?["Customer"]?.arrayValue?.count == 100)
            let capped = try await qbo.query("SELECT * FROM Customer MAXRESULTS 5000")
            #expect(try capped.json()["QueryResponse"]?["Customer"]?.arrayValue?.count == 1000)
        }
    }

    @Test func anEmptyPageIsAnEmptyQueryResponse() async throws {
        try await withSimulator { qbo in
            let reply = try await qbo.query("SELECT * FROM Payment STARTPOSITION 101 MAXRESULTS 100")
            #expect(reply.status == 200)
            let body = try reply.json()
            #expect(body.objectValue?.keys == ["QueryResponse", "time"])
            #expect(body["QueryResponse"] == [:])
            #expect(reply.text.hasPrefix(#"{"QueryResponse":{},"time":""#))
        }
    }

    @Test func inactiveNameListRowsAreHiddenUnlessAsked() async throws {
        try await withSimulator { qbo in
            let gone = try await qbo.makeCustomer("Gone Renter")
            _ = try await qbo.makeCustomer("Active Renter")
            _ = try await qbo.api(.POST, "customer", json: [
                "Id": gone["Id"] ?? nil, "SyncToken": "0", "sparse": true, "Active": false,
            ])
            #expect(try names(try await qbo.query("SELECT * FROM Customer")) == ["Active Renter"])
            #expect(try names(try await qbo.query("SELECT * FROM Customer WHERE Active = false")) == ["Gone Renter (deleted)"])
            #expect(try names(try await qbo.query("SELECT * FROM Customer WHERE Active IN (true, false)")).count == 2)
        }
    }

    @Test func curlyQuotesAre4000AndUnknownEntityIs4001() async throws {
        try await withSimulator { qbo in
            let curly = try await qbo.query("SELECT * FROM Customer WHERE DisplayName = ‘Amy’")
            #expect(curly.status == 400)
            #expect(try curly.fault().code == "4000")
            #expect(try curly.fault().message == "Error parsing query")
            let unknown = try await qbo.query("SELECT * FROM Custmoer")
            #expect(unknown.status == 400)
            #expect(try unknown.fault().code == "4001")
            #expect(try unknown.fault().detail == "QueryValidationError: invalid context declaration: Custmoer")
            #expect(try unknown.json()["Fault"]?["type"] == "ValidationFault")
        }
    }
}

/// The indexed paths of `Id` and `DocNumber` answer exactly like a scan.
@Suite(.timeLimit(.minutes(3))) struct QueryIndexTests {
    @Test func idAndDocNumberLookupsMatchTheScan() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            _ = try await qbo.makeInvoice(customer: customer, amounts: [1], docNumber: "INV-7")
            let second = try await qbo.makeInvoice(customer: customer, amounts: [2], docNumber: "2002")
            func ids(_ text: String) async throws -> [String] {
                try (await qbo.query(text).json()["QueryResponse"]?["Invoice"]?.arrayValue ?? []).compactMap { $0["Id"]?.stringValue }
            }
            #expect(try await ids("SELECT * FROM Invoice WHERE DocNumber = '2002'") == [second["Id"]?.stringValue ?? "?"])
            #expect(try await ids("SELECT * FROM Invoice WHERE DocNumber = 'inv-7'") == ["1"])
            #expect(try await ids("SELECT * FROM Invoice WHERE Id = '2' AND DocNumber = '2002'") == ["2"])
            #expect(try await ids("SELECT * FROM Invoice WHERE Id = '2' AND DocNumber = 'INV-7'") == [])
            #expect(try await ids("SELECT * FROM Invoice WHERE DocNumber = '9999'") == [])
        }
    }
}
