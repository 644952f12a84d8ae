import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// Faults between qbsync and QBO: every record still lands exactly once.
@Suite(.timeLimit(.minutes(5))) struct ResilienceTests {
    private func ready(_ harness: ServiceHarness) async throws -> RealmCredentials {
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        return realm
    }

    @Test(arguments: [
        ("server errors", FaultPlan(errorRate: 0.4, seed: 7)),
        ("latency", FaultPlan(latencyMs: 40, latencyJitterMs: 30, seed: 7)),
        ("dropped connections", FaultPlan(dropRate: 0.3, seed: 7)),
        ("lost responses", FaultPlan(lostResponseRate: 0.4, seed: 7)),
        ("everything at once", FaultPlan(errorRate: 0.15, latencyMs: 5, latencyJitterMs: 10, dropRate: 0.1, lostResponseRate: 0.2, seed: 11)),
    ])
    func faultsEndWithEveryInvoiceExactlyOnce(name: String, plan: FaultPlan) async throws {
        let harness = try await ServiceHarness.start { $0.engine.retry.maxAttempts = 30 }
        let realm = try await self.ready(harness)
        await harness.simulator.setFaults(plan, realmID: realm.realmId)
        for index in 0..<20 {
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-\(index)", customer: "c1")))
        }
        let health = try await harness.waitUntilIdle("acme", timeout: .seconds(120))
        #expect(health.queueDepth == 0, "\(name)")
        await harness.simulator.setFaults(FaultPlan(), realmID: realm.realmId)
        let invoices = try await harness.ledger(realm, "Invoice")
        let numbers = invoices.compactMap { $0["DocNumber"]?.stringValue }.sorted()
        #expect(numbers == (0..<20).map { "INV-\($0)" }.sorted(), "\(name): \(numbers.count) invoices")
        let synced = health.counts.first { $0.entity == .invoice && $0.status == .synced }?.count
        #expect(synced == 20, "\(name)")
        await harness.stop()
    }

    @Test func throttlingSlowsTheRealmAndEverythingLands() async throws {
        let harness = try await ServiceHarness.start { $0.engine.requestsPerMinute = 5000 }
        let realm = try await self.ready(harness)
        // QBO allows far less than qbsync was told: 429s, then a slower pace.
        try await harness.simulator.setLimits(realmID: realm.realmId, requestsPerMinute: 10_000, concurrent: 2)
        for index in 0..<15 {
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-t\(index)", customer: "c1")))
        }
        _ = try await harness.waitUntilIdle("acme", timeout: .seconds(150))
        #expect(try await harness.ledger(realm, "Invoice").count == 15)
        await harness.stop()
    }

    @Test func expiredAccessTokenIsRefreshedOnceAndRotated() async throws {
        let harness = try await ServiceHarness.start()
        let realm = try await self.ready(harness)
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-a", customer: "c1")))
        _ = try await harness.waitUntilIdle("acme")
        try await harness.simulator.expireAccessTokens(realmID: realm.realmId)
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-b", customer: "c1")))
        let record = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-b")) { $0.status == .synced || $0.status == .errored }
        #expect(record.status == .synced)
        #expect(record.attempts == 1)
        let company = try await harness.client.getCompany(GetCompanyRequest(companyID: "acme")).company
        #expect(company?.connectionState == .active)
        // The original refresh token was rotated away: reusing it now fails.
        let reuse = try await Self.refresh(harness.endpoint, realm)
        #expect(reuse == 400)
        await harness.stop()
    }

    @Test func revokedAuthorizationHoldsWorkUntilReconnected() async throws {
        let harness = try await ServiceHarness.start()
        let realm = try await self.ready(harness)
        try await harness.simulator.revokeRefreshTokens(realmID: realm.realmId)
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-r", customer: "c1")))
        var company = try await harness.client.getCompany(GetCompanyRequest(companyID: "acme")).company
        let deadline = ContinuousClock.now + .seconds(20)
        while company?.connectionState != .disconnected && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            company = try await harness.client.getCompany(GetCompanyRequest(companyID: "acme")).company
        }
        #expect(company?.connectionState == .disconnected)
        let held = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-r"))).record
        #expect(held?.status == .pending)
        #expect(held?.lastError?.errorClass == .authDead)
        #expect(try await harness.ledger(realm, "Invoice").isEmpty)
        // A new authorization (the simulator issues a fresh refresh token) resumes the held work.
        let renewed = await harness.simulator.createRealm(realm.realmId)
        _ = try await harness.client.connectCompany(ConnectCompanyRequest(companyID: "acme", credentials: QBOCredentials(
            realmID: renewed.realmId, clientID: renewed.clientId, clientSecret: renewed.clientSecret, refreshToken: renewed.refreshToken
        )))
        let synced = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-r")) { $0.status == .synced }
        #expect(synced.status == .synced)
        #expect(try await harness.ledger(realm, "Invoice").count == 1)
        await harness.stop()
    }

    /// Tries the realm's first refresh token against the token endpoint; returns the HTTP status.
    static func refresh(_ endpoint: SimulatorEndpoint, _ realm: RealmCredentials) async throws -> Int {
        var request = URLRequest(url: URL(string: endpoint.baseURL + "/oauth2/v1/tokens/bearer")!)
        request.httpMethod = "POST"
        let basic = Data("\(realm.clientId):\(realm.clientSecret)".utf8).base64EncodedString()
        request.setValue("Basic \(basic)", forHTTPHeaderField: "Authorization")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("grant_type=refresh_token&refresh_token=\(realm.refreshToken)".utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
