/// How a `QBOSimulator` listens and behaves when it starts.
///
/// Every knob can also be changed while it runs: faults with `QBOSimulator.setFaults`,
/// limits per realm with `QBOSimulator.setLimits`.
public struct SimulatorConfiguration: Sendable {
    /// The loopback address to listen on.
    public var host: String
    /// The TCP port; 0 picks a free one (read it from `SimulatorEndpoint.baseURL`).
    public var port: Int
    /// When set, listen on this Unix domain socket instead of TCP.
    public var unixSocketPath: String?
    /// The app's OAuth client id, valid for every realm.
    public var clientID: String
    /// The app's OAuth client secret.
    public var clientSecret: String
    /// How long an access token lives (QBO: one hour).
    public var accessTokenLifetime: Duration
    /// Requests per realm in any 60-second window before HTTP 429 (QBO: 500).
    public var requestsPerMinute: Int
    /// Requests per realm in flight at once before HTTP 429 (QBO: 10).
    public var concurrentRequests: Int
    /// `POST /batch` requests per realm in any 60-second window before HTTP 429 (QBO: 40). A
    /// batch also counts once against `requestsPerMinute`.
    public var batchRequestsPerMinute: Int
    /// Faults injected into every realm that has no plan of its own.
    public var faults: FaultPlan
    /// Seeds the random generator behind realm ids and fault injection.
    public var seed: UInt64
    /// The settings every new realm starts with (name, kind of sales tax, inventory). Unlike
    /// `QBOSimulator.setRealmSettings(_:realmID:)`, nothing checks them: keep the rate within 0...100.
    public var realmSettings: RealmSettings
    /// Where writes are announced as Intuit's webhooks (CloudEvents, signed); nil for none.
    /// Also `QBOSimulator.setWebhooks(_:)`.
    public var webhooks: SimulatorWebhooks? = nil

    /// Creates a configuration; every parameter has QBO's default.
    /// - Parameters:
    ///   - host: The loopback address to listen on.
    ///   - port: The TCP port, 0 for any free one.
    ///   - unixSocketPath: A Unix domain socket path to listen on instead of TCP.
    ///   - clientID: The app's OAuth client id.
    ///   - clientSecret: The app's OAuth client secret.
    ///   - accessTokenLifetime: How long an access token lives.
    ///   - requestsPerMinute: The per-realm request budget per 60 seconds.
    ///   - concurrentRequests: The per-realm limit of requests in flight.
    ///   - batchRequestsPerMinute: The per-realm batch request budget per 60 seconds.
    ///   - faults: Faults injected into every realm.
    ///   - seed: Seed of the random generator.
    ///   - realmSettings: The settings every new realm starts with.
    public init(
        host: String = "127.0.0.1", port: Int = 0, unixSocketPath: String? = nil,
        clientID: String = "qbsync-sim-client", clientSecret: String = "qbsync-sim-secret",
        accessTokenLifetime: Duration = .seconds(3600), requestsPerMinute: Int = 500, concurrentRequests: Int = 10,
        batchRequestsPerMinute: Int = 40, faults: FaultPlan = FaultPlan(), seed: UInt64 = 1,
        realmSettings: RealmSettings = RealmSettings()
    ) {
        self.host = host
        self.port = port
        self.unixSocketPath = unixSocketPath
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.accessTokenLifetime = accessTokenLifetime
        self.requestsPerMinute = requestsPerMinute
        self.concurrentRequests = concurrentRequests
        self.batchRequestsPerMinute = batchRequestsPerMinute
        self.faults = faults
        self.seed = seed
        self.realmSettings = realmSettings
    }
}

/// Where a started simulator listens.
public struct SimulatorEndpoint: Sendable, Hashable {
    /// `http://127.0.0.1:51234`; the API is under `baseURL + "/v3/company/"`, the token
    /// endpoint at `baseURL + "/oauth2/v1/tokens/bearer"`, the admin API under `/admin`.
    /// For a Unix socket it is `http://localhost`, to be used with `unixSocketPath`.
    public var baseURL: String
    /// The Unix domain socket, when the simulator listens on one.
    public var unixSocketPath: String?
}

/// What an app needs to connect to one simulated company.
public struct RealmCredentials: Sendable, Hashable, Codable {
    /// The company id (QBO's realmId).
    public var realmId: String
    /// The app's OAuth client id.
    public var clientId: String
    /// The app's OAuth client secret.
    public var clientSecret: String
    /// A fresh refresh token; the first refresh rotates it.
    public var refreshToken: String
}

/// Counters of one realm, for tests and operators.
public struct SimulatorStats: Sendable, Hashable, Codable {
    /// Authenticated API requests received (batch counts once).
    public var requests: Int
    /// Entities changed (a batch item each), replays excluded.
    public var writes: Int
    /// Requests answered 429, batches included.
    public var throttled: Int
    /// The most requests ever in flight at once.
    public var maxConcurrentSeen: Int
    /// Requests admitted in the last 60 seconds.
    public var requestsLastMinute: Int
    /// Requests answered by an injected fault (500, dropped, or response lost).
    public var injectedFaults: Int
    /// Requests answered from the `requestid` replay cache.
    public var replayedRequestIds: Int
    /// `POST /batch` requests let through the throttle (each also counts in `requests`).
    public var batchRequests: Int
    /// `POST /batch` requests answered 429 because the realm's batch budget was spent (each
    /// also counts in `throttled`).
    public var batchThrottled: Int
    /// Refresh grants that rotated the realm's refresh token.
    public var refreshes: Int
    /// Refresh grants presenting a refresh token already spent by an earlier
    /// refresh (answered `invalid_grant`): a client used one refresh token twice.
    public var spentRefreshTokenUses: Int
}
