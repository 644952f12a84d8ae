import Testing

@testable import QBOSimulator

/// The throttle's state machine with synthetic instants: the batch budget beside the request
/// budget and the in-flight cap, and what a refusal leaves behind (nothing).
@Suite struct RequestGateTests {
    private let start = ContinuousClock.now

    private func gate(requests: Int = 500, concurrent: Int = 10, batches: Int = 40) -> RequestGate {
        RequestGate(limits: RealmLimits(requestsPerMinute: requests, concurrent: concurrent, batchRequestsPerMinute: batches))
    }

    private func at(_ seconds: Double) -> ContinuousClock.Instant {
        start + .milliseconds(Int(seconds * 1000))
    }

    @Test func theFortyFirstBatchInAMinuteIsRefusedWhileSinglesPass() {
        var gate = gate()
        for index in 0..<40 {
            #expect(gate.admit(.batch, at: at(Double(index))) == .admitted)
            gate.release()
        }
        #expect(gate.admit(.batch, at: at(40)) == .overBatchBudget)
        #expect(gate.admit(.single, at: at(40)) == .admitted)
        #expect(gate.requestsInLastMinute(at: at(40)) == 41)
    }

    @Test func theBatchBudgetFreesAsItsWindowSlides() {
        var gate = gate(batches: 2)
        let admissions = [0, 30, 59, 60.5, 89, 90.5].map { seconds in
            defer { gate.release() }
            return gate.admit(.batch, at: at(seconds))
        }
        // At 60.5 the batch of 0 has left the window; at 89 those of 30 and 60.5 are still
        // in it; at 90.5 the one of 30 has left.
        #expect(admissions == [.admitted, .admitted, .overBatchBudget, .admitted, .overBatchBudget, .admitted])
    }

    @Test func aBatchCountsOnceAgainstTheRequestBudget() {
        var gate = gate(requests: 2)
        #expect(gate.admit(.batch, at: at(0)) == .admitted)
        #expect(gate.admit(.batch, at: at(1)) == .admitted)
        #expect(gate.admit(.single, at: at(2)) == .overRequestBudget)
        #expect(gate.inFlight == 2)
    }

    @Test func aBatchRefusedByTheBatchBudgetTakesNothingFromTheRequestBudget() {
        var gate = gate(requests: 3, batches: 1)
        #expect(gate.admit(.batch, at: at(0)) == .admitted)
        #expect(gate.admit(.batch, at: at(1)) == .overBatchBudget)
        #expect(gate.requestsInLastMinute(at: at(1)) == 1)
        #expect(gate.inFlight == 1)
        // Both remaining units of the request budget are still there.
        #expect(gate.admit(.single, at: at(2)) == .admitted)
        #expect(gate.admit(.single, at: at(3)) == .admitted)
        #expect(gate.admit(.single, at: at(4)) == .overRequestBudget)
    }

    @Test func aBatchRefusedByAnotherLimitTakesNothingFromTheBatchBudget() {
        var gate = gate(requests: 1, concurrent: 1, batches: 1)
        #expect(gate.admit(.single, at: at(0)) == .admitted)
        #expect(gate.admit(.batch, at: at(1)) == .overConcurrentLimit)
        gate.release()
        #expect(gate.admit(.batch, at: at(10)) == .overRequestBudget)
        // The single of 0 has left the window; had either refused batch been recorded in
        // the batch window (at 1 or 10), this one would be over the batch budget.
        #expect(gate.admit(.batch, at: at(60.5)) == .admitted)
        #expect(gate.requestsInLastMinute(at: at(60.5)) == 1)
    }

    @Test func changedLimitsApplyToTheWindowAsItStands() {
        var gate = gate(batches: 3)
        for seconds in [0.0, 1, 2] {
            #expect(gate.admit(.batch, at: at(seconds)) == .admitted)
            gate.release()
        }
        gate.limits.batchRequestsPerMinute = 2
        #expect(gate.admit(.batch, at: at(3)) == .overBatchBudget)
        gate.limits.batchRequestsPerMinute = 4
        #expect(gate.admit(.batch, at: at(4)) == .admitted)
    }
}
