import Foundation
import QBOClient
import QBSyncClient
import QBSyncStore
import QBSyncTesting
import QBSyncWire
import Testing

/// The service on PostgreSQL when the server drops its connections (a
/// restart, a failover of the database, an idle cut): calls in flight fail
/// UNAVAILABLE (retryable, nothing half-stored), the next ones work, and
/// the pushes go on, every invoice once.
@Suite(.timeLimit(.minutes(3))) struct PostgresServiceTests {
    @Test(.enabled(if: TestDatabase.isPostgres, "a PostgreSQL database")) func lostDatabaseConnectionsFailOnlyWhatWasInFlight() async throws {
        let harness = try await ServiceHarness.start()
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        for index in 0..<10 {
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-\(index)", customer: "c1")))
        }
        let admin = try PostgresDatabase(location: try #require(TestDatabase.postgres))
        defer { admin.close() }
        let database = try PostgresLocation(url: harness.databasePath).database
        var unavailable: [RPCError] = []
        for round in 0..<3 {
            // Every session of the service's database ends, while calls go on.
            try admin.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", [.text(database)])
            for index in 0..<10 {
                unavailable += try await self.send("inv-\(10 + round * 10 + index)", harness)
            }
            _ = try await harness.client.getHealth(GetHealthRequest())
        }
        // Each drop costs at most the calls in flight on the lost connections,
        // and they fail UNAVAILABLE (retry) with nothing of the database in the message.
        #expect(unavailable.count <= 6, "\(unavailable.count) calls failed")
        for error in unavailable {
            #expect(error.code == .unavailable, "\(error)")
            #expect(!error.message.contains("postgres"), "\(error.message)")
        }
        let health = try await harness.waitUntilIdle("acme", timeout: .seconds(90))
        #expect(health.queueDepth == 0)
        let invoices = try await harness.ledger(realm, "Invoice")
        #expect(invoices.count == 40)
        #expect(Set(invoices.compactMap { $0["DocNumber"]?.stringValue }).count == 40)
        await harness.stop()
    }

    /// Sends an invoice until it is accepted; returns the failed tries' errors.
    private func send(_ id: String, _ harness: ServiceHarness) async throws -> [RPCError] {
        var failures: [RPCError] = []
        while failures.count < 3 {
            do {
                _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice(id, customer: "c1")))
                return failures
            } catch let error as RPCError {
                failures.append(error)
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        Issue.record("still failing after 3 tries: \(failures)")
        return failures
    }
}
