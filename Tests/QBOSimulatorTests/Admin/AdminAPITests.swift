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
            #expect(try limits.json() == ["requestsPerMinute": 40, "concurrent": 3])
            _ = try await qbo.makeCustomer()
            _ = try await qbo.api(.GET, "customer/1")
            let stats = try await qbo.admin(.GET, "realms/\(qbo.realm.realmId)/stats").json()
            #expect(stats.objectValue?.keys == ["requests", "writes", "throttled", "maxConcurrentSeen", "requestsLastMinute",
                "injectedFaults", "replayedRequestIds"])
            #expect(stats["requests"] == 2)
            #expect(stats["writes"] == 1)
            #expect(stats["requestsLastMinute"] == 2)
            #expect(stats["maxConcurrentSeen"] == 1)
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
