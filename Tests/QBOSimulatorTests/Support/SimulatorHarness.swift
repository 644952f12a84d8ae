import Foundation
import Logging
import NIOHTTP1
import Testing

@testable import QBOSimulator

/// A simulator started in-process on an ephemeral port, one realm connected to it, and
/// helpers that speak to it over real HTTP.
final class SimulatorHarness: Sendable {
    let simulator: QBOSimulator
    let endpoint: SimulatorEndpoint
    let realm: RealmCredentials
    let accessToken: String
    let target: TestHTTPClient.Target

    /// Generous limits so tests that are not about throttling never meet it.
    static let roomyConfiguration = SimulatorConfiguration(
        requestsPerMinute: 1_000_000, concurrentRequests: 1000, batchRequestsPerMinute: 1_000_000)

    private init(simulator: QBOSimulator, endpoint: SimulatorEndpoint, realm: RealmCredentials, accessToken: String) {
        self.simulator = simulator
        self.endpoint = endpoint
        self.realm = realm
        self.accessToken = accessToken
        if let path = endpoint.unixSocketPath {
            target = .unixSocket(path)
        } else {
            let port = Int(endpoint.baseURL.split(separator: ":").last ?? "") ?? 0
            target = .tcp(host: "127.0.0.1", port: port)
        }
    }

    static func start(_ configuration: SimulatorConfiguration = roomyConfiguration) async throws -> SimulatorHarness {
        var logger = Logger(label: "qbo-sim-test")
        logger.logLevel = .warning
        let simulator = QBOSimulator(configuration: configuration, logger: logger)
        let endpoint = try await simulator.start()
        let realm = await simulator.createRealm()
        let partial = SimulatorHarness(simulator: simulator, endpoint: endpoint, realm: realm, accessToken: "")
        let grant = try await partial.refresh(realm.refreshToken)
        let token = try #require(try grant.json()["access_token"]?.stringValue)
        return SimulatorHarness(simulator: simulator, endpoint: endpoint, realm: realm, accessToken: token)
    }

    func stop() async {
        await simulator.stop()
    }

    // MARK: Raw HTTP

