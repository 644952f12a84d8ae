import Foundation
import NIOHTTP1

/// `POST /oauth2/v1/tokens/bearer`: Intuit's token endpoint, refresh grant only.
///
/// Every refresh rotates the refresh token; an old, reused or revoked one is
/// `400 {"error":"invalid_grant"}`, bad client credentials `401 {"error":"invalid_client"}`.
struct TokenEndpoint: Sendable {
    let core: SimulatorCore

    func respond(to request: SimulatorRequest) -> SimulatorResponse {
        guard request.method == .POST else { return Self.error("invalid_request", status: 405) }
        let form = SimulatorRequest.formFields(String(decoding: request.body, as: UTF8.self))
        guard let (clientID, secret) = Self.clientCredentials(request, form: form),
            clientID == core.configuration.clientID, secret == core.configuration.clientSecret
        else { return Self.error("invalid_client", status: 401) }
        guard form["grant_type"] == "refresh_token" else { return Self.error("unsupported_grant_type", status: 400) }
        guard let refreshToken = form["refresh_token"], !refreshToken.isEmpty else {
            return Self.error("invalid_request", status: 400)
        }
        guard let grant = core.refresh(refreshToken) else { return Self.error("invalid_grant", status: 400) }
        let lifetime = core.configuration.accessTokenLifetime.components.seconds
        let body: JSONObject = [
            "token_type": "bearer", "expires_in": .number(Decimal(lifetime)),
            "refresh_token": .string(grant.refreshToken),
            "x_refresh_token_expires_in": .number(Decimal(RealmTokens.refreshTokenLifetimeSeconds)),
            "access_token": .string(grant.accessToken),
        ]
        return .json(body.encoded(), extraHeaders: [("Cache-Control", "no-store"), ("Pragma", "no-cache")])
    }

    /// HTTP Basic `client_id:client_secret`, or the two as form fields (client_secret_post).
    private static func clientCredentials(_ request: SimulatorRequest, form: [String: String]) -> (String, String)? {
        if let header = request.headers.first(name: "Authorization"), header.lowercased().hasPrefix("basic ") {
            let encoded = header.dropFirst("basic ".count).trimmingCharacters(in: .whitespaces)
            guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else { return nil }
            return (String(text[..<colon]), String(text[text.index(after: colon)...]))
        }
        guard let id = form["client_id"], let secret = form["client_secret"] else { return nil }
        return (id, secret)
    }

    private static func error(_ code: String, status: Int) -> SimulatorResponse {
        .json(["error": .string(code)], status: status)
    }
}
