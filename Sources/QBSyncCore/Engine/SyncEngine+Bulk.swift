import QBOClient
import QBSyncStore
import QBSyncWire

extension SyncEngine {
    /// What BulkSync selects and does.
    public struct BulkRequest: Sendable {
        public var companyID: String
        public var entities: [EntityType]
        public var fromDate: String
        public var toDate: String
        public var force: Bool
        public var dryRun: Bool

        public init(companyID: String, entities: [EntityType], fromDate: String, toDate: String, force: Bool, dryRun: Bool) {
            self.companyID = companyID
            self.entities = entities
            self.fromDate = fromDate
            self.toDate = toDate
            self.force = force
            self.dryRun = dryRun
        }
    }

    /// Pushes (or, in a dry run, plans) the selected records and reports
    /// progress through `emit` until every one has settled.
    public func bulkSync(_ request: BulkRequest, emit: @Sendable (BulkSyncProgress) async throws -> Void) async throws {
        let started = ContinuousClock.now
        guard try self.store.read({ try $0.company(request.companyID) }) != nil else {
            throw RPCError(code: .notFound, message: "company \(request.companyID) is not known")
        }
        let ids = try self.store.read {
            try $0.recordIDs(companyID: request.companyID, entities: request.entities, from: request.fromDate, to: request.toDate)
        }
        var totals = BulkSyncTotals(selected: UInt64(ids.count))
        func elapsed() -> UInt64 { UInt64(clamping: (ContinuousClock.now - started).milliseconds) }
        if request.dryRun {
            // The estimate: requests at the backfill lane's share of the budget (bulk work is
            // backfill), creates in batches when the engine batches them.
            let perMinute = RateLimiter.backfillShare(of: self.configuration.requestsPerMinute)
            let batchesPerMinute = self.configuration.backfillBatches ? self.configuration.batchRequestsPerMinute : 0
            totals.requestsPerMinute = UInt32(clamping: perMinute)
            var cost = PlannedCost()
            for chunk in stride(from: 0, to: ids.count, by: 200).map({ Array(ids[$0..<min($0 + 200, ids.count)]) }) {
                let (results, chunkCost) = try await self.plan(chunk, force: request.force)
                for result in results { Self.count(result.outcome, into: &totals) }
                cost.singleRequests += chunkCost.singleRequests
                cost.batchable += chunkCost.batchable
                cost.batchablePayments += chunkCost.batchablePayments
                let balanceReads = batchesPerMinute > 0 ? (cost.batchablePayments + BatchOperation.maxItemsPerBatch - 1) / BatchOperation.maxItemsPerBatch : 0
                let estimate = RateLimiter.backfillEstimate(singleRequests: cost.singleRequests + balanceReads, batchable: cost.batchable,
                                                            perMinute: perMinute, batchesPerMinute: batchesPerMinute)
                totals.estimatedRequests = UInt64(estimate.requests)
                totals.estimatedSeconds = UInt64(estimate.seconds)
                try await emit(BulkSyncProgress(totals: totals, results: results, elapsedMs: elapsed()))
            }
            try await emit(BulkSyncProgress(totals: totals, finished: true, elapsedMs: elapsed()))
            return
        }
        // Subscribe before requeueing, so no settlement is missed.
        let (subscription, _) = self.hub.subscribe(EventFilter(companyID: request.companyID), capacity: 1 << 20)
        defer { subscription.cancel() }
        let force = request.force
        var (waiting, settledNow) = try await self.store.write { transaction -> ([RecordKey: Bool], [BulkRecordResult]) in
            var waiting: [RecordKey: Bool] = [:]  // key -> had a QBO id before
            var settledNow: [BulkRecordResult] = []
            for id in ids {
                guard var row = try transaction.record(id: id) else { continue }
                let hadQBOID = !row.qboID.isEmpty
                if row.status == .syncing {
                    waiting[row.key] = hadQBOID
                    continue
                }
                if row.status == .synced && !force || row.status == .skipped && !force {
                    settledNow.append(BulkRecordResult(record: self.view.record(row, blockers: []), outcome: .skipped))
                    continue
                }
                try Self.requeue(&row, force: force, lane: .backfill, note: "bulk sync", in: transaction)
                switch row.status {
                case .pending, .syncing: waiting[row.key] = hadQBOID
                case .skipped: settledNow.append(BulkRecordResult(record: self.view.record(row, blockers: []), outcome: .skipped))
                default:
                    settledNow.append(BulkRecordResult(record: self.view.record(row, blockers: try transaction.blockers(of: row.id)), outcome: .failed))
                }
            }
            return (waiting, settledNow)
        }
        self.kick(request.companyID)
        for result in settledNow { Self.count(result.outcome, into: &totals) }
        try await emit(BulkSyncProgress(totals: totals, results: settledNow, finished: waiting.isEmpty, elapsedMs: elapsed()))
        while !waiting.isEmpty {
            var results: [BulkRecordResult] = []
            let batchEnd = ContinuousClock.now + .milliseconds(250)
            repeat {
                guard case .events(let events) = await subscription.next(max: 512) else {
                    throw RPCError(code: .internal, message: "bulk sync lost track of events")
                }
                if Task.isCancelled { throw CancellationError() }
                for committed in events {
                    let event = committed.event
                    guard let ref = event.ref, event.toStatus != .pending, event.toStatus != .syncing else { continue }
                    let key = RecordKey(companyID: ref.companyID, entity: ref.entity, externalID: ref.externalID)
                    guard let hadQBOID = waiting.removeValue(forKey: key),
                          let row = try self.store.read({ try $0.record(key) })
                    else { continue }
                    let outcome: BulkOutcome = switch event.toStatus {
                    case .synced: hadQBOID ? .updated : .created
                    case .skipped: .skipped
                    default: .failed
                    }
                    results.append(BulkRecordResult(record: self.view.record(row, blockers: event.blockers), outcome: outcome))
                }
            } while !waiting.isEmpty && ContinuousClock.now < batchEnd
            for result in results { Self.count(result.outcome, into: &totals) }
            try await emit(BulkSyncProgress(totals: totals, results: results, finished: waiting.isEmpty, elapsedMs: elapsed()))
        }
    }

