import Foundation
import Logging
import Tracing

/// One company's OAuth 2 connection: hands out access tokens and refreshes them
/// against Intuit's token endpoint, at most one refresh at a time.
///
/// The rotation contract: after a refresh, the new token set is passed to
/// `persist` (the engine writes it to SQLite) and only once that returns is the
/// new access token used. If `persist` throws, the new set is kept in memory and
/// storing it is retried before anything else; the refresh is not repeated,
/// because the old refresh token may already be spent.
///
/// Concurrent callers that need a refresh all await the same one. A refresh
/// that fails with `invalid_grant` (or another client error) marks the session
/// dead: every call then throws ``QBOError/Kind/authDead`` until
/// ``reconnect(with:)`` installs tokens from a new authorisation.
public actor OAuthSession: AccessTokenSource {
    /// Intuit's production token endpoint.
    public static let intuitTokenEndpoint = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"

    /// Receives every rotated token set; must store it durably before returning.
    public typealias PersistTokens = @Sendable (OAuthTokens) async throws -> Void

    private let credentials: OAuthClientCredentials
    private let tokenEndpoint: String
    private let transport: any HTTPTransport
    private let persist: PersistTokens
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let refreshMargin: TimeInterval
    private let mayRefresh: (@Sendable () async throws -> Secret?)?
    private let refused: (@Sendable () async -> Void)?

    private var tokens: OAuthTokens
    private var unpersisted: OAuthTokens?
    private var inFlight: Task<Secret, any Error>?
    private var deadError: QBOError?

    /// How many refreshes reached the token endpoint and succeeded.
    public private(set) var refreshCount = 0

    /// Creates a session for one company.
    /// - Parameters:
    ///   - credentials: The app's client id and secret.
    ///   - tokens: The stored tokens; without an access token the first call refreshes.
    ///   - tokenEndpoint: The token URL; Intuit's by default, the simulator's in tests.
    ///   - transport: Carries the refresh requests.
    ///   - refreshMargin: Refresh this long before the known expiry; 60 s by default.
    ///   - logger: Receives refresh events at debug level, never token values.
    ///   - now: The clock, replaceable in tests.
    ///   - mayRefresh: Asked before each request to the token endpoint; throwing
    ///     stops that refresh (the refresh token is not spent); returning a
    ///     refresh token replaces the session's (another session stored a
    ///     newer one meanwhile). qbsync uses it so that only the instance
    ///     holding the company's lease refreshes, with the newest token.
    ///   - refused: Told when the token endpoint answered a refresh with an
    ///     error: the refresh token was not spent (after `mayRefresh`, the
    ///     refresh that did not happen is over).
    ///   - persist: Stores each rotated token set; the new access token is used only after it returns.
    public init(
        credentials: OAuthClientCredentials,
        tokens: OAuthTokens,
        tokenEndpoint: String = OAuthSession.intuitTokenEndpoint,
        transport: any HTTPTransport,
        refreshMargin: Duration = .seconds(60),
        logger: Logger = Logger(label: "qbsync.qbo.oauth"),
        now: @escaping @Sendable () -> Date = { Date() },
        mayRefresh: (@Sendable () async throws -> Secret?)? = nil,
        refused: (@Sendable () async -> Void)? = nil,
        persist: @escaping PersistTokens
    ) {
        self.mayRefresh = mayRefresh
        self.refused = refused
        self.credentials = credentials
        self.tokens = tokens
        self.tokenEndpoint = tokenEndpoint
        self.transport = transport
        self.refreshMargin = TimeInterval(refreshMargin.components.seconds)
        self.logger = logger
        self.now = now
        self.persist = persist
    }

    /// Waits for a refresh under way, if any (its rotated token is stored
    /// once this returns): a session replacing this one then reads the
    /// newest refresh token, never one this refresh is spending.
    public func settle() async {
        _ = try? await inFlight?.value
    }

    /// Whether the session needs a new authorisation (``reconnect(with:)``).
    public var isDead: Bool { deadError != nil }

    /// A usable access token, refreshing first when none is held, it expires
    /// within the refresh margin, or a rotated set still awaits storing.
    /// - Throws: ``QBOError``; ``QBOError/Kind/authDead`` once the session is dead.
    public func accessToken() async throws -> Secret {
        if let deadError { throw deadError }
        if let inFlight { return try await inFlight.value }
        if unpersisted == nil, let token = tokens.accessToken, !expiresSoon {
            return token
        }
        return try await refreshOnce()
    }

    /// Returns a newer token if another caller refreshed since `rejected` was
    /// handed out; otherwise refreshes (once, shared by all concurrent callers).
    /// - Parameter rejected: The token QBO answered 401 to.
    /// - Throws: ``QBOError``; ``QBOError/Kind/authDead`` when the refresh token is refused.
    public func refreshAfterRejection(of rejected: Secret) async throws -> Secret {
        if let deadError { throw deadError }
        if let inFlight { return try await inFlight.value }
        if unpersisted == nil, let token = tokens.accessToken, token != rejected {
            return token
        }
        return try await refreshOnce()
    }

    /// Refreshes now, whatever the access token's expiry: a company idle for
    /// weeks renews its refresh token this way before it expires (100 days).
    /// Shares a refresh already in flight.
    /// - Throws: ``QBOError``; ``QBOError/Kind/authDead`` when the refresh token is refused.
    public func renew() async throws {
        if let deadError { throw deadError }
        _ = try await refreshOnce()
    }

    /// Installs tokens from a new authorisation and clears the dead state.
    /// - Parameter tokens: The new token set (already stored by the caller).
    public func reconnect(with tokens: OAuthTokens) {
        self.tokens = tokens
        unpersisted = nil
        deadError = nil
    }

    private var expiresSoon: Bool {
        guard let expiry = tokens.accessTokenExpiresAt else { return false }
        return expiry.timeIntervalSince(now()) < refreshMargin
    }

    private func refreshOnce() async throws -> Secret {
        if let inFlight { return try await inFlight.value }
        let task = Task { try await self.performRefresh() }
        inFlight = task
        defer { if inFlight == task { inFlight = nil } }
        return try await task.value
    }

    private func performRefresh() async throws -> Secret {
        if let pending = unpersisted {
            return try await store(pending)
        }
        if let newer = try await mayRefresh?() {
            tokens = OAuthTokens(refreshToken: newer)
        }
        logger.debug("refreshing QBO access token")
        let request = refreshRequest()
        let response = try await withSpan("QBO OAuth refresh", ofKind: .client) { span in
            let response = try await transport.send(request)
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["http.response.status_code"] = response.status
            if response.status != 200 { span.setStatus(SpanStatus(code: .error, message: "HTTP \(response.status)")) }
            return response
        }
        guard response.status == 200 else {
            await refused?()
            let error = Self.refreshError(response)
            if error.kind == .authDead { deadError = error }
            logger.debug("QBO token refresh failed", metadata: ["status": "\(response.status)", "kind": "\(error.kind)"])
            throw error
        }
        let parsed: TokenEndpointResponse
        do {
            parsed = try QBOCoding.decode(TokenEndpointResponse.self, from: response.body)
        } catch let error as QBOError {
            throw error
        } catch {
            throw QBOError(kind: .invalidResponse, message: "token endpoint answered with unreadable JSON", httpStatus: 200)
        }
        let rotated = try parsed.tokens(previousRefreshToken: tokens.refreshToken, now: now())
        unpersisted = rotated
        refreshCount += 1
        return try await store(rotated)
    }

    private func store(_ rotated: OAuthTokens) async throws -> Secret {
        do {
            try await persist(rotated)
        } catch {
            logger.debug("storing the rotated QBO tokens failed; will retry before next use")
            throw QBOError(kind: .transient, message: "the rotated refresh token could not be stored; it is kept in memory and storing is retried")
        }
        tokens = rotated
        unpersisted = nil
        logger.debug("QBO access token refreshed")
        // `tokens(previousRefreshToken:now:)` guarantees an access token.
        return rotated.accessToken ?? Secret("")
    }

    private func refreshRequest() -> HTTPRequest {
        let basic = Data("\(credentials.clientID):\(credentials.clientSecret.exposedValue)".utf8).base64EncodedString()
        let form = "grant_type=refresh_token&refresh_token=\(PercentEncoding.formValue(tokens.refreshToken.exposedValue))"
        return HTTPRequest(
            method: .post,
            url: tokenEndpoint,
            headers: [
                HTTPHeader("Accept", "application/json"),
                HTTPHeader("Content-Type", "application/x-www-form-urlencoded"),
                HTTPHeader("User-Agent", QBOClient.Configuration.defaultUserAgent),
            ],
            authorization: Secret("Basic \(basic)"),
            body: Data(form.utf8),
            mayHaveSideEffects: true
        )
    }

    /// Classifies a failed token-endpoint answer: `invalid_grant` and other
    /// client errors mean the connection is dead; 429 and 5xx are retryable.
    static func refreshError(_ response: HTTPResponse) -> QBOError {
        let json = try? QBOCoding.decode(JSONValue.self, from: response.body)
        let code = json?.member("error")?.text
        let description = json?.member("error_description")?.text
        let kind: QBOError.Kind = switch response.status {
        case 429: .throttled
        case 500...599: .transient
        case 400...499: .authDead
        default: .invalidResponse
        }
        var error = QBOError(
            kind: kind,
            message: "token refresh failed: \(code ?? "HTTP \(response.status)")",
            httpStatus: response.status,
            code: code,
            detail: description,
            retryAfter: kind == .throttled ? QBOError.defaultThrottleWait : nil
        )
        error.intuitTID = response.header("intuit_tid")
        return error
    }
}
