/// The OAuth 2 tokens of one realm: the one refresh token that works now, and the access
/// tokens issued from it until they expire.
struct RealmTokens: Sendable {
    /// Intuit's refresh tokens live 100 days, rolling.
    static let refreshTokenLifetimeSeconds = 8_726_400

    private(set) var refreshToken: String?
    private var accessTokens: [String: ContinuousClock.Instant] = [:]

    enum AccessCheck: Equatable {
        case valid
        case expired
        case unknown
    }

    func check(accessToken: String, at now: ContinuousClock.Instant) -> AccessCheck {
        guard let expiry = accessTokens[accessToken] else { return .unknown }
        return now < expiry ? .valid : .expired
    }

    /// Issues a new refresh token; the previous one stops working at once.
    mutating func rotateRefreshToken() -> String {
        let token = TokenFactory.refreshToken()
        refreshToken = token
        return token
    }

    /// Issues an access token valid for `lifetime`, forgetting those long expired.
    mutating func issueAccessToken(lifetime: Duration, at now: ContinuousClock.Instant) -> String {
        accessTokens = accessTokens.filter { now < $0.value + .seconds(3600) }
        let token = TokenFactory.accessToken()
        accessTokens[token] = now + lifetime
        return token
    }

    /// Makes every access token expired (they still read as expired, not unknown).
    mutating func expireAccessTokens(at now: ContinuousClock.Instant) {
        for key in accessTokens.keys { accessTokens[key] = now }
    }

    /// Revokes the connection: the refresh token and every access token stop working.
    mutating func revoke() {
        refreshToken = nil
        accessTokens = [:]
    }
}

/// Random opaque token strings, shaped like Intuit's.
enum TokenFactory {
    static func refreshToken() -> String {
        "AB11" + randomText(length: 46)
    }

    static func accessToken() -> String {
        "eyJ" + randomText(length: 60)
    }

    /// A realm id like QBO's: 16 digits.
    static func realmID() -> String {
        "93414" + randomText(length: 11, alphabet: Array("0123456789"))
    }

    private static func randomText(
        length: Int, alphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    ) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
