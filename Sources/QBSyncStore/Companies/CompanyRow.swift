import QBSyncWire

/// A company, its QBO connection and settings, as stored.
///
/// Holds secrets (client secret, refresh token): its description redacts them.
public struct CompanyRow: Sendable, CustomStringConvertible {
    /// The rental company's id.
    public var companyID: String
    /// QBO realm.
    public var realmID = ""
    /// OAuth client id.
    public var clientID = ""
    /// OAuth client secret.
    public var clientSecret = ""
    /// Newest refresh token (rotated on every refresh).
    public var refreshToken = ""
    /// Epoch ms when ``refreshToken`` was stored (0: before this was kept).
    public var refreshTokenAt: Int64 = 0
    /// Connection state.
    public var connectionState: ConnectionState = .disconnected
    /// Why not ACTIVE.
    public var connectionMessage = ""
    /// Epoch ms of the last connection change.
    public var connectionChangedAt: Int64 = 0
    /// Create missing QBO customers automatically.
    public var autoCreateCustomers = false
    /// Which invoices are sent.
    public var invoicePolicy: InvoicePolicy = .syncAll
    /// ISO 4217 home currency.
    public var homeCurrency = "USD"
    /// Epoch ms of the last successful push.
    public var lastSyncedAt: Int64 = 0
    /// Entity types not synced for this company (their records are SKIPPED).
    public var disabledEntities: Set<EntityType> = []
    /// What was read from the QBO company's Preferences and CompanyInfo.
    public var qboFacts = QBOCompanyFacts()
    /// Changes in QBO were read up to this time (ISO 8601 with offset, as QBO's
    /// `changedSince` takes it); empty before the first check.
    public var driftCursor = ""
    /// What to do with a record that drifted.
    public var driftPolicy: DriftPolicy = .report

    /// Creates a company with defaults.
    public init(companyID: String) {
        self.companyID = companyID
    }

    /// The settings as a wire message.
    public var settings: CompanySettings {
        CompanySettings(
            autoCreateCustomers: self.autoCreateCustomers, invoicePolicy: self.invoicePolicy, homeCurrency: self.homeCurrency,
            disabledEntities: EntityType.recordTypes.filter(self.disabledEntities.contains),
            driftPolicy: self.driftPolicy
        )
    }

    /// The company as a wire message (no secrets).
    public var message: Company {
        Company(
            companyID: self.companyID,
            realmID: self.realmID,
            connectionState: self.connectionState,
            connectionMessage: self.connectionMessage,
            settings: self.settings,
            connectionChangedAt: Clock.rfc3339(milliseconds: self.connectionChangedAt),
            driftCheckedThrough: self.driftCursor,
            qbo: self.qboFacts
        )
    }

    public var description: String {
        "Company(\(self.companyID), realm \(self.realmID), \(self.connectionState), secrets <redacted>)"
    }

    /// The columns of `companies` a row holds, in SELECT order.
    static let layout = ColumnList("""
        company_id, realm_id, client_id, client_secret, refresh_token, connection_state, connection_message, \
        connection_changed_at, auto_create_customers, invoice_policy, home_currency, last_synced_at, disabled_entities, qbo_facts, drift_cursor, drift_policy, \
        refresh_token_at
        """)

    static let columns = Self.layout.sql

    static let selectByIDSQL = "SELECT \(Self.columns) FROM companies WHERE company_id = ?"

    static let upsertSQL = """
        INSERT INTO companies (\(Self.columns)) VALUES (\(Self.layout.names.map { _ in "?" }.joined(separator: ", "))) \
        ON CONFLICT (company_id) DO UPDATE SET \(Self.layout.names.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
        """

    init(_ row: any SQLRow) {
        let column = Self.layout.index
        self.companyID = row.text(column("company_id"))
        self.realmID = row.text(column("realm_id"))
        self.clientID = row.text(column("client_id"))
        self.clientSecret = row.text(column("client_secret"))
        self.refreshToken = row.text(column("refresh_token"))
        self.refreshTokenAt = row.int64(column("refresh_token_at"))
        self.connectionState = ConnectionState(wireValue: Int32(row.int64(column("connection_state"))))
        self.connectionMessage = row.text(column("connection_message"))
        self.connectionChangedAt = row.int64(column("connection_changed_at"))
        self.autoCreateCustomers = row.bool(column("auto_create_customers"))
        self.invoicePolicy = InvoicePolicy(wireValue: Int32(row.int64(column("invoice_policy"))))
        self.homeCurrency = row.text(column("home_currency"))
        self.lastSyncedAt = row.int64(column("last_synced_at"))
        self.qboFacts = (try? QBOCompanyFacts(unpacking: row.blob(column("qbo_facts")))) ?? QBOCompanyFacts()
        self.driftCursor = row.text(column("drift_cursor"))
        let policy = DriftPolicy(wireValue: Int32(row.int64(column("drift_policy"))))
        self.driftPolicy = policy == .unspecified ? .report : policy
        self.disabledEntities = Set(row.text(column("disabled_entities")).split(separator: ",").compactMap { Int32($0) }.map(EntityType.init(wireValue:)))
    }

    /// `disabled_entities` as stored: wire values, ascending, comma-separated.
    var disabledEntitiesText: String {
        self.disabledEntities.map(\.wireValue).sorted().map(String.init).joined(separator: ",")
    }
}

