import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// vendors, bills, bill-payments, purchase-orders and expenses through the binary.
@Suite(.timeLimit(.minutes(2))) struct PayablesCommandTests {
    @Test func aVendorIsLinkedAndItsBillShownSentPaidAndBulkSynced() async throws {
        try await withHarness { harness in
            let realm = try await harness.prepareCompany()
            _ = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .account, entries: [
                AutoMapEntry(externalCode: "BANK", name: "Checking"),
            ]))
            // A name match is a proposal: exit 70 with the candidate and the command to confirm it.
            let proposed = try await harness.cli("vendors", "link", "v-hicks", "--auto", "--name", "Hicks Hardware")
            #expect(proposed.status == 70, "\(proposed)")
            #expect(proposed.stdout.contains("one QBO vendor matches"), "\(proposed.stdout)")
            #expect(proposed.stdout.contains("Hicks Hardware"), "\(proposed.stdout)")
            let bill = #"{"externalId":"b1","vendorExternalId":"v-hicks","docNumber":"HH-1","txnDate":"2026-11-02","currency":"USD","lines":[{"accountCode":"REPAIRS","amountMinor":"12550"}]}"#
            let sent = try await harness.cli("bills", "sync", "-", stdin: bill)
            #expect(sent.stdout.contains("BLOCKED"), "\(sent)")
            let shown = try await harness.cli("bills", "show", "b1")
            #expect(shown.stdout.contains("vendor v-hicks needs a confirmed QuickBooks match"), "\(shown.stdout)")
            #expect(shown.stdout.contains("fix: qbsync vendors link v-hicks --to"), "\(shown.stdout)")
            #expect(shown.stdout.contains("✗ account REPAIRS not mapped"), "\(shown.stdout)")
            #expect(shown.stdout.contains("total 125.50 USD"), "\(shown.stdout)")
            let vendor = try await harness.cli("vendors", "show", "v-hicks")
            #expect(vendor.stdout.contains("candidate: QBO vendor \(SimulatorSeed.Vendor.hicksHardware) \"Hicks Hardware\""), "\(vendor.stdout)")
            let confirmed = try await harness.cli("vendors", "link", "v-hicks", "--to", SimulatorSeed.Vendor.hicksHardware)
            #expect(confirmed.status == 0, "\(confirmed)")
            #expect(confirmed.stdout.contains("linked to QBO vendor \(SimulatorSeed.Vendor.hicksHardware)"), "\(confirmed.stdout)")
            _ = try await harness.cli("mappings", "accounts", "set", "REPAIRS", SimulatorSeed.Account.equipmentRepairs)
            #expect(try await harness.waitForRecord(harness.ref("acme", .bill, "b1")) { $0.status == .synced }.status == .synced)

            let payment = #"{"externalId":"bp1","vendorExternalId":"v-hicks","txnDate":"2026-11-09","currency":"USD","amountMinor":"12550","method":"BILL_PAYMENT_METHOD_CHECK","paymentAccountCode":"BANK","applications":[{"billExternalId":"b1","amountMinor":"12550"}]}"#
            let paid = try await harness.cli("bill-payments", "sync", "-", "--wait", stdin: payment)
            #expect(paid.status == 0, "\(paid)")
            #expect(paid.stdout.contains("SYNCED"), "\(paid.stdout)")
            let balance = try await harness.ledger(realm, "Bill").first?["Balance"]?.decimalValue
            #expect(balance == 0)
            // Bad input names the field and exits 65 with nothing stored.
            let bad = try await harness.cli("expenses", "sync", "-", stdin: #"{"externalId":"e1","txnDate":"2026-11-09","currency":"USD","paymentAccountCode":"BANK","lines":[{"accountCode":"REPAIRS","amountMinor":"100"}]}"#)
            #expect(bad.status == 65, "\(bad)")
            #expect(bad.stderr.contains("expense.payment_type"), "\(bad.stderr)")
            // Entity types are turned off and on by name.
            let off = try await harness.cli("settings", "--disable", "expenses,purchase-orders")
            #expect(off.status == 0, "\(off)")
            #expect(off.stdout.contains("Not synced") && off.stdout.contains("purchase-orders, expenses"), "\(off.stdout)")
            let refused = try await harness.cli("settings", "--disable", "customers")
            #expect(refused.status == 65, "\(refused)")
            #expect(refused.stderr.contains("disable_entities[0]"), "\(refused.stderr)")
            let on = try await harness.cli("settings", "--enable", "expense")
            #expect(on.stdout.contains("Not synced") && !on.stdout.contains("purchase-orders, expenses"), "\(on.stdout)")
            // Bulk sync takes the new entity names; a dry run plans a bill again.
            let dry = try await harness.cli("bulk-sync", "--entities", "bills,bill-payments", "--from", "2026-11-01", "--to", "2026-11-30", "--dry-run", "--force")
            #expect(dry.status == 0, "\(dry)")
            #expect(dry.stdout.contains("bills"), "\(dry.stdout)")
            #expect(dry.stdout.contains("bill-payments"), "\(dry.stdout)")
            let unknown = try await harness.cli("bulk-sync", "--entities", "widgets", "--from", "2026-11-01", "--to", "2026-11-30")
            #expect(unknown.status == 64, "\(unknown)")
            #expect(unknown.stderr.contains("purchase-orders"), "\(unknown.stderr)")
        }
    }
}
