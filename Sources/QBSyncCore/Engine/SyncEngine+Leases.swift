import QBSyncStore
import QBSyncWire

/// A company lease this instance holds, and until when it is surely still
/// held (its renewal's start plus the lease's duration, less one renewal
/// interval of margin for clocks and pauses).
struct HeldLease: Sendable {
    var lease: CompanyLease
    var validUntil: ContinuousClock.Instant
}

extension SyncEngine {
    /// Keeps this instance's share of the companies (see ``LeaseSettings``),
    /// one round every renewal interval, until cancelled.
    func keepLeases(_ settings: LeaseSettings) async {
        while !Task.isCancelled {
            await self.leaseRound(settings)
            try? await Task.sleep(for: settings.renewInterval)
        }
    }

    /// One round: says this instance lives; renews its leases (one missing
    /// was taken over while this instance stalled, or revoked by a reconnect
    /// or disconnect: its syncer stops); lets go of companies over its fair
    /// share (the connected companies over the instances seen in the last
    /// half lease, rounded up), so an instance that joins gets work; takes
    /// every lease that expired unrenewed, so the companies of an instance
    /// that died are taken over within one lease duration and one renewal
    /// interval; and free leases up to its share.
    func leaseRound(_ settings: LeaseSettings) async {
        let me = settings.instanceID
        let milliseconds = settings.duration.milliseconds
        let started = ContinuousClock.now
        let heldBefore = self.heldLeases
        let round: (renewed: [CompanyLease], live: Int, connected: [String], free: [String], orphaned: Set<String>)
        do {
            round = try await self.store.write { transaction in
                try transaction.heartbeat(instance: me)
                let renewed = try transaction.renewLeases(holder: me, for: milliseconds)
                let live = try transaction.liveInstances(within: milliseconds / 2)
                let connected = try transaction.database.connectedCompanyIDs()
                let leases = try transaction.database.leases()
                let taken = Set(leases.filter { $0.expiresIn > 0 }.map(\.companyID))
                let orphaned = Set(leases.filter(\.orphaned).map(\.companyID))
                return (renewed, live, connected, connected.filter { !taken.contains($0) }, orphaned)
            }
        } catch {
            self.logger.warning("renewing company leases failed", metadata: ["error": "\(error)"])
            for (companyID, held) in self.heldLeases where ContinuousClock.now >= held.validUntil {
                await self.endLease(companyID, reason: "its lease could not be renewed in time")
            }
            return
        }
        let validUntil = started + settings.duration - settings.renewInterval
        let renewed = Dictionary(round.renewed.map { ($0.companyID, $0) }) { first, _ in first }
        // Only what the round's write saw: a lease taken meanwhile (by a ConnectCompany) is newer than it.
        for (companyID, held) in heldBefore where renewed[companyID] == nil && self.heldLeases[companyID]?.lease == held.lease {
            await self.endLease(companyID, reason: "another instance took it over, or it was reconnected or disconnected")
        }
        for lease in round.renewed where !self.releasingLeases.contains(lease.companyID) {
            if let held = self.heldLeases[lease.companyID], held.lease.token > lease.token { continue }
            if self.heldLeases[lease.companyID]?.lease == lease {
                self.heldLeases[lease.companyID]?.validUntil = validUntil
                await self.existingSyncer(lease.companyID)?.leaseRenewed(until: validUntil)
            } else if self.heldLeases[lease.companyID] == nil, !self.acquiringLeases.contains(lease.companyID),
                      let adopted = try? await self.store.write({ try $0.adoptLease(companyID: lease.companyID, holder: me, for: milliseconds) }) {
                // Held under this instance's name by its previous run (restarted on the same host
                // and socket): taken on at once, under a new token, rather than after it expires.
                await self.beginLease(adopted, validUntil: validUntil)
            }
        }
        let connected = Set(round.connected)
        let share = (round.connected.count + max(round.live, 1) - 1) / max(round.live, 1)
        // Only among the leases the round's write knew of: one taken meanwhile (a
        // ConnectCompany) is for a company the write may not have seen connected.
        let known = self.heldLeases.keys.filter { heldBefore[$0] != nil || renewed[$0] != nil }
        let surplus = known.filter { !connected.contains($0) }.sorted()
            + known.filter { connected.contains($0) }.sorted().dropFirst(max(0, share - (self.heldLeases.count - known.count)))
        for companyID in surplus { self.releaseLease(companyID, settings) }
        // A company whose holder died or stalled is taken whatever the share
        // (rebalancing later is cheap; a company nobody pushes is not); free
        // ones (never held, or let go of) up to the share.
        let candidates = round.free.filter { self.heldLeases[$0] == nil && !self.releasingLeases.contains($0) && !self.acquiringLeases.contains($0) }.shuffled()
        for companyID in candidates.filter({ round.orphaned.contains($0) }) + candidates.filter({ !round.orphaned.contains($0) }) {
            guard round.orphaned.contains(companyID) || self.heldLeases.count < share else { break }
            let asked = ContinuousClock.now
            guard let lease = try? await self.store.write({ try $0.acquireLease(companyID: companyID, holder: me, for: milliseconds) }) else { continue }
            await self.beginLease(lease, validUntil: asked + settings.duration - settings.renewInterval)
        }
    }

