import Foundation
import QBOClient
import QBSyncStore
import Synchronization

/// The company's OAuth session: built from the stored credentials, its
/// rotated refresh tokens stored only over the one it holds, and refreshed
/// only by the lease holder, after a previous holder's refresh has ended.
extension CompanySyncer {
    /// A session over the company's stored credentials.
    ///
    /// - Throws: When the stored secrets cannot be opened (sealed under
    ///   another key, or no key given).
    func makeSession(_ company: CompanyRow) throws -> OAuthSession {
        let store = self.store
        let companyID = self.companyID
        let sealer = self.configuration.secrets
        let clientSecret = try sealer.open(company.clientSecret, companyID: companyID, field: SecretSealer.clientSecretField)
        let refreshToken = try sealer.open(company.refreshToken, companyID: companyID, field: SecretSealer.refreshTokenField)
        let held = StoredRefreshToken(company.refreshToken)
        return OAuthSession(
            credentials: OAuthClientCredentials(clientID: company.clientID, clientSecret: Secret(clientSecret)),
            tokens: OAuthTokens(refreshToken: Secret(refreshToken)),
            tokenEndpoint: self.configuration.tokenURL,
            transport: self.transport,
            mayRefresh: { [weak self] in try await self?.checkLeaseBeforeRefresh(held) },
            refused: { [weak self] in await self?.refreshRefused() },
            persist: { tokens in
                // The rotated refresh token is durable before the new access token is
                // used; and only while the company still holds this session's token.
                let token = try sealer.seal(tokens.refreshToken.exposedValue, companyID: companyID, field: SecretSealer.refreshTokenField)
                let previous = held.value.withLock { $0 }
                guard try await store.write({ try $0.saveRefreshToken(token, replacing: previous, companyID: companyID) }) else {
                    throw QBOError(kind: .transient, message: "company \(companyID) was disconnected or reconnected; this session's tokens are no longer its own")
                }
                held.value.withLock { $0 = token }
            }
        )
    }

    /// Refreshes the OAuth tokens now, so the stored refresh token is a fresh
    /// one (an idle company's would expire after 100 days). A refused token
    /// disconnects the company as a refused push would.
    ///
    /// - Returns: False when the company is not connected or the refresh failed.
    func renewRefreshToken() async -> Bool {
        guard self.active, let session = self.session else { return false }
        do {
            try await session.renew()
            return true
        } catch let error as QBOError where error.kind == .authDead {
            await self.connectionDied(PushOutcome(result: .failed(error)))
            return false
        } catch {
            self.logger.warning("renewing the refresh token failed; trying again at the next check", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Only the lease holder refreshes the company's tokens, and only while
    /// its lease is surely held (its validity ends a renewal interval before
    /// the lease expires): the refresh token an instance about to lose the
    /// company would spend is its successor's.
    ///
    /// A previous holder's refresh may have begun under its own lease and
    /// still be storing its rotated token: the holder waits until that one
    /// ends (it says so in the lease) and refreshes with the token stored
    /// then, returned to the session when it is newer than the session's.
    /// It says so in the lease in turn, for whoever comes next.
    func checkLeaseBeforeRefresh(_ held: StoredRefreshToken) async throws -> Secret? {
        guard let lease = self.lease, let leases = self.configuration.leases else { return nil }
        let refusal = QBOError(kind: .transient, message: "this instance's lease on company \(self.companyID) is ending; the next holder refreshes its tokens")
        let budget = Self.refreshBudget(self.configuration)
        let giveUp = ContinuousClock.now + .milliseconds(budget)
        while ContinuousClock.now < giveUp, let left = try? self.store.read({ try $0.refreshElsewhere(companyID: self.companyID) }), left > 0 {
            self.logger.notice("waiting for a token refresh begun by the previous holder to end", metadata: ["at most ms": "\(left)"])
            try await Task.sleep(for: .milliseconds(min(left, 500)))
        }
        guard ContinuousClock.now < self.leaseValidUntil else { throw refusal }
        let companyID = self.companyID
        let stored = try await self.store.write { transaction -> String? in
            guard try transaction.markRefreshing(lease, holder: leases.instanceID, for: budget) else { return nil }
            return try transaction.database.company(companyID)?.refreshToken  // as stored now, not as cached
        }
        guard let stored, !stored.isEmpty else { throw refusal }
        guard stored != held.value.withLock({ $0 }) else { return nil }
        let token = try self.configuration.secrets.open(stored, companyID: companyID, field: SecretSealer.refreshTokenField)
        held.value.withLock { $0 = stored }
        return Secret(token)
    }

    /// The token endpoint refused a refresh: nothing was rotated, so a holder
    /// taking the company over need not wait for this one.
    func refreshRefused() async {
        guard let lease = self.lease, let leases = self.configuration.leases else { return }
        _ = try? await self.store.write { try $0.endRefreshing(lease, holder: leases.instanceID) }
    }

    /// Longest a refresh may take to store its rotated token, in milliseconds:
    /// the token request and then the write.
    static func refreshBudget(_ configuration: EngineConfiguration) -> Int64 {
        configuration.requestTimeout.milliseconds + 10_000
    }
}

/// The refresh token a session last stored or read, as stored (sealed when
/// the service has a key): a rotated one is stored only over it.
final class StoredRefreshToken: Sendable {
    let value: Mutex<String>
    init(_ token: String) { self.value = Mutex(token) }
}
