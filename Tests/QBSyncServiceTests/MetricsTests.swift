import Foundation
import QBOClient
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// `GET /metrics` (`qbsync serve --metrics-port`): RPC latency, QBO requests
/// and 429s per realm, push latency, queue depth and companies by state, in
/// Prometheus' text format.
@Suite(.timeLimit(.minutes(3))) struct MetricsTests {
    private func start() async throws -> (ServiceHarness, String) {
        let harness = try await ServiceHarness.start { $0.metrics = ("127.0.0.1", 0) }
        let port = try #require(try await harness.server.metricsListener?.port())
        return (harness, "http://127.0.0.1:\(port)")
    }

    private func get(_ url: String, method: HTTPRequest.Method = .get, body: Data = Data()) async throws -> (status: Int, text: String) {
        let response = try await CurlTransport().send(HTTPRequest(method: method, url: url, body: body))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// The value of the sample `name{labels}` (labels in the order written), or nil.
    private func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func aSyncShowsUpInEveryMetric() async throws {
        let (harness, base) = try await self.start()
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-1", customer: "c1")))
        _ = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-1")) { $0.status == .synced }
        await #expect(throws: RPCError.self) {
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("", customer: "c1")))
        }
        let (status, text) = try await self.get(base + "/metrics")
        #expect(status == 200)
        #expect(self.sample(text, #"qbsync_rpc_duration_seconds_count{method="/qbsync.v1.QuickBooksSync/SyncInvoice",status="OK"}"#) == 1, "\(text)")
        #expect(self.sample(text, #"qbsync_rpc_duration_seconds_count{method="/qbsync.v1.QuickBooksSync/SyncInvoice",status="INVALID_ARGUMENT"}"#) == 1)
        #expect((self.sample(text, #"qbsync_qbo_requests_total{company="acme",realm="\#(realm.realmId)",status="2xx"}"#) ?? 0) >= 2)
        #expect(self.sample(text, #"qbsync_push_duration_seconds_count{entity="invoice",result="synced"}"#) == 1)
        #expect(self.sample(text, #"qbsync_push_duration_seconds_count{entity="customer",result="synced"}"#) == 1)
        #expect(self.sample(text, #"qbsync_queue_depth{company="acme"}"#) == 0)
        #expect(self.sample(text, #"qbsync_companies{state="active"}"#) == 1)
        #expect(self.sample(text, #"qbsync_companies{state="error"}"#) == 0)
        // No secret is a label.
        for secret in [realm.clientSecret, realm.refreshToken] { #expect(!text.contains(secret)) }

        // A held backlog is counted by the next scrape.
        _ = try await harness.client.disconnectCompany(DisconnectCompanyRequest(companyID: "acme"))
        for index in 0..<3 {
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("held-\(index)", customer: "c1")))
        }
        let later = try await self.get(base + "/metrics").text
        #expect(self.sample(later, #"qbsync_queue_depth{company="acme"}"#) == 3)
        #expect(self.sample(later, #"qbsync_companies{state="disconnected"}"#) == 1)
        await harness.stop()
    }

    @Test func throttlingIsCountedPerRealm() async throws {
        let (harness, base) = try await self.start()
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        // QBO admits one request at a time and takes 200 ms over each; qbsync sends up to ten at once.
        try await harness.simulator.setLimits(realmID: realm.realmId, requestsPerMinute: 1_000_000, concurrent: 1)
        await harness.simulator.setFaults(FaultPlan(latencyMs: 200), realmID: realm.realmId)
        // Twenty invoices wait for their customer, then are all due at once.
        for index in 0..<20 {
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-\(index)", customer: "c1")))
        }
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        _ = try await harness.waitUntilIdle("acme", timeout: .seconds(120))
        // Idle is about the queue: a request of the connection's own (its
        // company's preferences) may still be on its way back, so the two
        // counts are compared once they stop moving, within a few seconds.
        var throttled = 0.0
        var simulated = -1
        let settleBy = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < settleBy {
            let text = try await self.get(base + "/metrics").text
            throttled = self.sample(text, #"qbsync_qbo_requests_total{company="acme",realm="\#(realm.realmId)",status="429"}"#) ?? 0
            simulated = try await harness.simulator.stats(realmID: realm.realmId).throttled
            if Int(throttled) == simulated { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(throttled > 0)
        #expect(Int(throttled) == simulated, "qbsync counted \(throttled) 429s, the simulator sent \(simulated)")
        await harness.stop()
    }

    @Test func anythingButAScrapeIsRefusedAndScrapesGoOn() async throws {
        let (harness, base) = try await self.start()
        #expect(try await self.get(base + "/nope").status == 404)
        #expect(try await self.get(base + "/metrics", method: .post).status == 405)
        #expect(try await self.get(base + "/metrics", method: .post, body: Data(repeating: 0x41, count: 64 * 1024)).status == 413)
        #expect(try await self.get(base + "/metrics?format=\u{00}%00%FF").status == 200)
        let (status, text) = try await self.get(base + "/metrics")
        #expect(status == 200)
        #expect(text.contains("qbsync_companies"))
        _ = try await harness.client.getHealth(GetHealthRequest())
        await harness.stop()
    }
}