    /// Any request; nil when the server closed the connection without answering.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> Reply? {
        let queryText = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let uri = queryText.isEmpty ? path : "\(path)?\(queryText)"
        return try await TestHTTPClient.send(method, uri, headers: headers, body: body, to: target)
    }

    /// A request to this realm's accounting API (`/v3/company/{realm}/` + `path`); it must
    /// be answered.
    func api(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: JSONValue? = nil,
        token: String? = nil, realmID: String? = nil
    ) async throws -> Reply {
        let reply = try await send(
            method, "/v3/company/\(realmID ?? realm.realmId)/\(path)", query: [("minorversion", "75")] + query,
            headers: [("Authorization", "Bearer \(token ?? accessToken)"), ("Content-Type", "application/json")],
            body: json.map { $0.encoded() })
        return try #require(reply, "the simulator hung up on \(method) \(path)")
    }

    /// Creates an entity and returns it, requiring HTTP 200.
    @discardableResult
    func create(_ entity: String, _ json: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let reply = try await api(.POST, entity.lowercased(), json: json)
        #expect(reply.status == 200, "\(reply.text)", sourceLocation: sourceLocation)
        return try #require(try reply.json()[entity], sourceLocation: sourceLocation)
    }

    /// Reads an entity, requiring HTTP 200.
    func read(_ entity: String, _ id: String) async throws -> JSONValue {
        let reply = try await api(.GET, "\(entity.lowercased())/\(id)")
        #expect(reply.status == 200, "\(reply.text)")
        return try #require(try reply.json()[entity])
    }

    func query(_ text: String) async throws -> Reply {
        try await api(.GET, "query", query: [("query", text)])
    }

    func admin(_ method: HTTPMethod, _ path: String, json: JSONValue? = nil) async throws -> Reply {
        try #require(try await send(method, "/admin/\(path)", body: json.map { $0.encoded() }))
    }

    func refresh(_ refreshToken: String, clientID: String? = nil, secret: String? = nil) async throws -> Reply {
        let credentials = Data("\(clientID ?? realm.clientId):\(secret ?? realm.clientSecret)".utf8).base64EncodedString()
        let form = "grant_type=refresh_token&refresh_token=\(Self.encode(refreshToken))"
        return try #require(
            try await send(
                .POST, "/oauth2/v1/tokens/bearer",
                headers: [
                    ("Authorization", "Basic \(credentials)"), ("Content-Type", "application/x-www-form-urlencoded"),
                ], body: Array(form.utf8)))
    }

    // MARK: Builders

    /// A customer with a unique name.
    func makeCustomer(_ name: String = "Customer \(UUID().uuidString.prefix(8))") async throws -> JSONValue {
        try await create("Customer", ["DisplayName": .string(name)])
    }

    /// An invoice of one Equipment Rental line per amount.
    func makeInvoice(customer: JSONValue, amounts: [Decimal], docNumber: String? = nil) async throws -> JSONValue {
        var invoice: JSONObject = [
            "CustomerRef": ["value": customer["Id"] ?? .null],
            "Line": .array(amounts.map { amount in
                ["Amount": .number(amount), "DetailType": "SalesItemLineDetail",
                 "SalesItemLineDetail": ["ItemRef": ["value": "2"], "Qty": 1, "UnitPrice": .number(amount)]]
            }),
        ]
        if let docNumber { invoice["DocNumber"] = .string(docNumber) }
        return try await create("Invoice", .object(invoice))
    }

    /// A payment applying `applied` amounts to the given invoices.
    func makePayment(customer: JSONValue, total: Decimal, applied: [(JSONValue, Decimal)]) async throws -> Reply {
        try await api(.POST, "payment", json: [
            "CustomerRef": ["value": customer["Id"] ?? .null], "TotalAmt": .number(total),
            "Line": .array(applied.map { invoice, amount in
                ["Amount": .number(amount), "LinkedTxn": [["TxnId": invoice["Id"] ?? .null, "TxnType": "Invoice"]]]
            }),
        ])
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Runs `body` against a fresh simulator and always stops it.
func withSimulator(
    _ configuration: SimulatorConfiguration = SimulatorHarness.roomyConfiguration,
    _ body: (SimulatorHarness) async throws -> Void
) async throws {
    let harness = try await SimulatorHarness.start(configuration)
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}

extension Reply {
    func json() throws -> JSONValue {
        try JSONParser.parse(body)
    }

    /// Expects QBO's throttle answer: HTTP 429 and, whatever the client asked for, the XML
    /// `3001 ThrottleExceeded` fault (as quoted in intuit/QuickBooks-V3-PHP-SDK#54 and
    /// ruckus/quickbooks-ruby#348).
    func expectThrottled(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 429, "\(text)", sourceLocation: sourceLocation)
        #expect(headers.first(name: "Content-Type") == "application/xml", sourceLocation: sourceLocation)
        #expect(
            text.hasPrefix(
                #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
                    + #"<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time=""#),
            "\(text)", sourceLocation: sourceLocation)
        #expect(
            text.hasSuffix(
                #"<Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; "#
                    + #"statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail>"#
                    + #"</Error></Fault></IntuitResponse>"#),
            "\(text)", sourceLocation: sourceLocation)
    }

    /// The first error of a QBO fault: `(code, Message, Detail, element)`.
    func fault() throws -> (code: String, message: String, detail: String, element: JSONValue?) {
        let error = try #require(try json()["Fault"]?["Error"]?.arrayValue?.first, "not a fault: \(text)")
        return (
            error["code"]?.stringValue ?? "", error["Message"]?.stringValue ?? "", error["Detail"]?.stringValue ?? "",
            error["element"]
        )
    }
}

extension JSONValue {
    var decimal: Decimal? { decimalValue }
    var string: String? { stringValue }
}

extension JSONValue {
    /// An exact decimal from its text, for amounts with cents (`.money("19.33")`); JSON
    /// literals in tests never go through `Double`.
    static func money(_ text: String) -> JSONValue {
        .number(Decimal.exactly(text) ?? .nan)
    }
}
