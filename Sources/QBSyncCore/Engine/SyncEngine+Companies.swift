import QBOClient
import QBSyncStore
import QBSyncWire

extension SyncEngine {
    /// Connects (or reconnects) a company: credentials stored, state ACTIVE,
    /// held work resumes.
    public func connect(companyID: String, credentials: QBOCredentials, settings: CompanySettings?) async throws -> Company {
        let company = try await self.store.write { transaction in
            var company = try transaction.connectCompany(companyID, credentials: credentials, settings: settings, sealer: self.configuration.secrets)
            // Types named disabled at connect are turned off; turning them on is UpdateCompanySettings.
            if let disabled = settings?.disabledEntities, !disabled.isEmpty {
                _ = try Self.applyToggles(&company, enable: [], disable: Set(disabled), in: transaction)
            }
            return company
        }
        if let leases = self.configuration.leases, self.heldLeases[companyID] == nil {
            // Another instance may hold it with the old credentials: the lease
            // is taken from it (its writes are fenced off at once) and taken
            // here, and the company is pushed here with the new ones.
            let asked = ContinuousClock.now
            self.acquiringLeases.insert(companyID)
            defer { self.acquiringLeases.remove(companyID) }
            let lease = try await self.store.write { transaction -> CompanyLease? in
                try transaction.revokeLease(companyID: companyID)
                return try transaction.acquireLease(companyID: companyID, holder: leases.instanceID, for: leases.duration.milliseconds)
            }
            if let lease { await self.beginLease(lease, validUntil: asked + leases.duration - leases.renewInterval) }
            return company.message
        }
        let syncer = self.syncer(for: companyID)
        await syncer.disconnect()
        if let held = self.heldLeases[companyID] {
            await syncer.connect(company, lease: (held.lease, held.validUntil))
        } else {
            await syncer.connect(company)
        }
        return company.message
    }

    /// Disconnects: tokens erased, work held (PENDING), nothing lost.
    public func disconnect(companyID: String) async throws -> Company {
        let company = try await self.store.write { transaction -> CompanyRow in
            guard var company = try transaction.company(companyID) else {
                throw RPCError(code: .notFound, message: "company \(companyID) is not known")
            }
            // No secret outlives the connection: reconnecting takes the app's
            // credentials and a refresh token again.
            company.clientID = ""
            company.clientSecret = ""
            company.refreshToken = ""
            company.connectionState = .disconnected
            company.connectionMessage = "disconnected by an operator"
            company.connectionChangedAt = transaction.now
            try transaction.save(company)
            // Whichever instance pushes it stops at its next renewal, fenced off from now.
            try transaction.revokeLease(companyID: companyID)
            return company
        }
        self.heldLeases.removeValue(forKey: companyID)
        await self.existingSyncer(companyID)?.disconnect()
        return company.message
    }

    /// A company as stored.
    public nonisolated func company(_ companyID: String) throws -> Company {
        guard let company = try self.store.read({ try $0.company(companyID) }) else {
            throw RPCError(code: .notFound, message: "company \(companyID) is not known; connect it with ConnectCompany first")
        }
        return company.message
    }

    /// Changes settings and requeues records the change affects.
    ///
    /// - Returns: The company and how many records changed status.
    public func updateSettings(
        companyID: String, autoCreateCustomers: Bool?, invoicePolicy: InvoicePolicy, enable: Set<EntityType> = [], disable: Set<EntityType> = [],
        driftPolicy: DriftPolicy = .unspecified
    ) async throws -> (Company, Int) {
        let (company, changed) = try await self.store.write { transaction -> (CompanyRow, Int) in
            guard var company = try transaction.company(companyID) else {
                throw RPCError(code: .notFound, message: "company \(companyID) is not known")
            }
            let createTurnedOn = autoCreateCustomers == true && !company.autoCreateCustomers
            if let autoCreateCustomers { company.autoCreateCustomers = autoCreateCustomers }
            let previousPolicy = company.invoicePolicy
            if invoicePolicy != .unspecified { company.invoicePolicy = invoicePolicy }
            if driftPolicy != .unspecified { company.driftPolicy = driftPolicy }
            try transaction.save(company)
            var changed = 0
            if createTurnedOn {
                // Unmatched customers (not unlinked by hand) are created now.
                for id in try transaction.recordIDs(companyID: companyID, entity: .customer, status: .blocked) {
                    guard var row = try transaction.record(id: id), !row.state.manuallyUnlinked,
                          row.state.linkOutcome == LinkOutcome.noMatch.wireValue
                    else { continue }
                    row.state.createRequested = true
                    try transaction.queue(&row, note: "auto-create turned on: creating the QBO customer")
                    changed += 1
                }
            }
            if previousPolicy != company.invoicePolicy {
                changed += try Self.applyInvoicePolicy(company, in: transaction)
            }
            changed += try Self.applyToggles(&company, enable: enable, disable: disable, in: transaction)
            return (company, changed)
        }
        self.kick(companyID)
        return (company.message, changed)
    }

