/// Which instance pushes each company, when several `qbsync serve` share one
/// database (PostgreSQL).
///
/// A company's lease names its holder and a fencing token that grows by one
/// each time the lease changes hands. The holder renews it well before it
/// expires; once it has expired, any instance may take it (and the token
/// grows). Every claim and every push outcome the holder writes checks, in
/// the same transaction, that the lease is still its own with that token
/// (``WriteTransaction/checkLease(_:holder:)``): an instance that stalled
/// past its lease, and woke up, cannot write over its successor's work.
/// Expiry is by the database's clock, one clock for every host.
public struct CompanyLease: Sendable, Hashable, CustomStringConvertible {
    /// The company.
    public var companyID: String
    /// The fencing token the lease was taken with.
    public var token: Int64

    /// Creates a lease value.
    public init(companyID: String, token: Int64) {
        self.companyID = companyID
        self.token = token
    }

    public var description: String { "\(self.companyID)#\(self.token)" }
}

/// A lease as stored, for operators: who holds it and for how much longer.
public struct LeaseRow: Sendable, Equatable {
    /// The company.
    public var companyID: String
    /// The holding instance's id ("" after a release by reconnecting or disconnecting).
    public var holder: String
    /// The holder's id while that instance is alive (seen in `instances`), else empty.
    public var liveHolder: String
    /// The fencing token.
    public var token: Int64
    /// Milliseconds until it expires (0 or less: expired, free to take).
    public var expiresIn: Int64
    /// Let go of by its holder (stopping, or handing the company to another
    /// instance), rather than left to expire.
    public var released: Bool

    /// Expired unrenewed: its holder died or stalled, and the company waits for a new one.
    public var orphaned: Bool { self.expiresIn <= 0 && !self.released && !self.holder.isEmpty }
}

/// The lease a write was fenced with is no longer the writer's: another
/// instance took the company over (this one stalled past its lease), or the
/// company was reconnected or disconnected. Nothing of the write was stored.
public struct LeaseLost: Error, CustomStringConvertible, Sendable {
    /// The lease that was checked.
    public var lease: CompanyLease

    public var description: String {
        "company \(self.lease.companyID) is no longer this instance's to push (lease token \(self.lease.token) was taken over or released)"
    }
}

extension WriteTransaction {
    private var databaseNow: String { self.database.dialect.nowMilliseconds }

    /// Says this instance is alive (the count of live instances sets each one's fair share of companies).
    public func heartbeat(instance: String) throws {
        try self.database.run(
            "INSERT INTO instances (id, seen_at) VALUES (?, \(self.databaseNow)) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
            [.text(instance)]
        )
    }

    /// Instances seen within the last `milliseconds`; forgets those gone for an hour.
    public func liveInstances(within milliseconds: Int64) throws -> Int {
        try self.database.run("DELETE FROM instances WHERE seen_at < \(self.databaseNow) - 3600000")
        return try self.database.first("SELECT COUNT(*) FROM instances WHERE seen_at >= \(self.databaseNow) - ?", [.integer(milliseconds)]) { $0.int(0) } ?? 0
    }

    /// Removes an instance that is stopping.
    public func forgetInstance(_ instance: String) throws {
        try self.database.run("DELETE FROM instances WHERE id = ?", [.text(instance)])
    }

    /// Extends every lease `holder` still holds by `milliseconds` from now
    /// (one it let go of is not taken back).
    ///
    /// - Returns: The leases renewed: a lease missing here was taken over
    ///   (it had expired) or released by a reconnect or disconnect.
    public func renewLeases(holder: String, for milliseconds: Int64) throws -> [CompanyLease] {
        try self.database.rows(
            "UPDATE company_leases SET expires_at = \(self.databaseNow) + ? WHERE holder = ? AND expires_at > 0 RETURNING company_id, token",
            [.integer(milliseconds), .text(holder)]
        ) { CompanyLease(companyID: $0.text(0), token: $0.int64(1)) }
    }

    /// Takes the company's lease for `milliseconds` when nobody holds it or its lease has expired.
    ///
    /// - Returns: The lease, with a token above every earlier holder's; nil when another instance holds it.
    public func acquireLease(companyID: String, holder: String, for milliseconds: Int64) throws -> CompanyLease? {
        try self.database.first(
            """
            INSERT INTO company_leases (company_id, holder, token, expires_at) VALUES (?, ?, 1, \(self.databaseNow) + ?)
            ON CONFLICT (company_id) DO UPDATE SET holder = excluded.holder, token = company_leases.token + 1, expires_at = excluded.expires_at
            WHERE company_leases.expires_at <= \(self.databaseNow)
            RETURNING token
            """,
            [.text(companyID), .text(holder), .integer(milliseconds)]
        ) { CompanyLease(companyID: companyID, token: $0.int64(0)) }
    }

