import Foundation

/// An app's OAuth 2 client credentials, sent as HTTP Basic auth to the token endpoint.
public struct OAuthClientCredentials: Sendable, Hashable {
    /// The app's client id (not secret, but not logged either).
    public var clientID: String
    /// The app's client secret.
    public var clientSecret: Secret

    /// Creates client credentials.
    /// - Parameters:
    ///   - clientID: The client id.
    ///   - clientSecret: The client secret.
    public init(clientID: String, clientSecret: Secret) {
        self.clientID = clientID
        self.clientSecret = clientSecret
    }
}

/// One company's tokens: what the engine stores in SQLite and hands back on start.
///
/// Intuit rotates the refresh token: every refresh may return a new value, the
/// old one stops working, and only the newest must be kept.
public struct OAuthTokens: Sendable, Hashable {
    /// The bearer token for API calls (valid about an hour); `nil` forces a refresh first.
    public var accessToken: Secret?
    /// The refresh token (valid about 100 days, rolling).
    public var refreshToken: Secret
    /// When the access token expires, if known.
    public var accessTokenExpiresAt: Date?
    /// When the refresh token expires, if known.
    public var refreshTokenExpiresAt: Date?

    /// Creates a token set.
    /// - Parameters:
    ///   - accessToken: The access token, if one is held.
    ///   - refreshToken: The refresh token.
    ///   - accessTokenExpiresAt: The access token's expiry.
    ///   - refreshTokenExpiresAt: The refresh token's expiry.
    public init(accessToken: Secret? = nil, refreshToken: Secret, accessTokenExpiresAt: Date? = nil, refreshTokenExpiresAt: Date? = nil) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.refreshTokenExpiresAt = refreshTokenExpiresAt
    }
}

extension OAuthTokens: CustomStringConvertible {
    /// Expiry times only; the tokens print as `<redacted>`.
    public var description: String {
        "OAuthTokens(access: \(accessToken == nil ? "none" : Redaction.placeholder), refresh: \(Redaction.placeholder), "
            + "accessExpires: \(accessTokenExpiresAt.map { "\($0)" } ?? "unknown"))"
    }
}

/// The token endpoint's JSON answer (`token_type`, `expires_in`, `refresh_token`, ...).
struct TokenEndpointResponse: Decodable {
    var tokenType: String?
    var expiresIn: Int?
    var refreshToken: String?
    var refreshTokenExpiresIn: Int?
    var accessToken: String?

    enum CodingKeys: String, CodingKey {
        case tokenType = "token_type", expiresIn = "expires_in", refreshToken = "refresh_token"
        case refreshTokenExpiresIn = "x_refresh_token_expires_in", accessToken = "access_token"
    }

    /// The new token set, keeping the old refresh token if none was returned.
    func tokens(previousRefreshToken: Secret, now: Date) throws -> OAuthTokens {
        guard let accessToken, !accessToken.isEmpty else {
            throw QBOError(kind: .invalidResponse, message: "token endpoint answered without an access_token")
        }
        return OAuthTokens(
            accessToken: Secret(accessToken),
            refreshToken: refreshToken.map(Secret.init) ?? previousRefreshToken,
            accessTokenExpiresAt: expiresIn.map { now.addingTimeInterval(TimeInterval($0)) },
            refreshTokenExpiresAt: refreshTokenExpiresIn.map { now.addingTimeInterval(TimeInterval($0)) }
        )
    }
}
