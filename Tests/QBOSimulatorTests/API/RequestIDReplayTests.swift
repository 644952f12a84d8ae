import Foundation
import Testing

@testable import QBOSimulator

/// `?requestid=`: the same id replays the original answer, byte for byte, and acts once.
@Suite(.timeLimit(.minutes(3))) struct RequestIDReplayTests {
    @Test func aRepeatedRequestIDReplaysTheOriginalBytes() async throws {
        try await withSimulator { qbo in
            let body: JSONValue = ["DisplayName": "Once Only"]
            let first = try await qbo.api(.POST, "customer", query: [("requestid", "a90bfae9-9c6b-4179-9c7e-d8f538d09f6f")], json: body)
            try await Task.sleep(for: .milliseconds(20))  // a new answer would carry a new time
            let second = try await qbo.api(.POST, "customer", query: [("requestid", "a90bfae9-9c6b-4179-9c7e-d8f538d09f6f")], json: body)
            #expect(first.status == 200)
            #expect(second.status == first.status)
            #expect(second.body == first.body)
            #expect(try await qbo.simulator.ledger(realmID: qbo.realm.realmId)["Customer"]?.count == 1)
            let stats = try await qbo.simulator.stats(realmID: qbo.realm.realmId)
            #expect(stats.replayedRequestIds == 1)
            #expect(stats.writes == 1)
            // A new id acts again (and here meets the duplicate name).
            let third = try await qbo.api(.POST, "customer", query: [("requestid", "another")], json: body)
            #expect(try third.fault().code == "6240")
        }
    }

    @Test func faultsAreReplayedToo() async throws {
        try await withSimulator { qbo in
            let first = try await qbo.api(.POST, "invoice", query: [("requestid", "bad-1")], json: ["Line": []])
            let second = try await qbo.api(.POST, "invoice", query: [("requestid", "bad-1")], json: ["Line": []])
            #expect(first.status == 400)
            #expect(second.body == first.body)
        }
    }

    @Test func requestIDsArePerRealm() async throws {
        try await withSimulator { qbo in
            let other = await qbo.simulator.createRealm("other-realm")
            let grant = try await qbo.refresh(other.refreshToken)
            let token = try #require(try grant.json()["access_token"]?.stringValue)
            let here = try await qbo.api(.POST, "customer", query: [("requestid", "shared")], json: ["DisplayName": "Here"])
            let there = try await qbo.api(.POST, "customer", query: [("requestid", "shared")], json: ["DisplayName": "There"],
                token: token, realmID: "other-realm")
            #expect(try here.json()["Customer"]?["DisplayName"] == "Here")
            #expect(try there.json()["Customer"]?["DisplayName"] == "There")
        }
    }

    @Test func aRequestIDLongerThanFiftyCharactersIsRefused() async throws {
        try await withSimulator { qbo in
            let long = String(repeating: "x", count: 51)
            let reply = try await qbo.api(.POST, "customer", query: [("requestid", long)], json: ["DisplayName": "Too Long"])
            #expect(reply.status == 400)
            #expect(try reply.fault().code == "6000")
            #expect(try reply.fault().detail.contains("more than 50 characters"))
            #expect(try await qbo.simulator.ledger(realmID: qbo.realm.realmId)["Customer"]?.isEmpty == true)
            let fifty = try await qbo.api(.POST, "customer", query: [("requestid", String(long.prefix(50)))],
                json: ["DisplayName": "Just Fits"])
            #expect(fifty.status == 200)
        }
    }

    @Test func theCacheForgetsTheOldestBeyondItsCapacity() {
        var cache = RequestReplayCache(capacity: 3)
        for id in ["a", "b", "c", "d"] {
            cache.record(.init(status: 200, body: Array(id.utf8)), for: id)
        }
        #expect(cache["a"] == nil)
        #expect(cache["d"]?.body == Array("d".utf8))
        #expect(cache.count == 3)
    }
}
