import Foundation
import NIOHTTP1

/// `/admin/...`: the simulator's control panel for tests and operators. No auth, JSON in
/// and out, errors as `{"error": "..."}`.
struct AdminAPI: Sendable {
    let core: SimulatorCore

    func respond(to request: SimulatorRequest, segments: [String]) async -> SimulatorResponse {
        do throws(SimulatorError) {
            return .json(try await route(request, segments))
        } catch {
            return .json(["error": .string(error.message)], status: error.status)
        }
    }

    private func route(_ request: SimulatorRequest, _ segments: [String]) async throws(SimulatorError) -> JSONObject {
        let path = AdminPath(method: request.method, segments: segments)
        if path.matches(.GET, "realms") {
            return ["realms": .array(core.realmIDs.map(JSONValue.string))]
        }
        if path.matches(.POST, "realms") {
            let body = try Self.object(request)
            let requested = body["realmId"]?.idString
            if let requested, requested.isEmpty || requested.contains("/") {
                throw .badRequest("realmId must be a non-empty id without '/'")
            }
            return Self.credentials(core.createRealm(requested))
        }
        if let id = path.realm(.POST, "reset") {
            try await core.resetRealm(id)
            return ["realmId": .string(id), "status": "reset"]
        }
        if let id = path.realm(.GET, "ledger") {
            let ledger = try await core.ledger(id)
            return JSONObject(SimulatorCore.ledgerOrder.map { ($0, JSONValue.array(ledger[$0] ?? [])) })
        }
        if let id = path.realm(.GET, "settings") {
            return try await core.realmSettings(id).jsonObject
        }
        if let id = path.realm(.POST, "settings") {
            let body = try Self.object(request)
            return try await core.updateRealmSettings(id) { settings throws(SimulatorError) in
                settings = try settings.updated(with: body)
            }.jsonObject
        }
        if let id = path.realm(.GET, "stats") {
            return Self.stats(try core.stats(id))
        }
        if let id = path.realm(.GET, "limits") {
            return Self.limits(try core.limits(id))
        }
        if let id = path.realm(.POST, "limits") {
            let body = try Self.object(request)
            if let unknown = body.keys.first(where: { !Self.limitNames.contains($0) }) {
                throw .badRequest(
                    "unknown member \(unknown); limits are \(Self.limitNames.joined(separator: ", "))")
            }
            return Self.limits(
                try core.setLimits(
                    id, requestsPerMinute: try Self.limit(body["requestsPerMinute"], "requestsPerMinute"),
                    concurrent: try Self.limit(body["concurrent"], "concurrent"),
                    batchRequestsPerMinute: try Self.limit(body["batchRequestsPerMinute"], "batchRequestsPerMinute")))
        }
        if request.method == .POST, segments.count == 5, segments[0] == "realms", segments[2] == "payments",
            segments[4] == "deposit"
        {
            let (id, paymentID) = (segments[1], segments[3])
            try await core.markDeposited(id, paymentID: paymentID)
            return ["realmId": .string(id), "paymentId": .string(paymentID), "deposited": true]
        }
        // POST /admin/realms/{id}/entities/{Entity}/{entityId}/{edit|delete|void}: an accountant's change.
        if request.method == .POST, segments.count == 6, segments[0] == "realms", segments[2] == "entities",
            ["edit", "delete", "void", "create"].contains(segments[5])
        {
            let (id, entity, entityID) = (segments[1], segments[3], segments[4])
            let action: HandAction = switch segments[5] {
            case "edit": .edit(try Self.object(request))
            case "create": .create(try Self.object(request))
            case "delete": .delete
            default: .void
            }
            return ["realmId": .string(id), entity: .object(try await core.byHand(id, action, entity: entity, entityID: entityID))]
        }
        if path.matches(.POST, "webhooks") {
            let body = try Self.object(request)
            guard let url = body["url"]?.stringValue, !url.isEmpty else {
                core.webhooks.settings = nil
                return ["webhooks": "off"]
            }
            guard let token = body["verifierToken"]?.stringValue, !token.isEmpty else { throw .badRequest("verifierToken is required with a url") }
            core.webhooks.settings = SimulatorWebhooks(url: url, verifierToken: token)
            return ["webhooks": .string(url)]
        }
        if let id = path.realm(.POST, "tokens", "expire") {
            try core.expireAccessTokens(id)
            return ["realmId": .string(id), "accessTokens": "expired"]
        }
        if let id = path.realm(.POST, "tokens", "revoke") {
            try core.revokeTokens(id)
            return ["realmId": .string(id), "refreshToken": "revoked"]
        }
        if path.matches(.GET, "clock") {
            return clock()
        }
        if path.matches(.POST, "clock") {
            let body = try Self.object(request)
            guard let seconds = body["advanceSeconds"]?.decimalValue else {
                throw .badRequest("advanceSeconds must be a number of seconds")
            }
            try core.advanceClock(by: NSDecimalNumber(decimal: seconds).doubleValue)
            return clock()
        }
        if path.matches(.GET, "faults") {
            var realm: Realm?
            if let id = request.query["realmId"] { realm = try core.requireRealm(id) }
            return core.faultPlan(of: realm).jsonObject
        }
        if path.matches(.POST, "faults") {
            let body = try Self.object(request)
            var realm: Realm?
            if let id = body["realmId"]?.idString { realm = try core.requireRealm(id) }
            let plan = try core.faultPlan(of: realm).updated(with: body)
            core.setFaults(plan, realm: realm)
            return plan.jsonObject
        }
        throw .notFound("no admin endpoint \(request.method) \(request.path)")
    }

