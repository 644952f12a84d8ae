import Foundation
import Testing

@testable import QBOSimulator

/// QBO's throttle: per-realm requests per minute and requests in flight, answered with XML.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RateLimitTests {
    @Test func overTheMinuteBudgetIs429WithTheXMLFault() async throws {
        try await withSimulator { qbo in
            try await qbo.simulator.setLimits(realmID: qbo.realm.realmId, requestsPerMinute: 5, concurrent: 10)
            for _ in 0..<5 {
                #expect(try await qbo.api(.GET, "item/1").status == 200)
            }
            try await qbo.api(.GET, "item/1").expectThrottled()
            let stats = try await qbo.simulator.stats(realmID: qbo.realm.realmId)
            #expect(stats.throttled == 1)
            #expect(stats.requestsLastMinute == 5)
            // Another realm has its own budget.
            let other = await qbo.simulator.createRealm("neighbour")
            let token = try #require(try await qbo.refresh(other.refreshToken).json()["access_token"]?.stringValue)
            #expect(try await qbo.api(.GET, "item/1", token: token, realmID: "neighbour").status == 200)
        }
    }

    @Test func theDefaultBudgetIsFiveHundredAMinute() async throws {
        try await withSimulator(SimulatorConfiguration()) { qbo in
            var statuses: [Int] = []
            for _ in 0..<501 { statuses.append(try await qbo.api(.GET, "item/1").status) }
            #expect(statuses.prefix(500).allSatisfy { $0 == 200 })
            #expect(statuses.last == 429)
        }
    }

    @Test func tooManyInFlightIs429() async throws {
        try await withSimulator { qbo in
            try await qbo.simulator.setLimits(realmID: qbo.realm.realmId, requestsPerMinute: 1000, concurrent: 2)
            // Slow enough that all six overlap even on a loaded machine.
            await qbo.simulator.setFaults(FaultPlan(latencyMs: 800), realmID: qbo.realm.realmId)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 { group.addTask { try await qbo.api(.GET, "item/1").status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 2)
            #expect(statuses.filter { $0 == 429 }.count == 4)
            let stats = try await qbo.simulator.stats(realmID: qbo.realm.realmId)
            #expect(stats.maxConcurrentSeen == 2)
            // Once the slow ones finish, there is room again.
            await qbo.simulator.setFaults(FaultPlan(), realmID: qbo.realm.realmId)
            #expect(try await qbo.api(.GET, "item/1").status == 200)
        }
    }

    @Test func theGateSlidesItsWindow() {
        var gate = RequestGate(limits: RealmLimits(requestsPerMinute: 2, concurrent: 10, batchRequestsPerMinute: 40))
        let start = ContinuousClock.now
        let admitted = [0, 30, 59, 61].map { gate.admit(at: start + .seconds($0)) == .admitted }
        // The third is over budget; by the fourth the first has left the window.
        #expect(admitted == [true, true, false, true])
        let inWindow = gate.requestsInLastMinute(at: start + .seconds(61))
        #expect(inWindow == 2)
    }
}
