import Foundation
import Testing

@testable import QBOSimulator

/// QBO's batch budget over HTTP: 40 `POST /batch` a minute per realm, beside the 500
/// requests a minute that a batch also counts against once.
@Suite(.serialized, .timeLimit(.minutes(3))) struct BatchThrottleTests {
    /// A batch of one query item: cheap, and changes nothing.
    private static let queryBatch: JSONValue = [
        "BatchItemRequest": [["bId": "q", "Query": "select * from Item maxresults 1"]]
    ]

    @Test func theFortyFirstBatchInAMinuteIs429InQBOsShapeWhileSinglesPass() async throws {
        try await withSimulator(SimulatorConfiguration()) { qbo in
            for index in 0..<40 {
                let reply = try await qbo.api(.POST, "batch", json: Self.queryBatch)
                #expect(reply.status == 200, "batch \(index + 1): \(reply.text)")
            }
            try await qbo.api(.POST, "batch", json: Self.queryBatch).expectThrottled()
            #expect(try await qbo.api(.GET, "item/1").status == 200)
            #expect(try await qbo.query("select * from Customer").status == 200)
            let stats = try await qbo.simulator.stats(realmID: qbo.realm.realmId)
            #expect(stats.batchRequests == 40)
            #expect(stats.batchThrottled == 1)
            #expect(stats.throttled == 1)
            #expect(stats.requests == 43)
            // 40 batches and 2 singles; the refused batch is not in the window.
            #expect(stats.requestsLastMinute == 42)
            // Another realm has its own batch budget.
            let other = await qbo.simulator.createRealm("neighbour")
            let token = try #require(try await qbo.refresh(other.refreshToken).json()["access_token"]?.stringValue)
            let neighbours = try await qbo.api(.POST, "batch", json: Self.queryBatch, token: token, realmID: "neighbour")
            #expect(neighbours.status == 200)
        }
    }

    @Test func aRefusedBatchIsNotCounted() async throws {
        try await withSimulator { qbo in
            let realmID = qbo.realm.realmId
            try await qbo.simulator.setLimits(
                realmID: realmID, requestsPerMinute: 1000, concurrent: 10, batchRequestsPerMinute: 2)
            #expect(try await qbo.api(.POST, "batch", json: Self.queryBatch).status == 200)
            #expect(try await qbo.api(.POST, "batch", json: Self.queryBatch).status == 200)
            try await qbo.api(.POST, "batch", json: Self.queryBatch).expectThrottled()
            var stats = try await qbo.simulator.stats(realmID: realmID)
            #expect(stats.requestsLastMinute == 2)
            #expect(stats.batchRequests == 2)
            #expect(stats.batchThrottled == 1)
            // One more unit of batch budget admits exactly one more batch: the refused one
            // took none.
            let raised = try await qbo.admin(.POST, "realms/\(realmID)/limits", json: ["batchRequestsPerMinute": 3])
            #expect(try raised.json()["batchRequestsPerMinute"] == 3)
            #expect(try await qbo.api(.POST, "batch", json: Self.queryBatch).status == 200)
            try await qbo.api(.POST, "batch", json: Self.queryBatch).expectThrottled()
            stats = try await qbo.simulator.stats(realmID: realmID)
            #expect(stats.requestsLastMinute == 3)
            #expect(stats.batchRequests == 3)
            #expect(stats.batchThrottled == 2)
        }
    }

    @Test func aBatchAlsoSpendsTheRequestBudget() async throws {
        try await withSimulator { qbo in
            let realmID = qbo.realm.realmId
            try await qbo.simulator.setLimits(
                realmID: realmID, requestsPerMinute: 2, concurrent: 10, batchRequestsPerMinute: 40)
            #expect(try await qbo.api(.POST, "batch", json: Self.queryBatch).status == 200)
            #expect(try await qbo.api(.GET, "item/1").status == 200)
            try await qbo.api(.POST, "batch", json: Self.queryBatch).expectThrottled()
            let stats = try await qbo.simulator.stats(realmID: realmID)
            // Refused by the request budget, not the batch budget.
            #expect(stats.throttled == 1)
            #expect(stats.batchThrottled == 0)
            #expect(stats.batchRequests == 1)
        }
    }

    @Test func thirtyOneItemsAreStill1040AndCountAsABatch() async throws {
        try await withSimulator { qbo in
            let realmID = qbo.realm.realmId
            try await qbo.simulator.setLimits(
                realmID: realmID, requestsPerMinute: 1000, concurrent: 10, batchRequestsPerMinute: 1)
            let items: [JSONValue] = (0..<31).map { index in
                ["bId": .string("b\(index)"), "operation": "create", "Customer": ["DisplayName": .string("R\(index)")]]
            }
            let reply = try await qbo.api(.POST, "batch", json: ["BatchItemRequest": .array(items)])
            #expect(reply.status == 400)
            #expect(try reply.fault().code == "1040")
            // The throttle comes before the body is read: the refused batch spent the budget.
            try await qbo.api(.POST, "batch", json: Self.queryBatch).expectThrottled()
            #expect(try await qbo.simulator.ledger(realmID: realmID)["Customer"]?.isEmpty == true)
            let stats = try await qbo.simulator.stats(realmID: realmID)
            #expect(stats.batchRequests == 1)
            #expect(stats.batchThrottled == 1)
        }
    }
}