    /// Starts pushing a company under a lease just taken: its records a
    /// previous holder left SYNCING go back to the queue, to be read back
    /// from QBO before any retry (as after a crash).
    func beginLease(_ lease: CompanyLease, validUntil: ContinuousClock.Instant) async {
        let companyID = lease.companyID
        // Begun once, and never over a newer lease: a round and a ConnectCompany may both find one new.
        guard let me = self.configuration.leases?.instanceID, (self.heldLeases[companyID]?.lease.token ?? 0) < lease.token else { return }
        self.heldLeases[companyID] = HeldLease(lease: lease, validUntil: validUntil)
        // Let go of a moment ago (its syncer stopping): taken again once that is done.
        while self.releasingLeases.contains(companyID) { try? await Task.sleep(for: .milliseconds(10)) }
        let syncer = self.syncer(for: companyID)
        // A session of an earlier lease may be refreshing: its rotated token is stored before the company is read.
        await syncer.retire()
        let pushing = await syncer.inFlightRecords
        do {
            let sealer = self.configuration.secrets
            // What the previous holder sent may still land in QBO: read back once it would have timed out.
            let settle = self.configuration.requestTimeout.milliseconds
            let (company, recovered) = try await self.store.write { transaction -> (CompanyRow?, Int) in
                try transaction.checkLease(lease, holder: me)
                let recovered = try transaction.recoverUnheldClaims(
                    companyID: companyID, held: pushing,
                    note: "was being pushed by an instance that stopped or lost the company; it will be read back from QBO before any retry",
                    settle: settle
                )
                guard var company = try transaction.company(companyID) else { return (nil, recovered) }
                // Only the holder reseals (a rotated key): no other session is storing its refresh token now.
                do {
                    if try Self.reseal(&company, sealer) { try transaction.save(company) }
                } catch is SecretSealer.SealingError {
                    // No configured key opens it: the syncer says so when it connects.
                }
                return (company, recovered)
            }
            self.logger.notice("took the company's lease", metadata: ["company": "\(companyID)", "lease": "\(lease)", "recovered": "\(recovered)"])
            guard let company, company.connectionState != .disconnected, self.heldLeases[companyID]?.lease == lease else { return }
            await syncer.connect(company, lease: (lease, validUntil))
        } catch {
            if self.heldLeases[companyID]?.lease == lease { self.heldLeases.removeValue(forKey: companyID) }
            self.logger.warning("could not start a company whose lease was taken", metadata: ["company": "\(companyID)", "error": "\(error)"])
        }
    }

    /// Stops pushing a company whose lease is gone (its writes are fenced off already).
    func endLease(_ companyID: String, reason: String) async {
        guard let held = self.heldLeases.removeValue(forKey: companyID) else { return }
        self.logger.warning("stopped pushing the company: \(reason)", metadata: ["company": "\(companyID)", "lease": "\(held.lease)"])
        await self.existingSyncer(companyID)?.disconnect()
    }

    /// A syncer's fenced write found its lease gone: it is no longer held
    /// here. If it only expired while renewals were late (nobody took it),
    /// the next round takes it on again under a new token.
    func syncerLostLease(_ lease: CompanyLease) async {
        guard self.heldLeases[lease.companyID]?.lease == lease else { return }
        await self.endLease(lease.companyID, reason: "a write found its lease gone")
    }

    /// Hands a company to the other instances: its pushes in flight finish
    /// and record their outcomes, then the lease is let go (free to take at once).
    func releaseLease(_ companyID: String, _ settings: LeaseSettings) {
        guard let held = self.heldLeases.removeValue(forKey: companyID) else { return }
        self.releasingLeases.insert(companyID)
        let syncer = self.existingSyncer(companyID)
        Task {
            await syncer?.disconnect()
            await syncer?.stop()
            try? await self.store.write { try $0.releaseLease(held.lease, holder: settings.instanceID) }
            self.leaseReleased(companyID)
        }
    }

    private func leaseReleased(_ companyID: String) {
        self.releasingLeases.remove(companyID)
    }

    /// At shutdown: every lease let go once the syncers stopped, and this instance forgotten.
    func releaseAllLeases(_ settings: LeaseSettings) async {
        let held = self.heldLeases.values.map(\.lease)
        self.heldLeases.removeAll()
        try? await self.store.write { transaction in
            for lease in held { try transaction.releaseLease(lease, holder: settings.instanceID) }
            try transaction.forgetInstance(settings.instanceID)
        }
    }

    /// Whether this instance pushes the company (always, when it is the only instance).
    func pushesHere(_ companyID: String) -> Bool {
        self.configuration.leases == nil || self.heldLeases[companyID] != nil
    }

    /// Why a call needing the company's QuickBooks connection cannot be
    /// served here: another instance holds it.
    func heldElsewhere(_ companyID: String) -> RPCError? {
        guard self.configuration.leases != nil, self.heldLeases[companyID] == nil,
              let (company, holder) = try? self.store.read({ (try $0.company(companyID), try $0.lease(companyID: companyID)) }),
              let company, company.connectionState != .disconnected
        else { return nil }  // not connected: the caller says so
        let name = holder.flatMap { $0.expiresIn > 0 && !$0.liveHolder.isEmpty ? $0.liveHolder : nil }
        return RPCError(
            code: .unavailable,
            message: name.map { "company \(companyID) is pushed by the qbsync instance \($0); send this call to that instance" }
                ?? "company \(companyID) is being taken over by a qbsync instance; try again in a few seconds"
        )
    }
}
