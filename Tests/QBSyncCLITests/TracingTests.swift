import Foundation
import Logging
import NIOServing
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Synchronization
import Testing

/// `qbsync serve --otlp-traces-endpoint`: a call's trace (its `traceparent`
/// metadata) goes on through the record's push to each QBO request, exported
/// over OTLP/HTTP to a collector, here a listener that keeps what it receives.
@Suite(.serialized, .timeLimit(.minutes(3))) struct TracingTests {
    /// A span as exported (OTLP JSON), ids in hex.
    struct ExportedSpan {
        var name: String
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var attributes: [String: String]
        var links: [(traceID: String, spanID: String)]
    }

    /// Collects OTLP/HTTP JSON exports.
    final class Collector: Sendable {
        final class Received: Sendable {
            let bodies = Mutex<[[UInt8]]>([])
        }
        let received = Received()
        let listener: HTTPListener
        let running: Task<Void, any Error>

        init() {
            let received = self.received
            self.listener = HTTPListener(host: "127.0.0.1", port: 0, maxBodyBytes: 16 << 20, logger: Logger(label: "collector")) { head, body in
                guard head.method == .POST, head.uri == "/v1/traces" else { return HTTPListener.Answer(.notFound, "") }
                received.bodies.withLock { $0.append(body) }
                return HTTPListener.Answer(.ok, body: Array("{}".utf8), contentType: "application/json")
            }
            let listener = self.listener
            self.running = Task { try await listener.run() }
        }

        var raw: String { self.received.bodies.withLock { $0.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") } }

        /// Every span received so far.
        func spans() throws -> [ExportedSpan] {
            try self.received.bodies.withLock { $0 }.flatMap { body -> [ExportedSpan] in
                let export = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
                return ((export["resourceSpans"] as? [[String: Any]]) ?? []).flatMap { resource in
                    ((resource["scopeSpans"] as? [[String: Any]]) ?? []).flatMap { scope in
                        ((scope["spans"] as? [[String: Any]]) ?? []).map { span in
                            ExportedSpan(
                                name: span["name"] as? String ?? "",
                                traceID: Self.hex(span["traceId"]), spanID: Self.hex(span["spanId"]), parentSpanID: Self.hex(span["parentSpanId"]),
                                attributes: Dictionary(((span["attributes"] as? [[String: Any]]) ?? []).map { attribute in
                                    let value = attribute["value"] as? [String: Any] ?? [:]
                                    return (attribute["key"] as? String ?? "", "\(value["stringValue"] ?? value["intValue"] ?? value["boolValue"] ?? "")")
                                }, uniquingKeysWith: { $1 }),
                                links: ((span["links"] as? [[String: Any]]) ?? []).map { (Self.hex($0["traceId"]), Self.hex($0["spanId"])) }
                            )
                        }
                    }
                }
            }
        }

        /// An id as lower-case hex, whether the JSON carries hex (OTLP's rule) or base64 (protobuf's JSON mapping).
        static func hex(_ value: Any?) -> String {
            guard let text = value as? String, !text.isEmpty else { return "" }
            if text.count % 2 == 0, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
            guard let bytes = Data(base64Encoded: text) else { return text }
            return bytes.map { String(format: "%02x", $0) }.joined()
        }

        func waitFor(_ what: String, timeout: Duration = .seconds(20), _ found: ([ExportedSpan]) -> Bool) async throws -> [ExportedSpan] {
            let end = ContinuousClock.now + timeout
            while ContinuousClock.now < end {
                let spans = try self.spans()
                if found(spans) { return spans }
                try await Task.sleep(for: .milliseconds(100))
            }
            Issue.record("no \(what) within \(timeout): \(try self.spans().map { "\($0.name) \($0.traceID)/\($0.spanID)<-\($0.parentSpanID)" })")
            return try self.spans()
        }
    }

    @Test func aCallsTraceGoesOnThroughItsPushToEveryQBORequest() async throws {
        let collector = Collector()
        defer { collector.running.cancel() }
        let port = try await collector.listener.port()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-tracing-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulator = QBOSimulator(configuration: SimulatorConfiguration())
        let endpoint = try await simulator.start()
        let realm = await simulator.createRealm()
        let service = ServiceProcess(
            qboBaseURL: endpoint.baseURL, socketPath: directory.appendingPathComponent("s.sock").path,
            databasePath: try TestDatabase.fresh(in: directory, name: "qbsync.sqlite3"),
            extraArguments: ["--otlp-traces-endpoint", "http://127.0.0.1:\(port)/v1/traces", "--drift-interval", "0"],
            environment: ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100"]
        )
        try await service.start()
        let client = try await QBSyncClient(socketPath: service.socketPath)
        _ = try await client.connectCompany(ConnectCompanyRequest(companyID: "acme", credentials: QBOCredentials(
            realmID: realm.realmId, clientID: realm.clientId, clientSecret: realm.clientSecret, refreshToken: realm.refreshToken)))
        _ = try await client.autoMap(AutoMapRequest(companyID: "acme", kind: .item, entries: [AutoMapEntry(externalCode: "TENT-20", name: "Equipment Rental")]))
        _ = try await client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))

        // The rental backend's own trace: this call is a child of its span.
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let callerSpan = "00f067aa0ba902b7"
        _ = try await client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-1", customer: "c1")),
                                         options: CallOptions(metadata: ["traceparent": "00-\(traceID)-\(callerSpan)-01"]))
        let spans = try await collector.waitFor("push with its QBO request") { spans in
            spans.contains { $0.traceID == traceID && $0.name.hasPrefix("QBO POST") }
        }
        let call = try #require(spans.first { $0.name == "qbsync.v1.QuickBooksSync/SyncInvoice" && $0.traceID == traceID })
        #expect(call.parentSpanID == callerSpan)
        #expect(call.attributes["rpc.method"] == "SyncInvoice")
        let push = try #require(spans.first { $0.name == "qbsync push invoice" && $0.traceID == traceID })
        #expect(push.parentSpanID == call.spanID)
        #expect(push.attributes["qbsync.record"] == "acme/invoice/inv-1")
        #expect(push.attributes["qbsync.push.result"] != nil)
        let post = try #require(spans.first { $0.name == "QBO POST" && $0.traceID == traceID })
        #expect(post.parentSpanID == push.spanID)
        #expect(post.attributes["url.path"]?.hasSuffix("/invoice") == true, "\(post.attributes)")
        #expect(post.attributes["http.response.status_code"] == "200")
        #expect(post.attributes["qbo.requestid"]?.isEmpty == false)

        // A malformed traceparent is ignored: the call succeeds and starts a trace of its own.
        _ = try await client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-2", customer: "c1")),
                                         options: CallOptions(metadata: ["traceparent": "00-zz\u{7F}not-a-trace-01"]))
        // Without one, so does a call.
        _ = try await client.getHealth(GetHealthRequest())
        let later = try await collector.waitFor("the calls without a usable traceparent") { spans in
            spans.contains { $0.name.hasSuffix("/GetHealth") } && spans.contains { $0.name == "qbsync push invoice" && $0.attributes["qbsync.record"] == "acme/invoice/inv-2" }
        }
        let second = try #require(later.first { $0.name.hasSuffix("/SyncInvoice") && $0.traceID != traceID })
        #expect(second.parentSpanID.isEmpty && second.traceID.count == 32 && second.traceID != String(repeating: "0", count: 32))
        let secondPush = try #require(later.first { $0.name == "qbsync push invoice" && $0.attributes["qbsync.record"] == "acme/invoice/inv-2" })
        #expect(secondPush.traceID == second.traceID && secondPush.parentSpanID == second.spanID)
        let health = try #require(later.first { $0.name.hasSuffix("/GetHealth") })
        #expect(health.parentSpanID.isEmpty && health.traceID != traceID)

        // Nothing secret is exported: not the app's secret, not a token, not an Authorization header.
        let raw = collector.raw
        for secret in [realm.clientSecret, realm.refreshToken, "Bearer "] {
            #expect(!raw.contains(secret), "\(secret.prefix(6))… in an exported span")
        }
        await client.close()
        service.terminate()
        await simulator.stop()
    }

    @Test func aBadTracesEndpointIsRefusedNamingTheOption() async throws {
        for endpoint in ["collector:4318", "ftp://collector/v1/traces", "http://", ""] {
            let result = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock", "--otlp-traces-endpoint", endpoint])
            #expect(result.status == 64, "\(endpoint): \(result)")
            #expect(result.stderr.contains("--otlp-traces-endpoint"), "\(endpoint): \(result.stderr)")
        }
        let fromEnvironment = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock"],
                                                       environment: ["QBSYNC_OTLP_TRACES_ENDPOINT": "collector:4318"])
        #expect(fromEnvironment.status == 64, "\(fromEnvironment)")
        #expect(fromEnvironment.stderr.contains("QBSYNC_OTLP_TRACES_ENDPOINT"), "\(fromEnvironment.stderr)")
    }
}
