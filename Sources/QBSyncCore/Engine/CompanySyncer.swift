import Foundation
import Logging
import QBOClient
import QBSyncStore
import QBSyncWire
import Tracing

/// Owns one company's QBO connection: its OAuth session, rate limiter and
/// queue. Claims due records, pushes up to the concurrency limit, and
/// applies each outcome. Only this actor pushes the company's records, and a
/// record is claimed (SYNCING) while pushed, so no record is pushed twice at once.
actor CompanySyncer {
    let companyID: String
    let store: Store
    let configuration: EngineConfiguration
    let transport: any HTTPTransport
    let logger: Logger
    let limiter: RateLimiter
    private var pusher: Pusher?
    private(set) var session: OAuthSession?
    /// Records being pushed.
    private var inFlight: Set<Int64> = []
    /// Pushes under way (a batch of many records is one), of which from the
    /// backfill lane, of which batches.
    private var pushes = 0
    private var backfillPushes = 0
    private var batchPushes = 0
    /// The last claim failed in the store: before the next, records it may
    /// have claimed after all are put back in the queue.
    private var claimFailed = false
    /// Batches claimed ahead: one in flight and one waiting for the batch budget.
    private static let batchesAhead = 2
    private var loop: Task<Void, Never>?
    /// Kicked from any thread when work arrives or a push finishes.
    nonisolated let wake = WakeSignal()
    private(set) var active = false
    /// The lease this instance pushes the company under, when several
    /// instances share the database; every claim and outcome write checks it.
    private(set) var lease: CompanyLease?
    /// Until when the lease is surely still this instance's (renewed before then).
    private(set) var leaseValidUntil = ContinuousClock.now
    private var consecutiveFailures = 0
    private var stopping = false

    /// Told when a fenced write finds the lease gone (see ``leaseLost(_:)``).
    private let onLeaseLost: @Sendable (CompanyLease) -> Void

    init(
        companyID: String, store: Store, transport: any HTTPTransport, configuration: EngineConfiguration, logger: Logger,
        onLeaseLost: @escaping @Sendable (CompanyLease) -> Void = { _ in }
    ) {
        self.onLeaseLost = onLeaseLost
        self.companyID = companyID
        self.store = store
        self.transport = transport
        self.configuration = configuration
        self.limiter = RateLimiter(
            requestsPerMinute: configuration.requestsPerMinute, maxConcurrent: configuration.concurrentRequests,
            batchRequestsPerMinute: configuration.batchRequestsPerMinute
        )
        var logger = logger
        logger[metadataKey: "company"] = "\(companyID)"
        self.logger = logger
    }

    /// Records being pushed now.
    var inFlightRecords: Set<Int64> { self.inFlight }

    /// The QBO client, once connected (for auto-mapping and reads).
    var client: QBOClient? { self.pusher?.client }

    /// Sets up the session from the stored credentials and starts the queue.
    ///
    /// - Parameters:
    ///   - company: The company as stored.
    ///   - lease: The company's lease, when several instances share the
    ///     database, and until when it is surely held.
    func connect(_ company: CompanyRow, lease: (CompanyLease, validUntil: ContinuousClock.Instant)? = nil) {
        self.lease = lease?.0
        self.leaseValidUntil = lease?.validUntil ?? .now
        let session: OAuthSession
        do {
            session = try self.makeSession(company)
        } catch {
            // Held, not lost: the company starts once qbsync is given its key.
            self.logger.error("cannot open the company's stored OAuth secrets", metadata: ["error": "\(error)"])
            Task { try? await self.setState(.error, message: "\(error)", onlyFrom: [.active, .error]) }
            return
        }
        self.session = session
        let client = QBOClient(
            realmID: company.realmID,
            transport: RateLimitedTransport(base: self.transport, limiter: self.limiter, observe: self.configuration.observer.map { [companyID = self.companyID] observer in
                let realmID = company.realmID
                return { status, duration in observer.qboRequest(companyID: companyID, realmID: realmID, status: status, duration: duration) }
            }),
            auth: session,
            configuration: QBOClient.Configuration(baseURL: self.configuration.qboBaseURL, requestTimeout: self.configuration.requestTimeout),
            logger: self.logger
        )
        self.pusher = Pusher(client: client, customers: CustomerDirectory())
        self.active = true
        self.wake.setAcceptingWork(true)
        self.consecutiveFailures = 0
        self.startLoop()
        self.kick()
        // What the QBO company allows (inventory, automated sales tax) is
        // read once per connect, beside the queue: pushes do not wait for it.
        Task { await self.readFacts() }
    }

    /// Reads the QBO company's Preferences and CompanyInfo and stores what
    /// decides what qbsync may send it. A failure leaves the facts as they
    /// were (unknown on a first connect); QBO still refuses what it does not allow.
    func readFacts() async {
        guard let client = self.client else { return }
        do {
            async let preferences = client.preferences()
            async let info = client.companyInfo()
            let (settings, company) = try await (preferences, info)
            let facts = QBOCompanyFacts(
                known: true,
                companyName: company.companyName ?? "",
                tracksInventory: settings.tracksQuantityOnHand,
                automatedSalesTax: settings.usesAutomatedSalesTax,
                homeCurrency: settings.currencyPrefs?.homeCurrency?.value ?? "",
                readAt: Clock.rfc3339(milliseconds: Clock.milliseconds())
            )
            let companyID = self.companyID
            try await self.store.write { try $0.saveQBOFacts(facts, companyID: companyID) }
        } catch {
            self.logger.warning("could not read the QBO company's preferences", metadata: ["error": "\(error)"])
        }
    }

    /// The lease was renewed: it is surely held until `validUntil`.
    func leaseRenewed(until validUntil: ContinuousClock.Instant) {
        self.leaseValidUntil = validUntil
    }

    /// Checks, in a write, that the company is still this instance's to push.
    ///
    /// - Throws: ``LeaseLost`` when another instance took it over.
    private var fence: @Sendable (WriteTransaction) throws -> Void { self.fence(self.lease) }

    /// Checks, in a write, that `lease` is still this instance's (a push's
    /// outcome is fenced by the lease its records were claimed under).
    private func fence(_ lease: CompanyLease?) -> @Sendable (WriteTransaction) throws -> Void {
        guard let lease, let holder = self.configuration.leases?.instanceID else { return { _ in } }
        return { transaction in try transaction.checkLease(lease, holder: holder) }
    }

    /// A fenced write found the lease gone (taken over, or expired while
    /// renewals were late): stop at once, and tell the engine, which takes
    /// the lease anew (under a new token, records left SYNCING read back)
    /// if nobody else has.
    private func leaseLost(_ error: LeaseLost) {
        guard self.active else { return }
        self.logger.warning("the company's lease is gone (taken over, or expired unrenewed); this instance stops pushing it", metadata: ["lease": "\(error.lease)"])
        self.disconnect()
        self.onLeaseLost(error.lease)
    }

    /// Stops pushing, and waits for a token refresh under way to store its
    /// rotated token: a connect after this reads the newest one.
    func retire() async {
        let session = self.session
        self.disconnect()
        await session?.settle()
    }

    /// Stops pushing; held records wait for the next connect.
    func disconnect() {
        self.active = false
        self.wake.setAcceptingWork(false)
        self.pusher = nil
        self.session = nil
    }

    /// Work may be due.
    nonisolated func kick() {
        self.wake.signal()
    }

    /// Stops the loop and waits for pushes in flight to finish.
    func stop() async {
        self.stopping = true
        self.kick()
        await self.loop?.value
        self.loop = nil
        if self.restartAfterStop {
            // Connected again while stopping (a lease let go of and taken back).
            self.restartAfterStop = false
            self.startLoop()
        }
    }

    /// A connect came while the loop was stopping: one loop runs at a time,
    /// so the new one starts once the old one has ended.
    private var restartAfterStop = false

    private func startLoop() {
        guard self.loop == nil else {
            if self.stopping { self.restartAfterStop = true }
            return
        }
        self.stopping = false
        // The loop may be started from a call's task: it must not carry that call's trace.
        self.loop = ServiceContext.withValue(.topLevel) { Task { await self.run() } }
    }

    private func run() async {
        while !self.stopping {
            var claimed = 0
            if self.active, self.pusher != nil {
                do {
                    if self.claimFailed {
                        // The failed claim may have been committed with its answer lost.
                        let held = self.inFlight
                        let companyID = self.companyID
                        let fence = self.fence
                        _ = try await self.store.write { transaction in
                            try fence(transaction)
                            return try transaction.recoverUnheldClaims(companyID: companyID, held: held)
                        }
                        self.claimFailed = false
                    }
                    claimed = try await self.claimAndPush()
                } catch let error as LeaseLost {
                    self.leaseLost(error)
                } catch {
                    self.claimFailed = true
                    self.logger.error("claiming work failed", metadata: ["error": "\(error)"])
                }
            }
            if claimed > 0, let pause = self.outagePause {
                // QBO keeps failing: probe with one record at a time instead
                // of burning every record's attempts against an outage.
                try? await Task.sleep(for: pause)
            }
            if claimed == 0 || self.pushes >= self.slots {
                await self.waitForWork()
            }
        }
        while self.pushes > 0 { await self.waitForWork() }
    }

    /// Sleeps until kicked or until the next retry is due.
    private func waitForWork() async {
        var timer: Task<Void, Never>?
        if self.active, self.pushes < self.slots,
           let due = try? self.store.read({ try $0.nextDueTime(companyID: self.companyID) }) {
            let delay = max(0, due - Clock.milliseconds())
            let wake = self.wake
            timer = Task {
                try? await Task.sleep(for: .milliseconds(delay + 5))
                wake.signal()
            }
        }
        await self.wake.wait()
        timer?.cancel()
    }

    /// Pushes allowed at once: the realm's concurrency, or one while QBO is failing.
    private var slots: Int {
        self.consecutiveFailures >= self.configuration.errorThreshold ? 1 : self.configuration.concurrentRequests
    }

    /// The pause between probes while QBO is failing: 1 s doubling to 60 s.
    private var outagePause: Duration? {
        let over = self.consecutiveFailures - self.configuration.errorThreshold
        guard over >= 0 else { return nil }
        return min(.seconds(60), .seconds(1) * (1 << min(over, 6)))
    }

    /// Claims due records up to the free slots, interactive ones first;
    /// backfill never holds the last slot, so a record someone waits for
    /// is claimed as soon as it is due, whatever the backlog. Backfill
    /// creates fill a batch of up to 30 (one slot) while fewer than
    /// ``batchesAhead`` batches are out; the other backfill records go
    /// one by one, spending the rest of the realm's request budget.
    private func claimAndPush() async throws -> Int {
        var free = self.slots - self.pushes
        guard free > 0 else { return 0 }
        let now = Clock.milliseconds()
        let busy = self.inFlight
        var backfillFree = self.slots - (self.slots > 1 ? 1 : 0) - self.backfillPushes
        let batching = self.configuration.backfillBatches && self.slots > 1 && backfillFree > 0 && self.batchPushes < Self.batchesAhead
        if batching {
            free -= 1  // the batch's slot
            backfillFree -= 1
        }
        var singles: [Int64] = []
        var batch: [Int64] = []
        let limit = free + 1 + busy.count + (batching ? BatchOperation.maxItemsPerBatch : 0)
        for row in try self.store.read({ try $0.dueRecords(companyID: self.companyID, now: now, limit: limit) }) where !busy.contains(row.id) {
            if row.lane == .backfill {
                if batching, batch.count < BatchOperation.maxItemsPerBatch, Self.mayBatch(row) {
                    batch.append(row.id)
                } else if singles.count < free, backfillFree > 0 {
                    backfillFree -= 1
                    singles.append(row.id)
                } else if !batching || batch.count == BatchOperation.maxItemsPerBatch {
                    break  // due records come interactive first: only backfill is left
                }
            } else if singles.count < free {
                singles.append(row.id)
            } else {
                break
            }
        }
        guard !singles.isEmpty || !batch.isEmpty else { return 0 }
        let claimable = singles + batch
        let lease = self.lease
        let fence = self.fence(lease)
        let claims = try await self.store.write { transaction in
            try fence(transaction)
            return try Self.claim(claimable, in: transaction)
        }
        let batchIDs = Set(batch)
        var batched: [Claim] = []
        var alone: [Claim] = []
        for claim in claims {
            self.inFlight.insert(claim.row.id)
            if batchIDs.contains(claim.row.id), Pusher.batchable(claim) {
                batched.append(claim)
            } else {
                alone.append(claim)  // planned as something else than a create: pushed alone
            }
        }
        if batched.count < 2 {
            alone += batched  // one create goes in the batch's slot, alone
            batched = []
        }
        for claim in alone {
            self.started(claim.row.lane, batch: false)
            Task { await self.push(claim, under: lease) }
        }
        if !batched.isEmpty {
            self.started(.backfill, batch: true)
            let batch = batched
            Task { await self.pushBatch(batch, under: lease) }
        }
        return claims.count
    }

    /// Whether a due record may be a batch's create: it is backfill, not in
    /// QBO yet, and its last attempt's outcome is known (else it is looked up first).
    private static func mayBatch(_ row: RecordRow) -> Bool {
        guard row.qboID.isEmpty, !row.outcomeUnknown, !row.state.voidRequested else { return false }
        switch row.key.entity {
        case .invoice, .payment, .bill, .purchaseOrder, .expense: return true
        default: return false
        }
    }

    private func started(_ lane: QueueLane, batch: Bool) {
        self.pushes += 1
        if lane == .backfill { self.backfillPushes += 1 }
        if batch { self.batchPushes += 1 }
    }

    /// PENDING -> SYNCING for each record still due, with its requestid
    /// persisted before anything is sent; records whose dependencies went
    /// missing go back to BLOCKED instead.
    static func claim(_ ids: [Int64], in transaction: WriteTransaction) throws -> [Claim] {
        var claims: [Claim] = []
        for id in ids {
            guard var row = try transaction.record(id: id), row.status == .pending, row.nextAttemptAt <= transaction.now,
                  let company = try transaction.company(row.key.companyID)
            else { continue }
            let blockers = try Dependencies.blockers(of: row, company: company, in: transaction)
            if !blockers.isEmpty {
                try transaction.block(&row, blockers, note: "blocked: \(Dependencies.summary(blockers))")
                if row.lane == .interactive { try Dependencies.promote(blockers, companyID: company.companyID, in: transaction) }
                continue
            }
            let plan: PushPlan
            do {
                plan = try Planner.plan(row, company: company, in: transaction)
            } catch is Planner.Missing {
                try transaction.block(&row, try Dependencies.blockers(of: row, company: company, in: transaction), note: "a dependency went missing")
                continue
            }
            let tag = ContentHash.tag("\(row.key)")
            try transaction.claim(&row) { generation in "q\(tag)g\(generation)" }
            claims.append(Claim(row: row, plan: plan))
        }
        return claims
    }

    private func push(_ claim: Claim, under lease: CompanyLease?) async {
        let started = ContinuousClock.now
        guard let pusher = self.pusher else {
            await self.finish([(claim, Self.disconnected)], lane: claim.row.lane, batch: false, started: started, under: lease)
            return
        }
        // The push continues the trace of the call that sent the record.
        let record = claim.row.key
        let outcome = await withSpan("qbsync push \(record.entity.label)", context: RecordTrace.context(claim.row.state.traceParent), ofKind: .internal) { span in
            span.attributes["qbsync.company_id"] = record.companyID
            span.attributes["qbsync.record"] = record.description
            span.attributes["qbsync.lane"] = claim.row.lane.name
            // Every QBO request of this push spends the record's lane's share of the realm's limits.
            let outcome = await RateLimiter.$lane.withValue(claim.row.lane) { await pusher.push(claim) }
            span.attributes["qbsync.push.result"] = outcome.result.name
            return outcome
        }
        await self.finish([(claim, outcome)], lane: claim.row.lane, batch: false, started: started, under: lease)
    }

    private func pushBatch(_ claims: [Claim], under lease: CompanyLease?) async {
        let started = ContinuousClock.now
        let outcomes: [PushOutcome]
        if let pusher = self.pusher {
            // One span for the batch, linked to the trace of each call that sent one of its records.
            outcomes = await withSpan("qbsync push batch", context: .topLevel, ofKind: .internal) { span in
                span.attributes["qbsync.company_id"] = self.companyID
                span.attributes["qbsync.batch.records"] = claims.count
                for claim in claims where !claim.row.state.traceParent.isEmpty {
                    span.addLink(SpanLink(context: RecordTrace.context(claim.row.state.traceParent), attributes: [:]))
                }
                return await RateLimiter.$lane.withValue(.backfill) { await pusher.pushBatch(claims) }
            }
        } else {
            outcomes = claims.map { _ in Self.disconnected }
        }
        await self.finish(Array(zip(claims, outcomes)), lane: .backfill, batch: true, started: started, under: lease)
    }

    private static let disconnected = PushOutcome(result: .failed(QBOError(kind: .authDead, message: "company disconnected")))

    /// Applies the outcomes of one push (one record, or a batch's) in one write,
    /// fenced by the lease the records were claimed under.
    private func finish(
        _ pushed: [(claim: Claim, outcome: PushOutcome)], lane: QueueLane, batch: Bool, started: ContinuousClock.Instant, under lease: CompanyLease?
    ) async {
        if let observer = self.configuration.observer {
            let duration = ContinuousClock.now - started
            for (claim, outcome) in pushed {
                observer.pushed(companyID: self.companyID, entity: claim.row.key.entity, result: outcome.result.name, duration: duration)
            }
        }
        let policy = self.configuration.retry
        do {
            let results = try await self.recordOutcomes(pushed, policy: policy, fence: self.fence(lease))
            if let dead = zip(results, pushed).first(where: { $0.0.authDead }) {
                await self.connectionDied(dead.1.outcome)
            } else if results.contains(where: \.reachedQBO) {
                self.consecutiveFailures = 0
                try await self.setState(.active, message: "", onlyFrom: [.error])
            } else if let error = pushed.lazy.compactMap({ Self.failure($0.outcome) }).first, error.kind != .cancelled {
                self.consecutiveFailures += 1
                if self.consecutiveFailures == self.configuration.errorThreshold {
                    try await self.setState(.error, message: "QuickBooks keeps failing: \(error.message)", onlyFrom: [.active])
                }
            }
        } catch let error as LeaseLost {
            if error.lease == self.lease {
                // The records stay SYNCING: the new holder reads them back from QBO before any retry.
                self.leaseLost(error)
            } else {
                // Claimed under an earlier lease of this instance's: the records,
                // SYNCING under nobody now, go back to the queue, outcome unknown.
                self.claimFailed = true
            }
        } catch {
            let records = pushed.map { "\($0.claim.row.key)" }.joined(separator: ", ")
            self.logger.error("recording a push outcome failed", metadata: ["records": "\(records)", "error": "\(error)"])
        }
        for (claim, _) in pushed { self.inFlight.remove(claim.row.id) }
        self.pushes -= 1
        if lane == .backfill { self.backfillPushes -= 1 }
        if batch { self.batchPushes -= 1 }
        self.kick()
    }

    /// Writes the outcomes, again while the store fails (a PostgreSQL
    /// connection lost, a full disk freed): the records stay claimed
    /// (SYNCING) meanwhile, and only this write settles them. Applying an
    /// outcome twice changes nothing (a record no longer SYNCING is left
    /// alone), so a write whose commit was lost with its answer is safe to
    /// repeat. After about a minute of failures the records are left SYNCING,
    /// and the next start takes them as pushes of unknown outcome.
    private func recordOutcomes(
        _ pushed: [(claim: Claim, outcome: PushOutcome)], policy: RetryPolicy, fence: @escaping @Sendable (WriteTransaction) throws -> Void
    ) async throws -> [Completion.Result] {
        var delay = Duration.milliseconds(50)
        var attempt = 0
        while true {
            do {
                return try await self.store.write { transaction in
                    try fence(transaction)
                    return try pushed.map { try Completion.apply($0.outcome, claim: $0.claim, policy: policy, random: Double.random(in: 0..<1), in: transaction) }
                }
            } catch let error as any DatabaseFailure where attempt < 20 && !Task.isCancelled {
                attempt += 1
                self.logger.warning("recording a push outcome failed; trying again", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    private static func failure(_ outcome: PushOutcome) -> QBOError? {
        if case .failed(let error) = outcome.result { return error }
        return nil
    }

    func connectionDied(_ outcome: PushOutcome) async {
        guard self.active else { return }
        self.active = false
        self.wake.setAcceptingWork(false)
        var message = "the QuickBooks authorization was revoked or expired; reconnect with ConnectCompany"
        if case .failed(let error) = outcome.result { message += " (\(error.message))" }
        self.logger.warning("connection lost; holding work until reconnected")
        try? await self.setState(.disconnected, message: message, onlyFrom: [.active, .error])
    }

    private func setState(_ state: ConnectionState, message: String, onlyFrom: Set<ConnectionState>) async throws {
        let companyID = self.companyID
        let fence = self.fence  // an instance that lost the company does not speak for it
        try await self.store.write { transaction in
            try fence(transaction)
            guard var company = try transaction.company(companyID), onlyFrom.contains(company.connectionState) else { return }
            company.connectionState = state
            company.connectionMessage = message
            company.connectionChangedAt = transaction.now
            try transaction.save(company)
        }
    }
}
