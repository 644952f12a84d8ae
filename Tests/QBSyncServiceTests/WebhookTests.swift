import Foundation
import QBOClient
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// Intuit's webhooks make qbsync look sooner; only a signed one counts, and
/// even then qbsync reads the changes itself.
@Suite(.timeLimit(.minutes(3))) struct WebhookTests {
    static let token = "verifier-token-for-tests"

    private func ready() async throws -> (ServiceHarness, RealmCredentials, String) {
        let harness = try await ServiceHarness.start { configuration in
            configuration.engine.driftInterval = nil  // only webhooks (and CheckDrift) start a check here
            configuration.webhooks = WebhookConfiguration(port: 0, verifierToken: Self.token)
        }
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        let port = try await harness.server.webhookListener!.port()
        return (harness, realm, "http://127.0.0.1:\(port)/webhooks/quickbooks")
    }

    private func post(_ url: String, _ body: [UInt8], signature: String?, method: HTTPRequest.Method = .post) async throws -> HTTPResponse {
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let signature { headers.append(HTTPHeader("intuit-signature", signature)) }
        return try await CurlTransport().send(HTTPRequest(method: method, url: url, headers: headers, body: Data(body)))
    }

    @Test func anAccountantsEditReachesQbsyncThroughTheSimulatorsWebhook() async throws {
        let (harness, realm, url) = try await self.ready()
        harness.simulator.setWebhooks(SimulatorWebhooks(url: url, verifierToken: Self.token))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-w", customer: "c1")))
        let pushed = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-w")) { $0.status == .synced }
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: pushed.qboID, .edit(["TxnDate": "2026-11-19"]))
        // No CheckDrift, no poll: the webhook starts the check.
        let drifted = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-w"), timeout: .seconds(15)) { !$0.warnings.isEmpty }
        #expect(drifted.warnings.map(\.kind) == [.driftEdited])
        #expect(harness.simulator.webhookDeliveries.delivered >= 1)
        #expect(harness.simulator.webhookDeliveries.failed == 0)
        await harness.stop()
    }

    @Test func unsignedMalformedAndOddRequestsAreRefusedAndChangeNothing() async throws {
        let (harness, realm, url) = try await self.ready()
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-u", customer: "c1")))
        let pushed = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-u")) { $0.status == .synced }
        try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: pushed.qboID, .edit(["TxnDate": "2026-11-19"]))
        let event = Array(#"[{"specversion":"1.0","id":"e1","type":"qbo.invoice.updated.v1","intuitaccountid":"\#(realm.realmId)","intuitentityid":"\#(pushed.qboID)","data":{}}]"#.utf8)
        #expect(try await self.post(url, event, signature: nil).status == 401)
        #expect(try await self.post(url, event, signature: "bm90IHRoZSBzaWduYXR1cmU=").status == 401)
        #expect(try await self.post(url, event, signature: WebhookSignature.sign(event, verifierToken: "another-token")).status == 401)
        #expect(try await self.post(url, event, signature: "%%% not base64").status == 401)
        let malformed = Array(#"{"neither": true}"#.utf8)
        #expect(try await self.post(url, malformed, signature: WebhookSignature.sign(malformed, verifierToken: Self.token)).status == 400)
        let truncated = Array(event.prefix(20))
        #expect(try await self.post(url, truncated, signature: WebhookSignature.sign(truncated, verifierToken: Self.token)).status == 400)
        #expect(try await self.post(url.replacingOccurrences(of: "quickbooks", with: "other"), event, signature: nil).status == 404)
        #expect(try await self.post(url, [], signature: nil, method: .get).status == 405)
        let huge = [UInt8](repeating: 0x20, count: (1 << 20) + 1)
        #expect(try await self.post(url, huge, signature: nil).status == 413)
        // None of that started a check.
        try await Task.sleep(for: .seconds(2))
        #expect(try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-u"))).record?.warnings.isEmpty == true)
        // The legacy format, signed, does.
        let legacy = Array(#"{"eventNotifications":[{"realmId":"\#(realm.realmId)","dataChangeEvent":{"entities":[{"name":"Invoice","id":"\#(pushed.qboID)","operation":"Update"}]}}]}"#.utf8)
        #expect(try await self.post(url, legacy, signature: WebhookSignature.sign(legacy, verifierToken: Self.token)).status == 200)
        let drifted = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-u"), timeout: .seconds(15)) { !$0.warnings.isEmpty }
        #expect(drifted.warnings.map(\.kind) == [.driftEdited])
        // A signed webhook for a realm qbsync does not know is answered and ignored.
        let stranger = Array(#"[{"specversion":"1.0","id":"e2","type":"qbo.invoice.updated.v1","intuitaccountid":"999999","intuitentityid":"1"}]"#.utf8)
        #expect(try await self.post(url, stranger, signature: WebhookSignature.sign(stranger, verifierToken: Self.token)).status == 200)
        // The service still serves.
        #expect(try await harness.client.getHealth(GetHealthRequest()).companies.count == 1)
        await harness.stop()
    }
}

/// Signs as Intuit does (base64 HMAC-SHA256 of the body under the verifier token).
enum WebhookSignatureForTests {
    static func sign(_ body: [UInt8], token: String) -> String {
        WebhookSignature.sign(body, verifierToken: token)
    }
}
