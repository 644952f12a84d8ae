import Foundation
import NIOHTTP1

/// `/v3/company/{realmId}/...`: QBO's accounting API for one realm.
///
/// A request passes, in QBO's order: the bearer token (401), the throttle (429; a batch
/// meets the realm's batch budget too), the fault plan (500, a dropped connection, or
/// latency), then the realm's books, which apply it or replay the answer recorded for its
/// `requestid`. The throttle comes before the body is read, so a batch of 31 items is
/// counted as a batch before it earns its 1040.
struct CompanyAPI: Sendable {
    let core: SimulatorCore

    func respond(to request: SimulatorRequest, realmID: String, route: [String]) async -> ResponseOutcome {
        let clock = ContinuousClock()
        guard let realm = core.realm(realmID), let bearer = Self.bearerToken(request) else {
            return .respond(Self.unauthorized(token: Self.bearerToken(request) ?? "", expired: false))
        }
        switch realm.tokens.withLock({ $0.check(accessToken: bearer, at: clock.now) }) {
        case .valid: break
        case .expired: return .respond(Self.unauthorized(token: bearer, expired: true))
        case .unknown: return .respond(Self.unauthorized(token: bearer, expired: false))
        }
        let kind = Self.throttleKind(of: request, route: route)
        let admission = realm.gate.withLock { $0.admit(kind, at: clock.now) }
        realm.counters.withLock { counters in
            counters.requests += 1
            switch admission {
            case .admitted:
                if kind == .batch { counters.batchRequests += 1 }
            case .overBatchBudget:
                counters.throttled += 1
                counters.batchThrottled += 1
            case .overConcurrentLimit, .overRequestBudget:
                counters.throttled += 1
            }
        }
        guard admission == .admitted else { return .respond(Self.throttled(at: core.clock.now)) }
        defer { realm.gate.withLock { $0.release() } }

        let decision = core.decideFault(for: realm)
        if decision.latencyMilliseconds > 0 {
            try? await Task.sleep(for: .milliseconds(decision.latencyMilliseconds))
        }
        switch decision.failure {
        case .serverError:
            realm.counters.withLock { $0.injectedFaults += 1 }
            return .respond(.fault(.systemFailure(), at: core.clock.now))
        case .drop:
            realm.counters.withLock { $0.injectedFaults += 1 }
            return .closeConnection
        case .none, .lostResponse:
            break
        }

        let requestID = request.method == .POST ? request.query["requestid"].flatMap { $0.isEmpty ? nil : $0 } : nil
        if let requestID, requestID.count > RequestReplayCache.maximumRequestIDLength {
            return .respond(.fault(.requestIDTooLong(requestID)))
        }
        let operation: CompanyOperation
        do {
            operation = try Self.operation(for: request, route: route, realmID: realmID)
        } catch {
            return .respond(.fault(error))
        }
        let response = await realm.store.perform(operation, requestID: requestID, at: core.clock.now)
        if response.writes > 0 { core.webhooks.announce(await realm.store.takeNotices(), realmID: realmID) }
        realm.counters.withLock { counters in
            counters.writes += response.writes
            if response.isReplay { counters.replayedRequestIDs += 1 }
            if decision.failure == .lostResponse { counters.injectedFaults += 1 }
        }
        if decision.failure == .lostResponse { return .closeConnection }
        return .respond(.json(response.body, status: response.status, extraHeaders: [("intuit_tid", Self.transactionID())]))
    }

    /// `POST /batch` meets the batch budget as well as the request budget; the route is
    /// matched as `operation(for:route:realmID:)` matches it.
    static func throttleKind(of request: SimulatorRequest, route: [String]) -> RequestGate.Kind {
        request.method == .POST && route.count == 1 && route[0].lowercased() == "batch" ? .batch : .single
    }