extension WriteTransaction {
    /// The company, if known.
    public func company(_ companyID: String) throws -> CompanyRow? {
        if let cached = self.companyCache[companyID] { return cached }
        let company = try self.database.first(CompanyRow.selectByIDSQL, [.text(companyID)], CompanyRow.init)
        if let company { self.companyCache[companyID] = company }
        return company
    }

    /// Inserts or replaces a company.
    public func save(_ company: CompanyRow) throws {
        self.companyCache[company.companyID] = company
        try self.database.run(
            CompanyRow.upsertSQL,
            [
                .text(company.companyID), .text(company.realmID), .text(company.clientID), .text(company.clientSecret),
                .text(company.refreshToken), .integer(Int64(company.connectionState.wireValue)), .text(company.connectionMessage),
                .integer(company.connectionChangedAt), .integer(company.autoCreateCustomers ? 1 : 0),
                .integer(Int64(company.invoicePolicy.wireValue)), .text(company.homeCurrency), .integer(company.lastSyncedAt),
                .text(company.disabledEntitiesText), .blob(company.qboFacts.packed()),
                .text(company.driftCursor), .integer(Int64(company.driftPolicy.wireValue)),
                .integer(company.refreshTokenAt),
            ]
        )
    }

    /// Stores a rotated refresh token (called before the new access token is
    /// used), only if the company still holds `previous`: a session that
    /// outlived a disconnect (its tokens erased) or a reconnect (new tokens)
    /// must not write its token back.
    ///
    /// - Returns: False when the company no longer holds `previous`.
    public func saveRefreshToken(_ token: String, replacing previous: String, companyID: String) throws -> Bool {
        self.companyCache[companyID] = nil
        try self.database.run("UPDATE companies SET refresh_token = ?, refresh_token_at = ? WHERE company_id = ? AND refresh_token = ? AND refresh_token != ''",
                              [.text(token), .integer(self.now), .text(companyID), .text(previous)])
        guard self.database.changes > 0 else { return false }
        // The refresh under way (several instances) is over: its token is stored.
        try self.database.run("UPDATE company_leases SET refreshing_until = 0 WHERE company_id = ?", [.text(companyID)])
        return true
    }

    /// Stores what was read from the QBO company.
    public func saveQBOFacts(_ facts: QBOCompanyFacts, companyID: String) throws {
        self.companyCache[companyID] = nil
        try self.database.run("UPDATE companies SET qbo_facts = ? WHERE company_id = ?", [.blob(facts.packed()), .text(companyID)])
    }

    /// Moves a company's change-data-capture cursor.
    public func saveDriftCursor(_ cursor: String, companyID: String) throws {
        self.companyCache[companyID] = nil
        try self.database.run("UPDATE companies SET drift_cursor = ? WHERE company_id = ?", [.text(cursor), .text(companyID)])
    }

    /// Records a successful push time.
    public func markSynced(companyID: String) throws {
        self.companyCache[companyID] = nil
        try self.database.run("UPDATE companies SET last_synced_at = ? WHERE company_id = ?", [.integer(self.now), .text(companyID)])
    }

    /// The mapping for a code, if any.
    public func mapping(_ kind: MappingKind, _ code: String, companyID: String) throws -> Mapping? {
        let key = "\(companyID)\u{1F}\(kind.wireValue)\u{1F}\(code)"
        if let cached = self.mappingCache[key] { return cached }
        let mapping = try self.database.first(
            "SELECT kind, external_code, qbo_id, qbo_name, qbo_payment_method_id FROM mappings WHERE company_id = ? AND kind = ? AND external_code = ?",
            [.text(companyID), .integer(Int64(kind.wireValue)), .text(code)],
            Mapping.init(row:)
        )
        self.mappingCache[key] = .some(mapping)
        return mapping
    }

    /// Inserts or replaces a mapping.
    public func save(_ mapping: Mapping, companyID: String) throws {
        self.mappingCache.removeAll()
        try self.database.run(
            """
            INSERT INTO mappings (company_id, kind, external_code, qbo_id, qbo_name, qbo_payment_method_id) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (company_id, kind, external_code) DO UPDATE SET
                qbo_id = excluded.qbo_id, qbo_name = excluded.qbo_name, qbo_payment_method_id = excluded.qbo_payment_method_id
            """,
            [.text(companyID), .integer(Int64(mapping.kind.wireValue)), .text(mapping.externalCode), .text(mapping.qboID),
             .text(mapping.qboName), .text(mapping.qboPaymentMethodID)]
        )
    }

    /// Deletes a mapping; false when there was none.
    public func deleteMapping(_ kind: MappingKind, _ code: String, companyID: String) throws -> Bool {
        self.mappingCache.removeAll()
        try self.database.run(
            "DELETE FROM mappings WHERE company_id = ? AND kind = ? AND external_code = ?",
            [.text(companyID), .integer(Int64(kind.wireValue)), .text(code)]
        )
        return self.database.changes > 0
    }
}

extension Mapping {
    init(row: any SQLRow) {
        self.init(
            kind: MappingKind(wireValue: Int32(row.int64(0))),
            externalCode: row.text(1),
            qboID: row.text(2),
            qboName: row.text(3),
            qboPaymentMethodID: row.text(4)
        )
    }
}
