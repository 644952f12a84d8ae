import Foundation
import Logging
import Synchronization

/// Everything the HTTP handlers share: the realms, the refresh-token index, the global
/// fault plan. A reference type of locks, so handlers reach it without an actor hop.
final class SimulatorCore: Sendable {
    let configuration: SimulatorConfiguration
    let logger: Logger
    private let realms = Mutex<[String: Realm]>([:])
    /// Refresh token -> realm id, for the token endpoint, which is not told the realm.
    private let refreshIndex = Mutex<[String: String]>([:])
    /// Refresh tokens rotated away, by realm: presenting one again is a
    /// client spending a refresh token twice, counted per realm.
    private let spentRefreshTokens = Mutex<[String: String]>([:])
    private let globalFaults: Mutex<FaultInjector>
    /// "Now" for every realm's books.
    let clock = SimulatorClock()
    /// Webhooks announcing the realms' writes, when an endpoint is set.
    let webhooks: WebhookDelivery

    init(configuration: SimulatorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var plan = configuration.faults
        // A plan that names no seed of its own follows the configuration's.
        if plan.seed == FaultPlan().seed { plan.seed = configuration.seed }
        globalFaults = Mutex(FaultInjector(plan: plan))
        webhooks = WebhookDelivery(settings: configuration.webhooks, logger: logger)
    }

    func realm(_ id: String) -> Realm? {
        realms.withLock { $0[id] }
    }

    var realmIDs: [String] {
        realms.withLock { $0.keys.sorted() }
    }

    func requireRealm(_ id: String) throws(SimulatorError) -> Realm {
        guard let realm = realm(id) else { throw SimulatorError.notFound("no realm \(id)") }
        return realm
    }

    /// Creates and seeds a realm, or, for an existing one, issues a new refresh token
    /// (reconnecting the app) and leaves its books alone.
    func createRealm(_ requestedID: String?) -> RealmCredentials {
        let realm = realms.withLock { realms in
            var id = requestedID ?? TokenFactory.realmID()
            while requestedID == nil, realms[id] != nil { id = TokenFactory.realmID() }
            if let existing = realms[id] { return existing }
            let realm = Realm(
                id: id, limits: RealmLimits(configuration: configuration), settings: configuration.realmSettings,
                at: clock.now)
            realms[id] = realm
            return realm
        }
        let refreshToken = refreshIndex.withLock { index in
            if let old = realm.tokens.withLock({ $0.refreshToken }) { index[old] = nil }
            let token = realm.tokens.withLock { $0.rotateRefreshToken() }
            index[token] = realm.id
            return token
        }
        logger.debug("realm ready", metadata: ["realm": "\(realm.id)"])
        return RealmCredentials(
            realmId: realm.id, clientId: configuration.clientID, clientSecret: configuration.clientSecret,
            refreshToken: refreshToken)
    }

    /// Exchanges a refresh token for a new access token and a new refresh token; the old
    /// refresh token is dead from this moment.
    func refresh(_ refreshToken: String) -> (realm: String, refreshToken: String, accessToken: String)? {
        let grant: (realm: String, refreshToken: String, accessToken: String)? = refreshIndex.withLock { index in
            guard let realmID = index[refreshToken], let realm = realm(realmID) else { return nil }
            return realm.tokens.withLock { tokens in
                guard tokens.refreshToken == refreshToken else { return nil }
                index[refreshToken] = nil
                let newRefresh = tokens.rotateRefreshToken()
                index[newRefresh] = realmID
                let access = tokens.issueAccessToken(
                    lifetime: configuration.accessTokenLifetime, at: ContinuousClock.now)
                return (realmID, newRefresh, access)
            }
        }
        if let grant {
            spentRefreshTokens.withLock { $0[refreshToken] = grant.realm }
            realm(grant.realm)?.counters.withLock { $0.refreshes += 1 }
        } else if let realmID = spentRefreshTokens.withLock({ $0[refreshToken] }) {
            realm(realmID)?.counters.withLock { $0.spentRefreshTokenUses += 1 }
        }
        return grant
    }

    func revokeTokens(of realm: Realm) {
        refreshIndex.withLock { index in
            if let old = realm.tokens.withLock({ $0.refreshToken }) { index[old] = nil }
            realm.tokens.withLock { $0.revoke() }
        }
    }

    // MARK: Faults

    var globalFaultPlan: FaultPlan {
        globalFaults.withLock { $0.plan }
    }

    func setFaults(_ plan: FaultPlan, realm: Realm?) {
        if let realm {
            realm.faults.withLock { $0 = FaultInjector(plan: plan) }
        } else {
            globalFaults.withLock { $0 = FaultInjector(plan: plan) }
        }
    }

    func faultPlan(of realm: Realm?) -> FaultPlan {
        realm?.faults.withLock { $0?.plan } ?? globalFaultPlan
    }

    /// Decides a request's fate from the realm's own plan, else the global one.
    func decideFault(for realm: Realm) -> FaultDecision {
        if let decision = realm.faults.withLock({ injector -> FaultDecision? in injector?.decide() }) {
            return decision
        }
        return globalFaults.withLock { $0.decide() }
    }
}