    /// Maps method, path and `operation` parameter to what the books should do. The
    /// company's Preferences are read without an Id (`GET /preferences`) and its CompanyInfo
    /// by the realm's id (`GET /companyinfo/{realmId}`); both have the Id "1".
    static func operation(
        for request: SimulatorRequest, route: [String], realmID: String
    ) throws(QBOFault) -> CompanyOperation {
        switch (request.method, route.count, route.first?.lowercased()) {
        case (.GET, 1, "preferences"):
            return .read(.preferences, id: Ledger.companyEntityID)
        case (.GET, 2, "companyinfo") where route[1] == realmID:
            return .read(.companyInfo, id: Ledger.companyEntityID)
        case (.GET, 1, "query"):
            return .query(try QueryParser.parse(request.query["query"] ?? ""))
        case (.POST, 1, "query"):
            return .query(try QueryParser.parse(request.query["query"] ?? String(decoding: request.body, as: UTF8.self)))
        case (.GET, 1, "cdc"):
            return .changes(try ChangeRequest.parse(entities: request.query["entities"], changedSince: request.query["changedSince"]))
        case (.POST, 1, "batch"):
            return try CompanyOperation.batch(from: try jsonBody(request))
        default:
            break
        }
        guard let segment = route.first, let kind = EntityKind(caseInsensitiveName: segment) else {
            throw RequestRouter.unknownResource(request)
        }
        switch (request.method, route.count) {
        case (.GET, 2):
            return .read(kind, id: route[1])
        case (.POST, 1):
            guard let body = try jsonBody(request).objectValue else {
                throw .invalidValue("the request body must be a JSON object holding the \(kind.name);")
            }
            let options = WriteOptions(parsing: request.query["include"])
            switch request.query["operation"]?.lowercased() {
            case "create":
                return .save(kind, body, options)
            case nil, "update":
                return options.voids ? .void(kind, body) : .save(kind, body, options)
            case "void":
                return .void(kind, body)
            case "delete":
                return .delete(kind, body)
            case let other?:
                throw .unsupportedOperation(other)
            }
        default:
            throw RequestRouter.unknownResource(request)
        }
    }

    private static func jsonBody(_ request: SimulatorRequest) throws(QBOFault) -> JSONValue {
        do {
            return try JSONParser.parse(request.body)
        } catch {
            throw .invalidValue("Could not read the request body as JSON: \(error.reason) at byte \(error.offset);")
        }
    }

    private static func bearerToken(_ request: SimulatorRequest) -> String? {
        guard let header = request.headers.first(name: "Authorization"), header.lowercased().hasPrefix("bearer ") else {
            return nil
        }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// QBO's 401: lower-case keys, numeric `time`, and a `WWW-Authenticate` challenge.
    static func unauthorized(token: String, expired: Bool) -> SimulatorResponse {
        let detail = expired ? "Token expired: \(token.prefix(50))" : "Token invalid: \(token.prefix(50))"
        let body: JSONObject = [
            "warnings": .null, "intuitObject": .null,
            "fault": [
                "error": [[
                    "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                    "detail": .string(detail), "code": "3200", "element": .null,
                ]],
                "type": "AUTHENTICATION",
            ],
            "report": .null, "queryResponse": .null, "batchItemResponse": [], "attachableResponse": [],
            "syncErrorResponse": .null, "requestId": .null,
            "time": .number(Decimal(Int((Date().timeIntervalSince1970 * 1000).rounded(.down)))),
            "status": .null, "cdcresponse": [],
        ]
        return .json(body.encoded(), status: 401, extraHeaders: [
            ("WWW-Authenticate", "Bearer realm=\"Intuit\", error=\"invalid_token\"")
        ])
    }

    /// QBO's throttle answer, which comes back as XML even to a JSON client; the same for
    /// every limit (per minute, in flight, batches per minute), as nothing public shows
    /// QBO telling them apart. Message and Detail as quoted from production in
    /// intuit/QuickBooks-V3-PHP-SDK#54 (the Detail's two spaces included).
    static func throttled(at now: Date) -> SimulatorResponse {
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
            + "<IntuitResponse xmlns=\"http://schema.intuit.com/finance/v3\" time=\"\(QBOTime.responseTime(now))\">"
            + "<Fault type=\"SERVICE\"><Error code=\"3001\">"
            + "<Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>"
            + "<Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>"
        return SimulatorResponse(
            status: .tooManyRequests, headers: [("Content-Type", "application/xml")], body: Array(xml.utf8))
    }

    private static func transactionID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next(), radix: 16) + "-" + String(generator.next() >> 32, radix: 16)
    }
}
