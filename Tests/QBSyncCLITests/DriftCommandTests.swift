import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// drift check, resync --force, drift accept and reconcile through the binary.
@Suite(.timeLimit(.minutes(2))) struct DriftCommandTests {
    @Test func aDriftIsShownFixedAndReconciled() async throws {
        try await withHarness { harness in
            let realm = try await harness.prepareCompany()
            let record = try await harness.syncInvoice(Fixtures.invoice("inv-7", customer: "c1"))
            let quiet = try await harness.cli("drift", "check")
            #expect(quiet.status == 0, "\(quiet)")
            #expect(quiet.stdout.contains("Nothing newly drifted"), "\(quiet.stdout)")
            try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: record.qboID, .edit(["TxnDate": "2026-11-15"]))
            let drifted = try await harness.cli("drift", "check")
            #expect(drifted.status == 71, "\(drifted)")
            #expect(drifted.stdout.contains("DRIFT_EDITED"), "\(drifted.stdout)")
            #expect(drifted.stdout.contains("TxnDate: ours 2026-11-02, QuickBooks 2026-11-15"), "\(drifted.stdout)")
            let shown = try await harness.cli("invoices", "show", "inv-7")
            #expect(shown.stdout.contains("TxnDate: ours 2026-11-02, QuickBooks 2026-11-15"), "\(shown.stdout)")
            let reconciled = try await harness.cli("reconcile", "--from", "2026-11-01", "--to", "2026-11-30", "--entities", "invoices")
            #expect(reconciled.status == 0, "\(reconciled)")  // same amounts; the date moved inside the period
            let refused = try await harness.cli("invoices", "resync", "inv-7")
            #expect(refused.status == 65, "\(refused)")
            #expect(refused.stderr.contains("force"), "\(refused.stderr)")
            let forced = try await harness.cli("invoices", "resync", "inv-7", "--force", "--wait")
            #expect(forced.status == 0, "\(forced)")
            #expect(try await harness.ledger(realm, "Invoice").first?["TxnDate"]?.stringValue == "2026-11-02")
            try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: record.qboID, .delete)
            _ = try await harness.cli("drift", "check")
            let missing = try await harness.cli("reconcile", "--from", "2026-11-01", "--to", "2026-11-30", "--entities", "invoices")
            #expect(missing.status == 70, "\(missing)")
            #expect(missing.stdout.contains("MISSING_IN_QUICKBOOKS invoice inv-7"), "\(missing.stdout)")
            let accepted = try await harness.cli("drift", "accept", "invoices", "inv-7")
            #expect(accepted.status == 0, "\(accepted)")
            #expect(accepted.stdout.contains("accepted DRIFT_DELETED"), "\(accepted.stdout)")
            let policy = try await harness.cli("settings", "--drift-policy", "accept")
            #expect(policy.stdout.contains("Drift policy") && policy.stdout.contains("accept quickbooks"), "\(policy.stdout)")
        }
    }
}
