import QBSyncStore
import QBSyncWire

extension SyncEngine {
    /// Queues one record again (a SYNCED invoice is re-pushed as an update;
    /// other SYNCED records are read back from QBO).
    ///
    /// A record that drifted (someone changed it in QuickBooks) is pushed over
    /// QuickBooks' version only with `force`; without it, FAILED_PRECONDITION.
    public func resync(_ key: RecordKey, force: Bool = false) async throws -> SyncRecord {
        let record = try await self.store.write { transaction -> SyncRecord in
            guard var row = try transaction.record(key) else {
                throw RPCError(code: .notFound, message: "\(key.entity.label) \(key.externalID) is not known to qbsync")
            }
            if row.status == .syncing {
                throw RPCError(code: .failedPrecondition, message: "\(key.entity.label) \(key.externalID) is being pushed right now; it settles by itself")
            }
            let drift = row.state.warnings.filter(\.isDrift).map(\.wire)
            if !drift.isEmpty {
                guard force else {
                    throw RPCError(
                        code: .failedPrecondition,
                        message: "\(key.entity.label) \(key.externalID) was changed in QuickBooks (\(drift.map(\.message).joined(separator: "; "))); resync with force to push the rental system's version over it, or accept QuickBooks' version (AcceptDrift)"
                    )
                }
                Self.prepareOverwrite(&row, drift: drift)
                transaction.beginNewPush(&row)
            }
            try Self.requeue(&row, force: true, lane: .interactive, note: drift.isEmpty ? "resync requested" : "resync with force: the rental system's version goes over QuickBooks'", in: transaction)
            return self.view.record(row, blockers: try transaction.blockers(of: row.id))
        }
        self.kick(key.companyID)
        return record
    }

    /// Queues every ERRORED record of a company again, in the backfill lane.
    public func resyncErrored(companyID: String) async throws -> Int {
        let count = try await self.store.write { transaction -> Int in
            guard try transaction.company(companyID) != nil else {
                throw RPCError(code: .notFound, message: "company \(companyID) is not known")
            }
            var count = 0
            for entity in EntityType.recordTypes {
                for id in try transaction.recordIDs(companyID: companyID, entity: entity, status: .errored) {
                    guard var row = try transaction.record(id: id) else { continue }
                    try Self.requeue(&row, force: false, lane: .backfill, note: "resync of errored records requested", in: transaction)
                    count += 1
                }
            }
            return count
        }
        self.kick(companyID)
        return count
    }

    /// Puts a record back in the queue with a fresh attempt count: PENDING,
    /// or BLOCKED if something is missing, or SKIPPED if policy says so.
    static func requeue(_ row: inout RecordRow, force: Bool, lane: QueueLane, note: String, in transaction: WriteTransaction) throws {
        guard let company = try transaction.company(row.key.companyID) else { return }
        row.lane = lane
        if row.status == .synced && !force { return }
        row.attempts = 0
        row.state.forcePush = force && row.status == .synced
        let linksItself = row.key.entity == .customer || row.key.entity == .vendor
        if linksItself, row.qboID.isEmpty {
            if row.state.manuallyUnlinked { return }
            row.state.candidates = []
        }
        if case .invoice(let invoice) = try RecordPayload(row: row) {
            if invoice.excludeFromSync {
                try transaction.skip(&row, reason: SkipReason.excluded, note: "\(note): still excluded")
                return
            }
            if row.qboID.isEmpty, invoice.voided {
                try transaction.skip(&row, reason: SkipReason.voidedBeforeSync, note: "\(note): voided before sync")
                return
            }
            if row.qboID.isEmpty, company.invoicePolicy == .onlyWithPayment, try !Intake.hasPayment(row.key, in: transaction) {
                try transaction.skip(&row, reason: SkipReason.awaitingPayment, note: "\(note): still waiting for a payment")
                return
            }
        }
        if row.qboID.isEmpty, !row.outcomeUnknown, row.state.voidRequested, row.key.entity != .invoice {
            // Voided or cancelled before it reached QBO: nothing to push.
            let documents: Set<EntityType> = [.bill, .purchaseOrder, .expense]
            let reason = documents.contains(row.key.entity) ? SkipReason.cancelledBeforeSync : SkipReason.voidedBeforeSync
            if row.status != .skipped { try transaction.skip(&row, reason: reason, note: "\(note): withdrawn before sync") }
            return
        }
        if row.status == .skipped, row.skipReason.hasPrefix(SkipReason.voidedBeforeSync) || row.skipReason.hasPrefix(SkipReason.cancelledBeforeSync) { return }
        if try Intake.isDisabled(row.key, in: transaction) {
            if row.status != .skipped || row.skipReason != SkipReason.entityDisabled {
                try transaction.skip(&row, reason: SkipReason.entityDisabled, note: "\(note): \(row.key.entity.label)s are disabled for this company")
            }
            return
        }
        let blockers = linksItself ? [] : try Dependencies.blockers(of: row, company: company, in: transaction)
        try transaction.queueOrBlock(&row, blockers, note: note)
    }
}
