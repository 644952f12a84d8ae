/// Where ``QBOClient`` gets bearer tokens, and whom it tells when QBO rejects one.
///
/// ``OAuthSession`` is the real implementation; a test of code built on the
/// client can supply its own.
public protocol AccessTokenSource: Sendable {
    /// A usable access token, refreshing first when none is held or it is about to expire.
    /// - Throws: ``QBOError`` (``QBOError/Kind/authDead`` when the company must be reconnected).
    func accessToken() async throws -> Secret

    /// Called when QBO answered 401 to a request sent with `rejected`. Returns a
    /// token to retry with: a newer one if another caller already refreshed,
    /// otherwise the result of one (shared) refresh.
    /// - Parameter rejected: The access token QBO rejected.
    /// - Throws: ``QBOError`` (``QBOError/Kind/authDead`` when the refresh token is no longer valid).
    func refreshAfterRejection(of rejected: Secret) async throws -> Secret
}
