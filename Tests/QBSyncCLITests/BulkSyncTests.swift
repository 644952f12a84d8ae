import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// bulk-sync: totals that match what was set up, failures with their
/// reasons, and a dry run that sends nothing.
@Suite(.timeLimit(.minutes(2))) struct BulkSyncTests {
    @Test func totalsMatchAndFailuresAreListed() async throws {
        try await withHarness { harness in
            let realm = try await harness.prepareCompany()
            try await harness.syncInvoice(Fixtures.invoice("done-1", customer: "c1"))                  // skipped: already synced
            var excluded = Fixtures.invoice("excl-1", customer: "c1")
            excluded.excludeFromSync = true
            try await harness.syncInvoice(excluded)                                                    // skipped: excluded
            try await harness.syncInvoice(Fixtures.invoice("gen-1", customer: "c1", item: "GEN-20KW")) // failed: blocked
            // Held while disconnected: bulk-sync pushes them once the company is back.
            _ = try await harness.client.disconnectCompany(DisconnectCompanyRequest(companyID: "acme"))
            for id in ["new-1", "new-2"] {
                _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice(id, customer: "c1")))
            }
            let bulk = try CLIProcess(["bulk-sync", "--entities", "invoices", "--json", "--socket", harness.socketPath, "--company", "acme"])
            try await bulk.waitForOutput("progress:")
            let fresh = await harness.simulator.createRealm(realm.realmId)
            _ = try await harness.client.connectCompany(ConnectCompanyRequest(companyID: "acme", credentials: QBOCredentials(
                realmID: fresh.realmId, clientID: fresh.clientId, clientSecret: fresh.clientSecret, refreshToken: fresh.refreshToken)))
            let result = try await bulk.finish()
            #expect(result.status == 70, "\(result)")
            let progress = try result.object()
            let totals = progress[object: "totals"]
            #expect(totals[string: "selected"] == "5", "\(totals)")
            #expect(totals[string: "created"] == "2", "\(totals)")
            #expect(totals[string: "updated"] == "0", "\(totals)")
            #expect(totals[string: "skipped"] == "2", "\(totals)")
            #expect(totals[string: "failed"] == "1", "\(totals)")
            #expect(progress["finished"] as? Bool == true)
            let failed = progress[array: "results"].filter { $0[string: "outcome"] == "BULK_OUTCOME_FAILED" }
            #expect(failed.map { $0[object: "record"][object: "ref"][string: "externalId"] } == ["gen-1"])
            #expect(try await harness.ledger(fresh, "Invoice").count == 3)

            // --force re-pushes the synced ones as updates; text report lists the failure and its fix.
            let forced = try await harness.cli("bulk-sync", "--entities", "invoices", "--force")
            #expect(forced.status == 70, "\(forced)")
            let total = forced.stdout.split(separator: "\n").first { $0.hasPrefix("total") }.map { $0.split(separator: " ").map(String.init) }
            #expect(total == ["total", "0", "3", "1", "1"], "\(forced.stdout)")
            #expect(forced.stdout.contains("Failed (1)"), "\(forced.stdout)")
            #expect(forced.stdout.contains("✗ invoice gen-1  BLOCKED  item GEN-20KW not mapped"), "\(forced.stdout)")
            #expect(forced.stdout.contains("progress: 5/5 done"), "plain progress lines when piped: \(forced.stdout)")
            #expect(try await harness.ledger(fresh, "Invoice").count == 3)
        }
    }

    @Test func dryRunEstimatesRequestsAndTimeAtTheBackfillShareOfTheLimit() async throws {
        // Without batches: one request each, paced evenly at 18 a minute.
        try await withHarness(configure: { $0.engine.requestsPerMinute = 20; $0.engine.backfillBatches = false }) { harness in
            _ = try await harness.prepareCompany()
            _ = try await harness.client.disconnectCompany(DisconnectCompanyRequest(companyID: "acme"))
            for index in 0..<30 {
                _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("est-\(index)", customer: "c1")))
            }
            let totals = try await harness.cli("bulk-sync", "--dry-run", "--json", "--entities", "invoices").object()[object: "totals"]
            #expect(totals[string: "estimatedRequests"] == "30", "\(totals)")
            #expect(totals[string: "estimatedSeconds"] == "100", "\(totals)")
        }
        // 20 requests a minute, of which bulk work (backfill) may use 18.
        try await withHarness(configure: { $0.engine.requestsPerMinute = 20 }) { harness in
            let realm = try await harness.prepareCompany()
            _ = try await harness.client.disconnectCompany(DisconnectCompanyRequest(companyID: "acme"))
            for index in 0..<30 {
                _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("est-\(index)", customer: "c1")))
            }
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("gen-1", customer: "c1", item: "GEN-20KW")))
            let json = try await harness.cli("bulk-sync", "--dry-run", "--json", "--entities", "invoices")
            let totals = try json.object()[object: "totals"]
            // The 30 creates fit in one batch request; the blocked one sends nothing.
            #expect(totals[string: "estimatedRequests"] == "1", "\(totals)")
            #expect(totals["requestsPerMinute"] as? Int == 18, "\(totals)")
            // A batch of 30 at 18 batch requests a minute: 3.3 s, rounded up.
            #expect(totals[string: "estimatedSeconds"] == "4", "\(totals)")
            let text = try await harness.cli("bulk-sync", "--dry-run", "--entities", "invoices")
            #expect(text.stdout.contains("Would send about 1 request(s) to QuickBooks: about 4.0s at 18 requests/min"), "\(text.stdout)")
            #expect(try await harness.ledger(realm, "Invoice").isEmpty)
        }
    }

    @Test func dryRunSendsNothing() async throws {
        try await withHarness { harness in
            let realm = try await harness.prepareCompany()
            _ = try await harness.client.disconnectCompany(DisconnectCompanyRequest(companyID: "acme"))
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("new-1", customer: "c1", docNumber: "1043")))
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("gen-1", customer: "c1", item: "GEN-20KW")))
            let dry = try await harness.cli("bulk-sync", "--dry-run", "--entities", "invoices", "--from", "2026-01-01", "--to", "2026-12-31")
            #expect(dry.status == 0, "\(dry)")
            #expect(dry.stdout.contains("Dry run: nothing was sent."), "\(dry.stdout)")
            #expect(dry.stdout.contains("create  invoice new-1  Invoice 1043"), "\(dry.stdout)")
            #expect(dry.stdout.contains("Would block (1)"), "\(dry.stdout)")
            #expect(dry.stdout.contains("invoice gen-1") && dry.stdout.contains("item GEN-20KW not mapped"), "\(dry.stdout)")
            let json = try await harness.cli("bulk-sync", "--dry-run", "--json")
            let outcomes = try json.object()[array: "results"].map { $0[string: "outcome"] ?? "" }
            #expect(outcomes.sorted() == ["BULK_OUTCOME_SKIPPED", "BULK_OUTCOME_WOULD_BLOCK", "BULK_OUTCOME_WOULD_CREATE"], "\(json)")
            #expect(try await harness.ledger(realm, "Invoice").isEmpty)
            let record = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "new-1"))).record
            #expect(record?.status == .pending)
            #expect(record?.qboID.isEmpty == true)
        }
    }
}