    private static func count(_ outcome: BulkOutcome, into totals: inout BulkSyncTotals) {
        totals.done += 1
        switch outcome {
        case .created, .wouldCreate: totals.created += 1
        case .updated, .wouldUpdate: totals.updated += 1
        case .skipped: totals.skipped += 1
        default: totals.failed += 1
        }
    }

    /// Dry run: what each record would send, or why it would block, and the
    /// QBO requests the sends take. Runs the real planning in a write that is
    /// then rolled back, so nothing changes.
    private func plan(_ ids: [Int64], force: Bool) async throws -> (results: [BulkRecordResult], cost: PlannedCost) {
        struct DryRun: Error { var results: [BulkRecordResult]; var cost: PlannedCost }
        do {
            try await self.store.write { transaction in
                var results: [BulkRecordResult] = []
                var cost = PlannedCost()
                for id in ids {
                    guard var row = try transaction.record(id: id) else { continue }
                    if row.status == .synced && !force || row.status == .skipped || row.status == .syncing {
                        results.append(BulkRecordResult(record: self.view.record(row, blockers: []), outcome: .skipped,
                                                        payloadSummary: row.status == .skipped ? row.skipReason : "already in QuickBooks"))
                        continue
                    }
                    try Self.requeue(&row, force: force, lane: .backfill, note: "dry run", in: transaction)
                    guard row.status == .pending, let company = try transaction.company(row.key.companyID) else {
                        let blockers = try transaction.blockers(of: row.id)
                        results.append(BulkRecordResult(record: self.view.record(row, blockers: blockers),
                                                        outcome: row.status == .skipped ? .skipped : .wouldBlock,
                                                        payloadSummary: row.status == .skipped ? row.skipReason : Dependencies.summary(blockers)))
                        continue
                    }
                    let plan = try Planner.plan(row, company: company, in: transaction)
                    if Pusher.batchable(Claim(row: row, plan: plan)) {
                        cost.batchable += 1
                        if case .payment = plan { cost.batchablePayments += 1 }
                    } else {
                        cost.singleRequests += plan.expectedRequests(row: row)
                    }
                    results.append(BulkRecordResult(record: self.view.record(row, blockers: []),
                                                    outcome: row.qboID.isEmpty ? .wouldCreate : .wouldUpdate,
                                                    payloadSummary: PlanSummary.describe(plan, currency: company.homeCurrency)))
                }
                throw DryRun(results: results, cost: cost)
            }
        } catch let dryRun as DryRun {
            return (dryRun.results, dryRun.cost)
        }
        return ([], PlannedCost())
    }
}

/// What planned pushes cost: requests that go one by one, and creates a batch can carry.
struct PlannedCost {
    var singleRequests = 0
    var batchable = 0
    /// Of `batchable`: payments, whose batches first read their invoices' balances (one query each).
    var batchablePayments = 0
}