    /// Turns entity types on and off. Records of a type turned off that are
    /// not yet pushed (PENDING, BLOCKED, ERRORED) become SKIPPED; the SKIPPED
    /// records of a type turned on are decided again.
    ///
    /// - Returns: How many records changed status.
    static func applyToggles(_ company: inout CompanyRow, enable: Set<EntityType>, disable: Set<EntityType>, in transaction: WriteTransaction) throws -> Int {
        let disabling = disable.subtracting(company.disabledEntities)
        let enabling = enable.intersection(company.disabledEntities)
        guard !disabling.isEmpty || !enabling.isEmpty else { return 0 }
        company.disabledEntities.formUnion(disabling)
        company.disabledEntities.subtract(enabling)
        try transaction.save(company)
        var changed = 0
        for entity in EntityType.recordTypes where disabling.contains(entity) {
            for status in [SyncStatus.pending, .blocked, .errored] {
                for id in try transaction.recordIDs(companyID: company.companyID, entity: entity, status: status) {
                    guard var row = try transaction.record(id: id) else { continue }
                    try transaction.skip(&row, reason: SkipReason.entityDisabled, note: "\(entity.label)s disabled for this company")
                    changed += 1
                }
            }
        }
        for entity in EntityType.recordTypes where enabling.contains(entity) {
            for id in try transaction.recordIDs(companyID: company.companyID, entity: entity, status: .skipped) {
                guard var row = try transaction.record(id: id), row.skipReason == SkipReason.entityDisabled else { continue }
                try Self.requeue(&row, force: false, lane: .backfill, note: "\(entity.label)s enabled for this company", in: transaction)
                changed += 1
            }
        }
        return changed
    }

    /// Moves unsynced invoices between SKIPPED (awaiting a payment) and queued, per the policy.
    private static func applyInvoicePolicy(_ company: CompanyRow, in transaction: WriteTransaction) throws -> Int {
        var changed = 0
        if company.invoicePolicy == .syncAll {
            for id in try transaction.recordIDs(companyID: company.companyID, entity: .invoice, status: .skipped) {
                guard var row = try transaction.record(id: id), row.skipReason == SkipReason.awaitingPayment else { continue }
                try transaction.queueOrBlock(&row, try Dependencies.blockers(of: row, company: company, in: transaction), note: "policy changed to sync all invoices")
                changed += 1
            }
        } else {
            for status in [SyncStatus.pending, .blocked] {
                for id in try transaction.recordIDs(companyID: company.companyID, entity: .invoice, status: status) {
                    guard var row = try transaction.record(id: id), row.qboID.isEmpty,
                          try !Intake.hasPayment(row.key, in: transaction)
                    else { continue }
                    try transaction.skip(&row, reason: SkipReason.awaitingPayment, note: "policy changed to sync only invoices with a payment")
                    changed += 1
                }
            }
        }
        return changed
    }
}

