import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// kill -9 while a drift check reads QuickBooks' changes: after restarts every
/// change is reported, and each exactly once.
@Suite(.serialized, .timeLimit(.minutes(10))) struct DriftCrashTests {
    static let invoices = 240
    static let deleted = 20

    @Test func killNineDuringChangeDataCaptureLosesAndRepeatsNothing() async throws {
        // A check every second, so the kills land in one.
        let environment = try await CrashTests.Environment.start(extraArguments: ["--drift-interval", "1"])
        try await CrashTests.setUp(environment, customers: 4)
        let client = try await environment.client()
        for index in 0..<Self.invoices {
            _ = try await client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-\(index)", customer: "c\(index % 4)")))
        }
        await client.close()
        #expect(try await environment.waitUntilIdle("acme").queueDepth == 0)
        let realmID = environment.realm.realmId
        let pushed = try await environment.simulator.ledger(realmID: realmID)["Invoice"] ?? []
        try #require(pushed.count == Self.invoices)

        // The accountant edits most invoices and deletes some.
        for (position, invoice) in pushed.enumerated() {
            let id = try #require(invoice["Id"]?.stringValue)
            if position < Self.deleted {
                try await environment.simulator.byHand(realmID: realmID, entity: "Invoice", id: id, .delete)
            } else {
                try await environment.simulator.byHand(realmID: realmID, entity: "Invoice", id: id, .edit(["TxnDate": "2026-11-21"]))
            }
        }
        // Slow answers, so a check is in flight for a while.
        await environment.simulator.setFaults(FaultPlan(latencyMs: 250, latencyJitterMs: 150, seed: 11), realmID: realmID)

        // Kill as the next CDC request arrives, a little after, and later in the answer.
        var killedAfter: [Int] = []
        for delay in [0, 120, 320] {
            let before = try await environment.simulator.stats(realmID: realmID).requests
            let end = ContinuousClock.now + .seconds(30)
            while try await environment.simulator.stats(realmID: realmID).requests == before, ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(2))
            }
            try await Task.sleep(for: .milliseconds(delay))
            environment.service.kill9()
            killedAfter.append(try await environment.simulator.stats(realmID: realmID).requests - before)
            try await environment.service.start()
        }
        #expect(killedAfter.allSatisfy { $0 >= 1 }, "each kill must land after a CDC request began: \(killedAfter)")

        // Let the restarted service finish a check, then look.
        await environment.simulator.setFaults(FaultPlan(), realmID: realmID)
        _ = try await environment.retrying { try await $0.checkDrift(CheckDriftRequest(companyID: "acme")) }
        let again = try await environment.retrying { try await $0.checkDrift(CheckDriftRequest(companyID: "acme")) }
        #expect(again.drifted.isEmpty, "a second check reported again: \(again.drifted.count)")

        let byDocNumber = Dictionary(uniqueKeysWithValues: pushed.compactMap { invoice in
            invoice["DocNumber"]?.stringValue.map { ($0, invoice) }
        })
        let deletedNumbers = Set(pushed.prefix(Self.deleted).compactMap { $0["DocNumber"]?.stringValue })
        var reports: [String: Int] = [:]
        for index in 0..<Self.invoices {
            let ref = RecordRef(companyID: "acme", entity: .invoice, externalID: "inv-\(index)")
            let response = try await environment.retrying { try await $0.getRecord(GetRecordRequest(ref: ref, historyLimit: 100)) }
            let record = try #require(response.record)
            let expected: WarningKind = deletedNumbers.contains("INV-\(index)") ? .driftDeleted : .driftEdited
            #expect(byDocNumber["INV-\(index)"] != nil)
            #expect(record.warnings.map(\.kind) == [expected], "inv-\(index): \(record.warnings)")
            reports["inv-\(index)"] = response.history.filter { $0.note.hasPrefix("drifted in QuickBooks") }.count
        }
        let notOnce = reports.filter { $0.value != 1 }
        #expect(notOnce.isEmpty, "reported other than once: \(notOnce.sorted { $0.key < $1.key }.prefix(10))")
        let health = try await environment.retrying { try await $0.getHealth(GetHealthRequest(companyID: "acme")) }.companies.first
        #expect(health?.warnings.first { $0.kind == .driftEdited }?.count == UInt64(Self.invoices - Self.deleted))
        #expect(health?.warnings.first { $0.kind == .driftDeleted }?.count == UInt64(Self.deleted))
        await environment.stop()
    }
}
