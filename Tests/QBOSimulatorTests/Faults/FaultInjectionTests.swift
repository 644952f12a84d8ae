import Foundation
import Testing

@testable import QBOSimulator

/// Injected failures: server errors, latency, dropped connections, lost responses.
@Suite(.serialized, .timeLimit(.minutes(3))) struct FaultInjectionTests {
    @Test func errorRateAnswers500SystemFaultAndChangesNothing() async throws {
        try await withSimulator { qbo in
            await qbo.simulator.setFaults(FaultPlan(errorRate: 1), realmID: qbo.realm.realmId)
            let reply = try await qbo.api(.POST, "customer", json: ["DisplayName": "Never Saved"])
            #expect(reply.status == 500)
            let fault = try reply.fault()
            #expect(fault.code == "10000")
            #expect(fault.message == "An application error has occurred while processing your request")
            #expect(try reply.json()["Fault"]?["type"] == "SystemFault")
            #expect(try await qbo.simulator.ledger(realmID: qbo.realm.realmId)["Customer"]?.isEmpty == true)
            #expect(try await qbo.simulator.stats(realmID: qbo.realm.realmId).injectedFaults == 1)
        }
    }

    @Test func dropClosesTheConnectionAndChangesNothing() async throws {
        try await withSimulator { qbo in
            await qbo.simulator.setFaults(FaultPlan(dropRate: 1), realmID: qbo.realm.realmId)
            let reply = try await qbo.send(
                .POST, "/v3/company/\(qbo.realm.realmId)/customer",
                headers: [("Authorization", "Bearer \(qbo.accessToken)")], body: Array(#"{"DisplayName":"Dropped"}"#.utf8))
            #expect(reply == nil)
            #expect(try await qbo.simulator.ledger(realmID: qbo.realm.realmId)["Customer"]?.isEmpty == true)
        }
    }

    @Test func lostResponseActsOnceAndTheRetryGetsTheOriginalAnswer() async throws {
        try await withSimulator { qbo in
            await qbo.simulator.setFaults(FaultPlan(lostResponseRate: 1), realmID: qbo.realm.realmId)
            let path = "/v3/company/\(qbo.realm.realmId)/customer"
            let headers = [("Authorization", "Bearer \(qbo.accessToken)")]
            let body = Array(#"{"DisplayName":"Lost Answer"}"#.utf8)
            let lost = try await qbo.send(.POST, path, query: [("requestid", "lost-1")], headers: headers, body: body)
            #expect(lost == nil)
            let ledger = try await qbo.simulator.ledger(realmID: qbo.realm.realmId)
            let saved = try #require(ledger["Customer"]?.first)
            #expect(ledger["Customer"]?.count == 1)

            await qbo.simulator.setFaults(FaultPlan(), realmID: qbo.realm.realmId)
            let retry = try #require(try await qbo.send(.POST, path, query: [("requestid", "lost-1")], headers: headers, body: body))
            #expect(retry.status == 200)
            #expect(try retry.json()["Customer"] == saved)
            #expect(try await qbo.simulator.ledger(realmID: qbo.realm.realmId)["Customer"]?.count == 1)
            let stats = try await qbo.simulator.stats(realmID: qbo.realm.realmId)
            #expect(stats.replayedRequestIds == 1)
            #expect(stats.writes == 1)
        }
    }

    @Test func latencyDelaysTheAnswer() async throws {
        try await withSimulator { qbo in
            await qbo.simulator.setFaults(FaultPlan(latencyMs: 250, latencyJitterMs: 50), realmID: qbo.realm.realmId)
            let clock = ContinuousClock()
            var status = 0
            let elapsed = try await clock.measure {
                status = try await qbo.api(.GET, "item/1").status
            }
            #expect(status == 200)
            #expect(elapsed >= .milliseconds(250))
            #expect(elapsed < .seconds(10))  // milliseconds, not seconds; loose for a loaded machine
        }
    }

    @Test func aSeedRepeatsTheSameFailures() async throws {
        try await withSimulator { qbo in
            func run() async throws -> [Int] {
                await qbo.simulator.setFaults(FaultPlan(errorRate: 0.5, seed: 42), realmID: qbo.realm.realmId)
                var statuses: [Int] = []
                for _ in 0..<24 { statuses.append(try await qbo.api(.GET, "item/1").status) }
                return statuses
            }
            let first = try await run()
            #expect(try await run() == first)
            #expect(first.contains(500))
            #expect(first.contains(200))
        }
    }

    @Test func theGlobalPlanAppliesToRealmsWithoutTheirOwn() async throws {
        try await withSimulator { qbo in
            await qbo.simulator.setFaults(FaultPlan(errorRate: 1))
            let failed = try await qbo.api(.GET, "item/1")
            #expect(failed.status == 500)
            await qbo.simulator.setFaults(FaultPlan(), realmID: qbo.realm.realmId)
            #expect(try await qbo.api(.GET, "item/1").status == 200)
            #expect(await qbo.simulator.faults().errorRate == 1)
        }
    }

    @Test func faultsCanBeSetAtStart() async throws {
        var configuration = SimulatorHarness.roomyConfiguration
        configuration.faults = FaultPlan(errorRate: 1)
        try await withSimulator(configuration) { qbo in
            let failed = try await qbo.api(.GET, "item/1")
            #expect(failed.status == 500)
            // The token endpoint is not an API request and never fails.
            let refresh = try await qbo.refresh(await qbo.simulator.createRealm(qbo.realm.realmId).refreshToken)
            #expect(refresh.status == 200)
        }
    }

    @Test func theInjectorDrawsInOrderErrorDropLost() {
        var injector = FaultInjector(plan: FaultPlan(errorRate: 0.25, dropRate: 0.25, lostResponseRate: 0.25, seed: 7))
        var seen: [FaultDecision.Failure: Int] = [:]
        for _ in 0..<4000 { seen[injector.decide().failure, default: 0] += 1 }
        for failure in [FaultDecision.Failure.none, .serverError, .drop, .lostResponse] {
            #expect((850...1150).contains(seen[failure] ?? 0), "\(failure): \(seen[failure] ?? 0)")
        }
    }
}