extension WriteTransaction {
    /// Stores a company's credentials and settings and marks it ACTIVE.
    ///
    /// - Throws: FAILED_PRECONDITION when the company already has records in
    ///   QBO under another realm: they cannot move to a different company file.
    /// The secrets are stored sealed by `sealer` (in the clear when it has no key).
    public func connectCompany(_ companyID: String, credentials: QBOCredentials, settings: CompanySettings?, sealer: SecretSealer) throws -> CompanyRow {
        var company = try self.company(companyID) ?? CompanyRow(companyID: companyID)
        if !company.realmID.isEmpty, company.realmID != credentials.realmID, try self.hasRecordsInQBO(companyID: companyID) {
            throw RPCError(code: .failedPrecondition, message: "company \(companyID) already has records in realm \(company.realmID); it cannot move to realm \(credentials.realmID)")
        }
        company.realmID = credentials.realmID
        company.clientID = credentials.clientID
        company.clientSecret = try sealer.seal(credentials.clientSecret, companyID: companyID, field: SecretSealer.clientSecretField)
        company.refreshToken = try sealer.seal(credentials.refreshToken, companyID: companyID, field: SecretSealer.refreshTokenField)
        company.refreshTokenAt = self.now
        company.connectionState = .active
        company.connectionMessage = ""
        company.connectionChangedAt = self.now
        if let settings {
            company.autoCreateCustomers = settings.autoCreateCustomers
            if settings.invoicePolicy != .unspecified { company.invoicePolicy = settings.invoicePolicy }
            if !settings.homeCurrency.isEmpty { company.homeCurrency = settings.homeCurrency }
            if settings.driftPolicy != .unspecified { company.driftPolicy = settings.driftPolicy }
        }
        try self.save(company)
        return company
    }
}

extension SyncEngine {
    /// Seals every stored secret that is not sealed under the current key
    /// (stored in the clear, or under a previous key while rotating), one
    /// company per write. A value no configured key opens is left as is,
    /// and its company reports why when it connects. (With several
    /// instances, each company's secrets are resealed by the instance that
    /// takes its lease, before its session reads them: see `beginLease`.)
    func resealSecrets() async throws {
        let sealer = self.configuration.secrets
        guard sealer.current != nil else { return }
        let companies = try self.store.read { try $0.companies() }
        var resealed = 0
        for company in companies where sealer.needsResealing(company.clientSecret) || sealer.needsResealing(company.refreshToken) {
            do {
                try await self.store.write { transaction in
                    guard var company = try transaction.company(company.companyID) else { return }
                    if try Self.reseal(&company, sealer) { try transaction.save(company) }
                }
                resealed += 1
            } catch {
                self.logger.error("could not seal a company's stored secrets under the current key", metadata: ["company": "\(company.companyID)", "error": "\(error)"])
            }
        }
        if resealed > 0 {
            self.logger.notice("sealed stored OAuth secrets under the current key", metadata: ["companies": "\(resealed)", "key": "\(sealer.current?.id ?? "")"])
        }
    }

    /// Seals the company's secrets under the current key where they are not.
    ///
    /// - Returns: Whether anything changed.
    static func reseal(_ company: inout CompanyRow, _ sealer: SecretSealer) throws -> Bool {
        guard sealer.current != nil else { return false }
        var changed = false
        for field in [SecretSealer.clientSecretField, SecretSealer.refreshTokenField] {
            let stored = field == SecretSealer.clientSecretField ? company.clientSecret : company.refreshToken
            guard sealer.needsResealing(stored) else { continue }
            let sealed = try sealer.seal(try sealer.open(stored, companyID: company.companyID, field: field), companyID: company.companyID, field: field)
            if field == SecretSealer.clientSecretField { company.clientSecret = sealed } else { company.refreshToken = sealed }
            changed = true
        }
        return changed
    }
}

extension SyncEngine {
    /// Renews the refresh token of every connected company whose token is
    /// older than ``EngineConfiguration/refreshTokenRenewalAge`` (an idle
    /// company's would otherwise expire after Intuit's 100 days), oldest
    /// first, one at a time with a pause between two.
    ///
    /// - Returns: The companies renewed.
    @discardableResult
    func renewAgingRefreshTokens() async -> [String] {
        let horizon = Clock.milliseconds() - self.configuration.refreshTokenRenewalAge.milliseconds
        guard let companies = try? self.store.read({ try $0.companies() }) else { return [] }
        var renewed: [String] = []
        var first = true
        for company in companies.sorted(by: { $0.refreshTokenAt < $1.refreshTokenAt })
        where company.connectionState == .active && !company.refreshToken.isEmpty && company.refreshTokenAt < horizon {
            if Task.isCancelled { break }
            if !first { try? await Task.sleep(for: self.configuration.refreshTokenRenewalSpacing) }
            first = false
            if await self.syncer(for: company.companyID).renewRefreshToken() {
                renewed.append(company.companyID)
            }
        }
        if !renewed.isEmpty {
            self.logger.info("renewed aging refresh tokens", metadata: ["companies": "\(renewed.count)"])
        }
        return renewed
    }
}