    /// Takes over a lease `holder` holds without knowing it (its previous
    /// run, restarted on the same host and socket): the token grows, so
    /// whatever that run still had in flight is fenced off.
    public func adoptLease(companyID: String, holder: String, for milliseconds: Int64) throws -> CompanyLease? {
        try self.database.first(
            "UPDATE company_leases SET token = token + 1, expires_at = \(self.databaseNow) + ? WHERE company_id = ? AND holder = ? AND expires_at > 0 RETURNING token",
            [.integer(milliseconds), .text(companyID), .text(holder)]
        ) { CompanyLease(companyID: companyID, token: $0.int64(0)) }
    }

    /// Lets go of a lease this instance holds (it stopped pushing the company): free to take at once.
    public func releaseLease(_ lease: CompanyLease, holder: String) throws {
        try self.database.run(
            "UPDATE company_leases SET expires_at = 0 WHERE company_id = ? AND holder = ? AND token = ?",
            [.text(lease.companyID), .text(holder), .integer(lease.token)]
        )
    }

    /// Takes the company's lease from whoever holds it (the company was
    /// reconnected or disconnected): the holder finds it gone at its next
    /// renewal, and its writes are fenced off at once. Free to take.
    public func revokeLease(companyID: String) throws {
        try self.database.run(
            "UPDATE company_leases SET holder = '', token = token + 1, expires_at = 0 WHERE company_id = ?", [.text(companyID)]
        )
    }

    /// Says the holder is about to spend the company's refresh token, until
    /// `milliseconds` from now at the latest; only while `lease` is still
    /// `holder`'s and unexpired. The next holder waits for it to end
    /// (``Database/refreshElsewhere(companyID:)``) before it reads the token:
    /// the rotated one is stored first (``saveRefreshToken(_:replacing:companyID:)`` ends it).
    ///
    /// - Returns: False when the lease is no longer `holder`'s: it must not refresh.
    public func markRefreshing(_ lease: CompanyLease, holder: String, for milliseconds: Int64) throws -> Bool {
        try self.database.first(
            """
            UPDATE company_leases SET refreshing_until = \(self.databaseNow) + ?
            WHERE company_id = ? AND holder = ? AND token = ? AND expires_at > \(self.databaseNow) RETURNING 1
            """,
            [.integer(milliseconds), .text(lease.companyID), .text(holder), .integer(lease.token)]
        ) { _ in true } ?? false
    }

    /// Ends what ``markRefreshing(_:holder:for:)`` said, when the refresh
    /// rotated nothing (the token endpoint refused it).
    public func endRefreshing(_ lease: CompanyLease, holder: String) throws {
        try self.database.run(
            "UPDATE company_leases SET refreshing_until = 0 WHERE company_id = ? AND holder = ? AND token = ?",
            [.text(lease.companyID), .text(holder), .integer(lease.token)]
        )
    }

    /// Throws ``LeaseLost`` unless `lease` is still `holder`'s, unexpired and with its token.
    public func checkLease(_ lease: CompanyLease, holder: String) throws {
        guard try self.database.holds(lease, holder: holder) else { throw LeaseLost(lease: lease) }
    }
}

extension Database {
    /// Whether `lease` is still `holder`'s, unexpired and with its token.
    public func holds(_ lease: CompanyLease, holder: String) throws -> Bool {
        try self.first(
            "SELECT 1 FROM company_leases WHERE company_id = ? AND holder = ? AND token = ? AND expires_at > \(self.dialect.nowMilliseconds)",
            [.text(lease.companyID), .text(holder), .integer(lease.token)]
        ) { _ in true } ?? false
    }

    /// Milliseconds until a refresh of the company's tokens begun by a
    /// holder may still store its rotated refresh token (0: none under way).
    public func refreshElsewhere(companyID: String) throws -> Int64 {
        try self.first(
            "SELECT refreshing_until - \(self.dialect.nowMilliseconds) FROM company_leases WHERE company_id = ? AND refreshing_until > 0",
            [.text(companyID)]
        ) { max(0, $0.int64(0)) } ?? 0
    }

    /// Every company's lease, with its holder's name while that instance lives.
    public func leases() throws -> [LeaseRow] {
        try self.leaseRows(where: "", [])
    }

    /// The company's lease, when it has one.
    public func lease(companyID: String) throws -> LeaseRow? {
        try self.leaseRows(where: "WHERE l.company_id = ?", [.text(companyID)]).first
    }

    private func leaseRows(where condition: String, _ values: [SQLValue]) throws -> [LeaseRow] {
        try self.rows(
            """
            SELECT l.company_id, l.holder, COALESCE(i.id, ''), l.token, l.expires_at - \(self.dialect.nowMilliseconds), l.expires_at
            FROM company_leases l LEFT JOIN instances i ON i.id = l.holder \(condition) ORDER BY l.company_id
            """, values
        ) { LeaseRow(companyID: $0.text(0), holder: $0.text(1), liveHolder: $0.text(2), token: $0.int64(3), expiresIn: $0.int64(4), released: $0.int64(5) == 0) }
    }
}
