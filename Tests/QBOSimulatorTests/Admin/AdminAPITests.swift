import Foundation
import Testing

@testable import QBOSimulator

/// `/admin`: realms, reset, ledger, faults, limits, deposits, tokens, stats.
@Suite(.timeLimit(.minutes(3))) struct AdminAPITests {
    @Test func createRealmIssuesWorkingCredentials() async throws {
        try await withSimulator { qbo in
            let named = try await qbo.admin(.POST, "realms", json: ["realmId": "4620816365"])
            #expect(named.status == 200)
            let credentials = try named.json()
            #expect(credentials.objectValue?.keys == ["realmId", "clientId", "clientSecret", "refreshToken"])
            #expect(credentials["realmId"] == "4620816365")
            #expect(credentials["clientId"] == "qbsync-sim-client")
            #expect(credentials["clientSecret"] == "qbsync-sim-secret")
            let refresh = try #require(credentials["refreshToken"]?.stringValue)
            #expect(try await qbo.refresh(refresh).status == 200)

            let generated = try await qbo.admin(.POST, "realms")
            let id = try #require(try generated.json()["realmId"]?.stringValue)
            #expect(id.count == 16 && id.allSatisfy(\.isNumber))
            let list = try await qbo.admin(.GET, "realms")
            #expect(try list.json()["realms"]?.arrayValue?.contains(.string(id)) == true)
        }
    }

    @Test func aNewRealmIsSeededForARentalBusiness() async throws {
        try await withSimulator { qbo in
            let ledger = try await qbo.admin(.GET, "realms/\(qbo.realm.realmId)/ledger").json()
            #expect(ledger.objectValue?.keys == [
                "Customer", "Invoice", "Payment", "CreditMemo", "RefundReceipt", "Item", "Account", "TaxCode", "TaxRate",
                "PaymentMethod", "Vendor", "Bill", "BillPayment", "PurchaseOrder", "Purchase", "Department", "Class", "Term",
            ])
            func names(_ kind: String) -> [String] {
                (ledger[kind]?.arrayValue ?? []).compactMap { $0["Name"]?.stringValue }
            }
            #expect(names("Item") == ["Services", "Equipment Rental", "Delivery", "Damage Waiver", "Cleaning Fee"])
            #expect(names("Account") == ["Undeposited Funds", "Checking", "Rental Income", "Sales of Product Income",
                "Discounts given", "Accounts Payable (A/P)", "Mastercard", "Cost of Goods Sold", "Inventory Asset",
                "Equipment Repairs", "Supplies"])
            #expect(names("Term") == ["Due on receipt", "Net 15", "Net 30", "Net 60"])
            #expect(names("Department") == ["Main Yard"])
            #expect(names("Class") == ["Rentals"])
            #expect((ledger["Vendor"]?.arrayValue ?? []).compactMap { $0["DisplayName"]?.stringValue }
                == ["Hicks Hardware", "Norton Lumber and Building Materials"])
            #expect(names("PaymentMethod") == ["Cash", "Check", "Visa", "MasterCard", "ACH"])
            #expect((ledger["TaxCode"]?.arrayValue ?? []).compactMap { $0["Id"]?.stringValue } == ["TAX", "NON", "2"])
            #expect(ledger["TaxRate"]?.arrayValue?.first?["RateValue"] == 8)
            #expect(ledger["Customer"] == [])
            let rental = try #require(ledger["Item"]?.arrayValue?[1])
            #expect(rental["Type"] == "Service")
            #expect(rental["IncomeAccountRef"] == ["value": "3", "name": "Rental Income"])
            #expect(ledger["Account"]?.arrayValue?.first?["AccountType"] == "Other Current Asset")
            // Exactly what a read returns.
            #expect(rental == (try await qbo.read("Item", "2")))
        }
    }

    @Test func resetWipesTheBooksButKeepsTokens() async throws {
        try await withSimulator { qbo in
            _ = try await qbo.makeCustomer()
            #expect(try await qbo.admin(.POST, "realms/\(qbo.realm.realmId)/reset").status == 200)
            let ledger = try await qbo.simulator.ledger(realmID: qbo.realm.realmId)
            #expect(ledger["Customer"]?.isEmpty == true)
            #expect(ledger["Item"]?.count == 5)
            #expect(try await qbo.makeCustomer()["Id"] == "1")
        }
    }

    @Test func faultsReadAndWriteGloballyAndPerRealm() async throws {
        try await withSimulator { qbo in
            let initial = try await qbo.admin(.GET, "faults").json()
            #expect(initial == ["errorRate": 0, "latencyMs": 0, "latencyJitterMs": 0, "dropRate": 0, "lostResponseRate": 0,
                "seed": 1])
            let set = try await qbo.admin(.POST, "faults", json: ["realmId": .string(qbo.realm.realmId), "errorRate": .money("0.25"),
                "latencyMs": 5])
            #expect(try set.json()["errorRate"] == .money("0.25"))
            let realmPlan = try await qbo.send(.GET, "/admin/faults", query: [("realmId", qbo.realm.realmId)])
            #expect(try realmPlan?.json()["latencyMs"] == 5)
            #expect(try await qbo.admin(.GET, "faults").json()["errorRate"] == 0)
            let bad = try await qbo.admin(.POST, "faults", json: ["errorRate": 2])
            #expect(bad.status == 400)
            #expect(try bad.json()["error"] != nil)
        }
    }

    @Test func limitsAndStats() async throws {
        try await withSimulator { qbo in
            let limits = try await qbo.admin(.POST, "realms/\(qbo.realm.realmId)/limits",
                json: ["requestsPerMinute": 40, "concurrent": 3])
            #expect(try limits.json() == ["requestsPerMinute": 40, "concurrent": 3, "batchRequestsPerMinute": 1_000_000])
            _ = try await qbo.makeCustomer()
            _ = try await qbo.api(.GET, "customer/1")
            _ = try await qbo.api(.POST, "batch", json: ["BatchItemRequest": [["bId": "q", "Query": "select * from Item"]]])
            let stats = try await qbo.admin(.GET, "realms/\(qbo.realm.realmId)/stats").json()
            #expect(stats.objectValue?.keys == ["requests", "writes", "throttled", "maxConcurrentSeen", "requestsLastMinute",
                "injectedFaults", "replayedRequestIds", "batchRequests", "batchThrottled", "refreshes", "spentRefreshTokenUses"])
            #expect(stats["requests"] == 3)
            #expect(stats["writes"] == 1)
            #expect(stats["requestsLastMinute"] == 3)
            #expect(stats["maxConcurrentSeen"] == 1)
            #expect(stats["batchRequests"] == 1)
            #expect(stats["batchThrottled"] == 0)
        }
    }

    @Test func batchRequestsPerMinuteIsReadAndWrittenWithTheOtherLimits() async throws {
        try await withSimulator(SimulatorConfiguration()) { qbo in
            let path = "realms/\(qbo.realm.realmId)/limits"
            #expect(try await qbo.admin(.GET, path).json()
                == ["requestsPerMinute": 500, "concurrent": 10, "batchRequestsPerMinute": 40])
            let set = try await qbo.admin(.POST, path, json: ["batchRequestsPerMinute": 12])
            #expect(set.status == 200)
            // Omitted members keep their values.
            #expect(try set.json() == ["requestsPerMinute": 500, "concurrent": 10, "batchRequestsPerMinute": 12])
            #expect(try await qbo.admin(.GET, path).json()["batchRequestsPerMinute"] == 12)
            #expect(try await qbo.admin(.POST, path, json: ["batchRequestsPerMinute": 1_000_000_000]).status == 200)
            #expect(try await qbo.admin(.POST, path, json: ["batchRequestsPerMinute": nil]).json()["batchRequestsPerMinute"]
                == 1_000_000_000)
        }
    }

    @Test func badLimitsAreRefusedWithAClearErrorAndChangeNothing() async throws {
        try await withSimulator(SimulatorConfiguration()) { qbo in
            let path = "realms/\(qbo.realm.realmId)/limits"
            let range = "must be a whole number from 1 to 1000000000"
            let refused: [(JSONValue, String)] = [
                (-1, "-1"), (0, "0"), (.money("40.5"), "40.5"), (1_000_000_001, "1000000001"),
                (.money("9223372036854775808"), "9223372036854775808"), ("40", #""40""#), (true, "true"),
                (["n": 40], #"{"n":40}"#),
            ]
            for (value, shown) in refused {
                let reply = try await qbo.admin(.POST, path, json: ["requestsPerMinute": 7, "batchRequestsPerMinute": value])
                #expect(reply.status == 400, "\(shown): \(reply.text)")
                #expect(try reply.json() == ["error": .string("batchRequestsPerMinute \(range), got \(shown)")])
            }
            // Huge in exponent form, as a client's JSON encoder may write it.
            let huge = try #require(
                try await qbo.send(.POST, "/admin/\(path)", body: Array(#"{"batchRequestsPerMinute":1e30}"#.utf8)))
            #expect(huge.status == 400)
            #expect(try huge.json()["error"] == .string("batchRequestsPerMinute \(range), got 1000000000000000000000000000000"))
            let misspelt = try await qbo.admin(.POST, path, json: ["batchRequestPerMinute": 10])
            #expect(misspelt.status == 400)
            #expect(try misspelt.json()["error"]
                == "unknown member batchRequestPerMinute; limits are requestsPerMinute, concurrent, batchRequestsPerMinute")
            let zeroConcurrent = try await qbo.admin(.POST, path, json: ["concurrent": 0])
            #expect(try zeroConcurrent.json()["error"] == .string("concurrent \(range), got 0"))
            // Nothing changed, not even the valid requestsPerMinute sent beside a bad value.
            #expect(try await qbo.admin(.GET, path).json()
                == ["requestsPerMinute": 500, "concurrent": 10, "batchRequestsPerMinute": 40])
            await #expect(throws: SimulatorError.self) {
                try await qbo.simulator.setLimits(
                    realmID: qbo.realm.realmId, requestsPerMinute: 500, concurrent: 10, batchRequestsPerMinute: 0)
            }
        }
    }

    @Test func tokensExpireOnRequest() async throws {
        try await withSimulator { qbo in
            let expire = try await qbo.admin(.POST, "realms/\(qbo.realm.realmId)/tokens/expire")
            #expect(expire.status == 200)
            let reply = try await qbo.api(.GET, "item/1")
            #expect(reply.status == 401)
        }
    }

    @Test func unknownRealmsPaymentsAndEndpointsAre404() async throws {
        try await withSimulator { qbo in
            #expect(try await qbo.admin(.GET, "realms/nope/ledger").status == 404)
            #expect(try await qbo.admin(.POST, "realms/\(qbo.realm.realmId)/payments/99/deposit").status == 404)
            let unknown = try await qbo.admin(.GET, "nothing/here")
            #expect(unknown.status == 404)
            #expect(try unknown.json()["error"] != nil)
            await #expect(throws: SimulatorError.self) { try await qbo.simulator.stats(realmID: "nope") }
        }
    }
}
