import Foundation
import QBOSimulator
import Testing
@testable import QBOClient

/// Every error class the engine acts on, produced by the simulator and classified by the client.
@Suite("Error classes against the simulator", .timeLimit(.minutes(2)))
struct SimulatorErrorTests {
    private func customerAndItem(_ sim: SimulatorHarness) async throws -> (QBO.Ref, QBO.Ref) {
        let customer = try await sim.client.create(QBO.Customer(displayName: "Err Co \(UUID().uuidString.prefix(6))"), requestID: .random())
        return (QBO.Ref(value: try #require(customer.id)), try await sim.seeded(QBO.Item.self, named: "Services"))
    }

    @Test func lostResponseRetriedWithTheSameRequestIDCreatesOneInvoice() async throws {
        try await SimulatorHarness.run { sim in
            let (customer, item) = try await customerAndItem(sim)
            let invoice = SimulatorHarness.invoice(customer: customer, item: item, quantity: "2", rate: "12.50", amount: "25.00")
            let requestID = RequestID.random()
            await sim.simulator.setFaults(FaultPlan(lostResponseRate: 1), realmID: sim.realmID)
            let lost = await expectQBOError { _ = try await sim.client.create(invoice, requestID: requestID) }
            #expect(lost?.kind == .transient)
            #expect(lost?.outcomeUnknown == true)
            await sim.simulator.setFaults(FaultPlan(), realmID: sim.realmID)

            let created = try await sim.client.create(invoice, requestID: requestID)
            #expect(created.totalAmt == dec("25"))
            #expect(try await sim.ledgerCount("Invoice") == 1)
            // libcurl itself may have resent the lost request once on a fresh connection (it does
            // so when a reused connection dies silently); the requestid made that harmless too.
            let stats = try await sim.simulator.stats(realmID: sim.realmID)
            #expect(stats.replayedRequestIds >= 1)
            #expect(stats.writes == 2, "one customer and one invoice, however often the invoice was sent")
        }
    }

    @Test func tokenExpiringMidRunCostsOneRefreshAndNoFailedCall() async throws {
        try await SimulatorHarness.run { sim in
            for _ in 0..<3 { _ = try await sim.client.query(QBOQuery<QBO.Item>.select()) }
            let refreshesBefore = await sim.session.refreshCount
            let storedBefore = sim.storedCount
            try await sim.simulator.expireAccessTokens(realmID: sim.realmID)
            for _ in 0..<5 { _ = try await sim.client.query(QBOQuery<QBO.Item>.select()) }
            #expect(await sim.session.refreshCount == refreshesBefore + 1)
            #expect(sim.storedCount == storedBefore + 1)
        }
    }

    @Test func concurrentCallersDuringARefreshShareIt() async throws {
        try await SimulatorHarness.run { sim in
            _ = try await sim.client.query(QBOQuery<QBO.Item>.select())
            let refreshesBefore = await sim.session.refreshCount
            try await sim.simulator.expireAccessTokens(realmID: sim.realmID)
            try await withThrowingTaskGroup(of: Int.self) { group in
                // Eight stays under the simulator's (and QBO's) ten concurrent requests.
                for _ in 0..<8 {
                    group.addTask { try await sim.client.query(QBOQuery<QBO.Item>.select()).entities.count }
                }
                for try await count in group { #expect(count >= 5) }
            }
            #expect(await sim.session.refreshCount == refreshesBefore + 1)
        }
    }

    @Test func revokedConnectionIsAuthDead() async throws {
        try await SimulatorHarness.run { sim in
            _ = try await sim.client.query(QBOQuery<QBO.Item>.select())
            try await sim.simulator.revokeRefreshTokens(realmID: sim.realmID)
            let error = await expectQBOError { _ = try await sim.client.query(QBOQuery<QBO.Item>.select()) }
            #expect(error?.kind == .authDead)
            #expect(error?.code == "invalid_grant")
            #expect(await sim.session.isDead)
        }
    }

    @Test func rateLimitIsThrottled() async throws {
        try await SimulatorHarness.run { sim in
            _ = try await sim.client.query(QBOQuery<QBO.Item>.select())
            try await sim.simulator.setLimits(realmID: sim.realmID, requestsPerMinute: 2, concurrent: 10)
            var throttled: QBOError?
            for _ in 0..<4 where throttled == nil {
                do { _ = try await sim.client.query(QBOQuery<QBO.Item>.select()) } catch let error as QBOError { throttled = error }
            }
            #expect(throttled?.kind == .throttled)
            #expect(throttled?.httpStatus == 429)
            #expect(throttled?.retryAfter != nil)
            #expect(throttled?.isRetryable == true)
        }
    }

    @Test func staleSyncTokenIsStaleObject() async throws {
        try await SimulatorHarness.run { sim in
            let customer = try await sim.client.create(QBO.Customer(displayName: "Stale Co"), requestID: .random())
            var first = QBO.Customer(id: customer.id, syncToken: customer.syncToken)
            first.notes = "first"
            _ = try await sim.client.sparseUpdate(first, requestID: .random())
            var second = first
            second.notes = "second, with the old SyncToken"
            let error = await expectQBOError { _ = try await sim.client.sparseUpdate(second, requestID: .random()) }
            #expect(error?.kind == .staleObject)
            #expect(error?.code == "5010")
            #expect(error?.outcomeUnknown == false)
        }
    }

    @Test func duplicateDocNumberNamesTheHolder() async throws {
        try await SimulatorHarness.run { sim in
            let (customer, item) = try await customerAndItem(sim)
            let first = try await sim.client.create(
                SimulatorHarness.invoice(customer: customer, item: item, quantity: "1", rate: "10", amount: "10", docNumber: "R-77"), requestID: .random()
            )
            let error = await expectQBOError {
                _ = try await sim.client.create(
                    SimulatorHarness.invoice(customer: customer, item: item, quantity: "1", rate: "10", amount: "10", docNumber: "R-77"), requestID: .random()
                )
            }
            #expect(error?.kind == .duplicate)
            #expect(error?.code == "6140")
            #expect(error?.duplicateHolderID == first.id)

            let name = await expectQBOError { _ = try await sim.client.create(QBO.Customer(displayName: "Dup Name"), requestID: .random()); _ = try await sim.client.create(QBO.Customer(displayName: "Dup Name"), requestID: .random()) }
            #expect(name?.kind == .duplicate)
            #expect(name?.code == "6240")
        }
    }

    @Test func validationNotFoundAndLocked() async throws {
        try await SimulatorHarness.run { sim in
            let (customer, item) = try await customerAndItem(sim)
            let wrongAmount = await expectQBOError {
                _ = try await sim.client.create(
                    SimulatorHarness.invoice(customer: customer, item: item, quantity: "3", rate: "33.33", amount: "100.00"), requestID: .random()
                )
            }
            #expect(wrongAmount?.kind == .validation)
            #expect(wrongAmount?.code == "6070")

            let badQuery = await expectQBOError { _ = try await sim.client.query(QBOQuery<QBO.Customer>(unchecked: "SELECT * FROM Custmoer")) }
            #expect(badQuery?.kind == .validation)
            #expect(["4000", "4001"].contains(badQuery?.code))

            let missing = await expectQBOError { _ = try await sim.client.read(QBO.Invoice.self, id: "987654") }
            #expect(missing?.kind == .notFound)
            #expect(missing?.code == "610")

            let payment = try await sim.client.create(QBO.Payment(customerRef: customer, totalAmt: 20), requestID: .random())
            try await sim.simulator.markDeposited(realmID: sim.realmID, paymentID: try #require(payment.id))
            let locked = await expectQBOError {
                _ = try await sim.client.voidPayment(id: try #require(payment.id), syncToken: try #require(payment.syncToken), requestID: .random())
            }
            #expect(locked?.kind == .locked)
            #expect(locked?.code == "6540")
        }
    }

    @Test func serverErrorsAndDropsAreTransient() async throws {
        try await SimulatorHarness.run { sim in
            _ = try await sim.client.query(QBOQuery<QBO.Item>.select())
            await sim.simulator.setFaults(FaultPlan(errorRate: 1), realmID: sim.realmID)
            let read = await expectQBOError { _ = try await sim.client.query(QBOQuery<QBO.Item>.select()) }
            #expect(read?.kind == .transient)
            #expect(read?.code == "10000")
            #expect(read?.httpStatus == 500)
            #expect(read?.outcomeUnknown == false)
            let write = await expectQBOError { _ = try await sim.client.create(QBO.Customer(displayName: "Five Hundred"), requestID: .random()) }
            #expect(write?.kind == .transient)
            #expect(write?.outcomeUnknown == true, "the engine reads back before re-creating")

            await sim.simulator.setFaults(FaultPlan(dropRate: 1), realmID: sim.realmID)
            let dropped = await expectQBOError { _ = try await sim.client.query(QBOQuery<QBO.Item>.select()) }
            #expect(dropped?.kind == .transient)
            #expect(dropped?.transportFailure != nil)
        }
    }

    @Test func keepAliveServesManyRequestsOverOneConnection() async throws {
        try await SimulatorHarness.run { sim in
            for _ in 0..<25 { _ = try await sim.client.query(QBOQuery<QBO.Item>.select()) }
            // The token refresh and all 25 calls went over one kept-alive connection.
            #expect(sim.transport.connectionsOpened == 1)
            #expect(try await sim.simulator.stats(realmID: sim.realmID).requests == 25)
        }
    }
}
