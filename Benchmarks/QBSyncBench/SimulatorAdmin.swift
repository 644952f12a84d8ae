// The QBO simulator's admin API and token endpoint, for the load generators that set up realms.
import BenchSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A realm's OAuth client and refresh token, as the simulator's admin API hands them out.
struct RealmGrant: Sendable {
    var realmID: String
    var clientID: String
    var clientSecret: String
    var refreshToken: String
}

/// The counters of `GET /admin/realms/{id}/stats`.
struct RealmStats: Sendable {
    var requests = 0
    var writes = 0
    var throttled = 0
    var maxConcurrentSeen = 0
    var requestsLastMinute = 0
    var batchRequests = 0
    var batchThrottled = 0
}

/// An invoice as the simulator's ledger holds it, its total exact.
struct LedgerInvoice: Decodable, Sendable {
    var DocNumber: String?
    var TotalAmt: Decimal?
}

/// The admin API (no auth) of a `qbo-sim` at `base`, e.g. `http://127.0.0.1:8089`.
struct SimulatorAdmin: Sendable {
    let base: String

    init(base: String) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// Creates a realm, or (with an existing id) issues a new refresh token for it.
    func grant(realmID: String? = nil) async throws -> RealmGrant {
        let body = realmID.map { "{\"realmId\":\"\($0)\"}" } ?? "{}"
        let json = try await self.call("POST", "/admin/realms", body: Data(body.utf8))
        guard let realm = json["realmId"] as? String, let refresh = json["refreshToken"] as? String else {
            fail("the simulator at \(self.base) did not create a realm: \(json)")
        }
        return RealmGrant(realmID: realm, clientID: json["clientId"] as? String ?? "",
                          clientSecret: json["clientSecret"] as? String ?? "", refreshToken: refresh)
    }

    func stats(realmID: String) async throws -> RealmStats {
        let json = try await self.call("GET", "/admin/realms/\(realmID)/stats")
        func int(_ key: String) -> Int { (json[key] as? NSNumber)?.intValue ?? 0 }
        return RealmStats(requests: int("requests"), writes: int("writes"), throttled: int("throttled"),
                          maxConcurrentSeen: int("maxConcurrentSeen"), requestsLastMinute: int("requestsLastMinute"),
                          batchRequests: int("batchRequests"), batchThrottled: int("batchThrottled"))
    }

    func setLimits(realmID: String, requestsPerMinute: Int, concurrent: Int) async throws {
        _ = try await self.call("POST", "/admin/realms/\(realmID)/limits",
                                body: Data("{\"requestsPerMinute\":\(requestsPerMinute),\"concurrent\":\(concurrent)}".utf8))
    }

    /// An accountant's change in QuickBooks: `action` is edit (with a JSON object of fields),
    /// delete, void or create.
    func byHand(realmID: String, entity: String, id: String, action: String, body: String = "{}") async throws {
        let json = try await self.call("POST", "/admin/realms/\(realmID)/entities/\(entity)/\(id)/\(action)", body: Data(body.utf8))
        if let error = json["error"] { fail("the simulator refused to \(action) \(entity) \(id) by hand: \(error)") }
    }

    /// Refreshes through the token endpoint: (access token, rotated refresh token, lifetime in seconds).
    func accessToken(_ grant: RealmGrant) async throws -> (access: String, refresh: String, expiresIn: Int) {
        var request = URLRequest(url: URL(string: self.base + "/oauth2/v1/tokens/bearer")!)
        request.httpMethod = "POST"
        let basic = Data("\(grant.clientID):\(grant.clientSecret)".utf8).base64EncodedString()
        request.setValue("Basic \(basic)", forHTTPHeaderField: "Authorization")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let form = "grant_type=refresh_token&refresh_token=" + (grant.refreshToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        request.httpBody = Data(form.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard let access = json["access_token"] as? String, let refresh = json["refresh_token"] as? String else {
            fail("the token endpoint refused the refresh: \(String(decoding: data, as: UTF8.self))")
        }
        return (access, refresh, (json["expires_in"] as? NSNumber)?.intValue ?? 3600)
    }

    /// Every invoice in the realm's books.
    func invoices(realmID: String) async throws -> [LedgerInvoice] {
        struct Ledger: Decodable { var Invoice: [LedgerInvoice]? }
        let (data, _) = try await URLSession.shared.data(from: URL(string: self.base + "/admin/realms/\(realmID)/ledger")!)
        return try JSONDecoder().decode(Ledger.self, from: data).Invoice ?? []
    }

    private func call(_ method: String, _ path: String, body: Data? = nil) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: self.base + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}