    private func clock() -> JSONObject {
        let offset = Decimal(Int(core.clock.offsetSeconds.rounded(.down)))
        return ["now": .string(QBOTime.dateTime(core.clock.now)), "offsetSeconds": .number(offset)]
    }

    private static func object(_ request: SimulatorRequest) throws(SimulatorError) -> JSONObject {
        if request.body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { return [:] }
        guard let value = try? JSONParser.parse(request.body), let object = value.objectValue else {
            throw .badRequest("the body must be a JSON object")
        }
        return object
    }

    /// The members of `/admin/realms/{id}/limits`, in the order it answers them.
    private static let limitNames = ["requestsPerMinute", "concurrent", "batchRequestsPerMinute"]

    /// A limit as sent: absent or null keeps the current one; anything but a JSON number that
    /// is a whole number within `RealmLimits.allowed` is refused (`"40"`, `40.5`, `0`, `1e30`).
    private static func limit(_ value: JSONValue?, _ name: String) throws(SimulatorError) -> Int? {
        guard let value, value != .null else { return nil }
        guard case .number(var number) = value else { throw RealmLimits.outOfRange(name, got: value.jsonText) }
        var whole = Decimal()
        NSDecimalRound(&whole, &number, 0, .plain)
        let allowed = RealmLimits.allowed
        guard whole == number, number >= Decimal(allowed.lowerBound), number <= Decimal(allowed.upperBound) else {
            throw RealmLimits.outOfRange(name, got: number.plainString)
        }
        return NSDecimalNumber(decimal: number).intValue
    }

    static func credentials(_ credentials: RealmCredentials) -> JSONObject {
        [
            "realmId": .string(credentials.realmId), "clientId": .string(credentials.clientId),
            "clientSecret": .string(credentials.clientSecret), "refreshToken": .string(credentials.refreshToken),
        ]
    }

    private static func limits(_ limits: RealmLimits) -> JSONObject {
        [
            "requestsPerMinute": .number(Decimal(limits.requestsPerMinute)),
            "concurrent": .number(Decimal(limits.concurrent)),
            "batchRequestsPerMinute": .number(Decimal(limits.batchRequestsPerMinute)),
        ]
    }

    private static func stats(_ stats: SimulatorStats) -> JSONObject {
        [
            "requests": .number(Decimal(stats.requests)), "writes": .number(Decimal(stats.writes)),
            "throttled": .number(Decimal(stats.throttled)), "maxConcurrentSeen": .number(Decimal(stats.maxConcurrentSeen)),
            "requestsLastMinute": .number(Decimal(stats.requestsLastMinute)),
            "injectedFaults": .number(Decimal(stats.injectedFaults)),
            "replayedRequestIds": .number(Decimal(stats.replayedRequestIds)),
            "batchRequests": .number(Decimal(stats.batchRequests)),
            "batchThrottled": .number(Decimal(stats.batchThrottled)),
            "refreshes": .number(Decimal(stats.refreshes)),
            "spentRefreshTokenUses": .number(Decimal(stats.spentRefreshTokenUses)),
        ]
    }
}

/// An admin path, matched segment by segment.
private struct AdminPath {
    var method: HTTPMethod
    var segments: [String]

    func matches(_ method: HTTPMethod, _ expected: String...) -> Bool {
        self.method == method && segments == expected
    }

    /// The realm id of `/realms/{id}/<tail>`, when the path is that.
    func realm(_ method: HTTPMethod, _ tail: String...) -> String? {
        guard self.method == method, segments.count == tail.count + 2, segments[0] == "realms",
            Array(segments.dropFirst(2)) == tail
        else { return nil }
        return segments[1]
    }
}
