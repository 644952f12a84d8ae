import QBOClient

/// How the sync engine talks to QBO and paces itself.
public struct EngineConfiguration: Sendable {
    /// API base URL (production, sandbox or a simulator), scheme and host.
    public var qboBaseURL: String = "https://quickbooks.api.intuit.com"
    /// OAuth token endpoint.
    public var tokenURL: String = OAuthSession.intuitTokenEndpoint
    /// Base of "View in QuickBooks" links.
    public var qboAppURL: String = "https://app.qbo.intuit.com/app/"
    /// Requests per minute per realm (QBO allows 500).
    public var requestsPerMinute = 500
    /// Requests in flight per realm (QBO allows 10).
    public var concurrentRequests = 10
    /// Batch requests per minute per realm (QBO allows 40); each is also
    /// one of ``requestsPerMinute``.
    public var batchRequestsPerMinute = 40
    /// Whether backfill-lane creates (invoices, bills, purchase orders,
    /// expenses) go through QBO's Batch API, up to 30 a request, beside the
    /// single requests that use the rest of the budget.
    public var backfillBatches = true
    /// Connections to QBO the process keeps, across every realm. Each realm's
    /// `RateLimiter` caps its own requests in flight (``concurrentRequests``);
    /// the connection pool must not cap them again across realms, since every
    /// realm talks to the same host: with libcurl's per-host limit of 10, a
    /// hundred companies shared ten connections.
    public var maxQBOConnections = 1_000
    /// Seals the OAuth client secrets and refresh tokens stored (AES-GCM);
    /// `.none` stores them in the clear.
    public var secrets: SecretSealer = .none
    /// Told of every QBO request and push (metrics); nil: nobody.
    public var observer: (any EngineObserver)?
    /// A company's refresh token older than this is renewed even when the
    /// company is idle (Intuit's last 100 days; busy companies rotate theirs daily).
    public var refreshTokenRenewalAge: Duration = .seconds(30 * 86_400)
    /// How often refresh tokens are checked for renewal; the first check
    /// after a start comes at a random point of the first interval.
    public var refreshTokenCheckInterval: Duration = .seconds(3_600)
    /// The pause between two companies' renewals, so many are not renewed at once.
    public var refreshTokenRenewalSpacing: Duration = .seconds(1)
    /// Retry schedule.
    public var retry = RetryPolicy()
    /// Total timeout of one QBO request.
    public var requestTimeout: Duration = .seconds(60)
    /// Connect timeout.
    public var connectTimeout: Duration = .seconds(10)
    /// Consecutive transient failures that put a company in ERROR.
    public var errorThreshold = 5
    /// Interval of the sweep that retries and re-links (nightly by default).
    public var sweepInterval: Duration = .seconds(86_400)
    /// How often QuickBooks' changes are read to find drift (change data
    /// capture); nil turns the poll off (CheckDrift still works).
    public var driftInterval: Duration? = .seconds(300)
    /// Changes a drift check records per write transaction (the writer is
    /// shared by every company; a long transaction stalls their intake).
    public var driftChunkSize = 200
    /// Events older than this are deleted by the sweep.
    public var eventRetention: Duration = .seconds(30 * 86_400)

    /// Defaults: production QBO at its published limits.
    /// Several instances share the database (PostgreSQL): each company is
    /// pushed by the instance holding its lease. Nil: this process is the only
    /// one, and pushes every company.
    public var leases: LeaseSettings?

    public init() {}
}

/// How an instance takes part in sharing companies with others (see ``CompanyLease``).
public struct LeaseSettings: Sendable {
    /// This instance's id, also how operators see it: its host and socket.
    /// Two live instances never share one (they would need the same socket
    /// on the same host); a restarted instance keeps its id, and takes on
    /// the leases its previous run held at once (under new tokens).
    public var instanceID: String
    /// How long a lease lasts unrenewed: an instance that died loses its
    /// companies this long after its last renewal (plus one renewal interval
    /// for another instance to notice).
    public var duration: Duration = .seconds(8)
    /// How often leases are renewed, and free ones looked for.
    public var renewInterval: Duration = .seconds(2)

    /// Settings for an instance.
    public init(instanceID: String) {
        self.instanceID = instanceID
    }
}
