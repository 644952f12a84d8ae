import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

extension SyncEngine {
    /// What one drift check did.
    public struct DriftCheck: Sendable {
        /// Changed QBO objects read.
        public var changesRead = 0
        /// Records newly found drifted, as they are now.
        public var drifted: [SyncRecord] = []
        /// The new cursor (changes were read up to it).
        public var checkedThrough = ""
        /// QBO requests the check used.
        public var requests = 0
    }

    /// QBO looks back at most 30 days; a first check (or one after a long
    /// outage) starts a little inside that.
    static let driftLookBack: Duration = .seconds(29 * 86_400)

    /// Reads QBO's changes since the company's cursor and records drift:
    /// each changed object is compared with the record qbsync pushed, and
    /// what no longer matches becomes a DRIFT_* warning on the SYNCED record
    /// (reported once per QBO version), then the company's policy applies.
    /// The cursor moves only after every change was recorded, in the same
    /// transaction, so a restart in the middle reads the window again.
    ///
    /// - Throws: ``RPCError`` FAILED_PRECONDITION when the company is not
    ///   connected; QBO failures as they come.
    public func checkDrift(companyID: String) async throws -> DriftCheck {
        if let elsewhere = self.heldElsewhere(companyID) { throw elsewhere }
        guard let syncer = self.existingSyncer(companyID) else {
            throw RPCError(code: .failedPrecondition, message: "company \(companyID) is not connected to QuickBooks; ConnectCompany first")
        }
        do {
            return try await syncer.checkDrift(view: self.view)
        } catch let error as QBOError {
            throw RPCError(
                code: error.isRetryable ? .unavailable : .failedPrecondition,
                message: "QuickBooks' changes could not be read: \(error.message); nothing was lost, the next check reads the same window again",
                detail: FixHints.detail(error, retryable: error.isRetryable, subject: "the drift check")
            )
        }
    }

    /// A signed webhook named these realms: their companies are checked in
    /// about a second (notifications that arrive meanwhile join the same check).
    public nonisolated func checkDriftSoon(realmIDs: Set<String>) {
        Task { await self.scheduleDriftChecks(realmIDs: realmIDs) }
    }

    private func scheduleDriftChecks(realmIDs: Set<String>) {
        guard let companies = try? self.store.read({ try $0.companies() }) else { return }
        // A company another instance pushes is checked by that instance's periodic check.
        let named = companies.filter { realmIDs.contains($0.realmID) && $0.connectionState != .disconnected && self.pushesHere($0.companyID) }.map(\.companyID)
        guard !named.isEmpty else { return }
        let startNow = self.driftRequested.isEmpty
        self.driftRequested.formUnion(named)
        guard startNow else { return }
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(1))
            await self?.runRequestedDriftChecks()
        }
    }

    private func runRequestedDriftChecks() async {
        let companies = self.driftRequested.sorted()
        self.driftRequested.removeAll()
        for companyID in companies {
            do {
                // Background reads: the backfill lane's share of the realm's limits.
                _ = try await RateLimiter.$lane.withValue(.backfill) { try await self.checkDrift(companyID: companyID) }
            } catch {
                self.logger.warning("drift check after a webhook failed", metadata: ["company": "\(companyID)", "error": "\(error)"])
            }
        }
    }

    /// A company whose realm is busy with pushes has its periodic check put
    /// off, but never for longer than this since its last check.
    static let driftDeferralLimit: Duration = .seconds(3_600)

    /// Checks every connected company, one after the other (the periodic
    /// poll). Pushes keep priority: a company whose limiter is busy is
    /// checked at a later round, unless its last check is an hour old.
    func checkDriftEverywhere() async {
        // A company never checked counts from its connection: its first check (which
        // reads back everything qbsync just sent) waits too while pushes are busy.
        let cursors = Dictionary(((try? self.store.read { try $0.companies() }) ?? []).map { company in
            (company.companyID, company.driftCursor.isEmpty && company.connectionChangedAt > 0
                ? DriftWindow.text(Date(timeIntervalSince1970: Double(company.connectionChangedAt) / 1000)) : company.driftCursor)
        }) { first, _ in first }
        for (companyID, syncer) in await self.connectedSyncers() {
            if await syncer.limiter.isBusy, !Self.driftCheckOverdue(cursor: cursors[companyID] ?? "", now: Date()) {
                self.logger.debug("drift check put off: the realm is busy with pushes", metadata: ["company": "\(companyID)"])
                continue
            }
            do {
                let check = try await RateLimiter.$lane.withValue(.backfill) { try await syncer.checkDrift(view: self.view) }
                if !check.drifted.isEmpty {
                    self.logger.notice("records drifted in QuickBooks", metadata: ["company": "\(companyID)", "records": "\(check.drifted.count)"])
                }
            } catch {
                self.logger.warning("drift check failed", metadata: ["company": "\(companyID)", "error": "\(error)"])
            }
        }
    }

    /// True when a company's last check (its cursor) is older than
    /// ``driftDeferralLimit``, or it was never checked.
    static func driftCheckOverdue(cursor: String, now: Date) -> Bool {
        guard let checked = DriftWindow.date(cursor) else { return true }
        return now.timeIntervalSince(checked) >= Double(self.driftDeferralLimit.components.seconds)
    }

    /// Takes QuickBooks' version of a drifted record: its drift warnings are
    /// recorded as accepted (in the event log), it follows QBO's SyncToken
    /// from now on, and a record deleted in QBO is marked gone.
    public func acceptDrift(_ key: RecordKey) async throws -> (SyncRecord, [RecordWarning]) {
        try await self.store.write { transaction in
            guard var row = try transaction.record(key) else {
                throw RPCError(code: .notFound, message: "\(key.entity.label) \(key.externalID) is not known to qbsync")
            }
            let drift = row.state.warnings.filter(\.isDrift).map(\.wire)
            guard !drift.isEmpty else {
                throw RPCError(code: .failedPrecondition, message: "\(key.entity.label) \(key.externalID) has not drifted; there is nothing to accept")
            }
            Self.accept(drift, into: &row)
            try transaction.drifted(&row, [], note: "QuickBooks' version accepted: \(drift.map(\.message).joined(separator: "; "))")
            return (self.view.record(row, blockers: []), drift)
        }
    }

    /// The record follows QBO after its drift is accepted.
    static func accept(_ drift: [RecordWarning], into row: inout RecordRow) {
        if let token = drift.last(where: { !$0.qboSyncToken.isEmpty })?.qboSyncToken { row.qboSyncToken = token }
        if drift.contains(where: { $0.kind == .driftDeleted || $0.kind == .driftVoided }) { row.voidedInQBO = true }
    }
}

extension CompanySyncer {
    /// One drift check for this company (see ``SyncEngine/checkDrift(companyID:)``).
    /// Runs on the syncer, so two checks of a company never overlap.
    func checkDrift(view: RecordView) async throws -> SyncEngine.DriftCheck {
        guard let client = self.client else {
            throw RPCError(code: .failedPrecondition, message: "company \(self.companyID) is not connected to QuickBooks; ConnectCompany first")
        }
        let companyID = self.companyID
        guard let company = try self.store.read({ try $0.company(companyID) }) else {
            throw RPCError(code: .notFound, message: "company \(companyID) is not known")
        }
        // Changes up to a second ago: QBO's clock and ours may differ a little,
        // and an object changed this very second may not be visible yet.
        let until = Date().addingTimeInterval(-1)
        let earliest = until.addingTimeInterval(-Double(SyncEngine.driftLookBack.components.seconds))
        let since = DriftWindow.date(company.driftCursor).map { max($0, earliest) } ?? earliest
        var check = SyncEngine.DriftCheck()
        let changes = try await DriftWindow.read(client: client, since: DriftWindow.text(since), requests: &check.requests)
        check.changesRead = changes.count
        let cursor = DriftWindow.text(until)
        let policy = company.driftPolicy
        let now = Clock.rfc3339(milliseconds: Clock.milliseconds())
        // A few hundred changes per write: a first check of a realm qbsync has just
        // filled reads thousands of its own documents, and one transaction over all
        // of them would hold the store's one writer (every company's intake and
        // pushes) for seconds. The cursor moves with the last chunk only, so a
        // check cut short is read again whole (recording drift is idempotent).
        let currency = Currency(code: company.homeCurrency) ?? Currency(code: "USD")!
        let size = max(1, self.configuration.driftChunkSize)
        var drifted: [SyncRecord] = []
        var own: Set<String>?
        var start = 0
        repeat {
            let chunk = Array(changes[start..<min(start + size, changes.count)])
            let last = start + size >= changes.count
            let known = own
            let (result, ids) = try await self.store.write { transaction -> ([SyncRecord], Set<String>?) in
                var recorder = DriftRecorder(companyID: companyID, currency: currency, policy: policy, now: now, view: view, transaction: transaction, own: known)
                let result = try recorder.record(chunk)
                if last { try transaction.saveDriftCursor(cursor, companyID: companyID) }
                return (result, recorder.own)
            }
            drifted += result
            own = ids
            start += size
        } while start < changes.count
        check.drifted = drifted
        check.checkedThrough = cursor
        if policy == .repush, !drifted.isEmpty { self.kick() }
        return check
    }
}

/// The change-data-capture window: QBO answers at most 1,000 objects for
/// all entities together and truncates silently, so a full answer is asked
/// again entity by entity, and an entity still full is read on from its last
/// object's time.
enum DriftWindow {
    static let entities = DriftDetector.watched.map(\.qboEntity)

    static func read(client: QBOClient, since: String, requests: inout Int) async throws -> [ChangedEntity] {
        requests += 1
        let all = try await client.changes(of: self.entities, since: since)
        guard all.count >= QBOClient.changeDataCaptureLimit else { return all }
        var changes: [ChangedEntity] = []
        for entity in self.entities {
            var from = since
            for _ in 0..<1000 {
                requests += 1
                let page = try await client.changes(of: [entity], since: from)
                changes += page
                guard page.count >= QBOClient.changeDataCaptureLimit, let last = page.last?.lastUpdated, !last.isEmpty, last != from else { break }
                from = last
            }
        }
        // Reading on from an object's time reads that object again.
        var seen = Set<String>()
        return changes.reversed().filter { seen.insert("\($0.entityName)/\($0.id)").inserted }.reversed()
    }

    static func text(_ date: Date) -> String { date.formatted(.iso8601) }

    static func date(_ text: String) -> Date? { text.isEmpty ? nil : try? Date(text, strategy: .iso8601) }
}

/// Records one check's changes in one write transaction.
struct DriftRecorder {
    let companyID: String
    let currency: Currency
    let policy: DriftPolicy
    let now: String
    let view: RecordView
    let transaction: WriteTransaction
    /// qbsync's own payments and credits in QBO (read once per check, on the first invoice).
    var own: Set<String>?

    mutating func record(_ changes: [ChangedEntity]) throws -> [SyncRecord] {
        var drifted: [SyncRecord] = []
        for change in changes {
            for (qboEntity, entity) in DriftDetector.watched where qboEntity == change.entityName {
                for var row in try self.transaction.records(companyID: self.companyID, entity: entity, qboID: change.id) {
                    guard row.status == .synced, RecordView.qboEntity(row) == change.entityName else { continue }
                    if self.own == nil, change.entityName == "Invoice" { self.own = try self.ownTransactionIDs() }
                    let context = DriftDetector.Context(currency: self.currency, ownTransactionIDs: self.own ?? [], linkedID: self.linkedID, now: self.now)
                    let drift = try DriftDetector.drift(of: row, change, payload: try RecordPayload(row: row), context: context)
                    if let record = try self.apply(drift, change: change, to: &row) { drifted.append(record) }
                }
            }
        }
        return drifted
    }

    /// - Returns: The record as it drifted (with its drift warnings), when it newly drifted.
    private func apply(_ drift: [RecordWarning], change: ChangedEntity, to row: inout RecordRow) throws -> SyncRecord? {
        let before = row.state.warnings.filter(\.isDrift)
        if drift.isEmpty {
            if !before.isEmpty {
                if let token = change.syncToken { row.qboSyncToken = token }
                try self.transaction.drifted(&row, [], note: "QuickBooks matches what was synced again")
            } else if let token = change.syncToken, token != row.qboSyncToken {
                // QBO's version moved without a difference (qbsync's own payment
                // applied to the invoice): follow it, so updates need no retry.
                row.qboSyncToken = token
                try self.transaction.save(row)
            }
            return nil
        }
        let reported = Set(before.map { "\($0.kind)/\($0.qboSyncToken)/\($0.fields)" })
        if Set(drift.map { "\($0.kind.wireValue)/\($0.qboSyncToken)/\($0.fields.map { [$0.field, $0.ours, $0.quickbooks] })" }) == reported {
            return nil  // already reported
        }
        let summary = drift.map(\.message).joined(separator: "; ")
        switch self.policy {
        case .acceptQuickbooks:
            SyncEngine.accept(drift, into: &row)
            try self.transaction.drifted(&row, [], note: "drifted in QuickBooks, QuickBooks' version accepted (company policy): \(summary)")
            return self.view.record(row, blockers: [])
        case .repush where drift.allSatisfy({ $0.kind == .driftEdited || $0.kind == .driftDeleted }):
            try self.transaction.drifted(&row, drift, note: "drifted in QuickBooks: \(summary); the rental system's version is pushed again (company policy)")
            let reported = self.view.record(row, blockers: [])
            SyncEngine.prepareOverwrite(&row, drift: drift)
            self.transaction.beginNewPush(&row)
            try self.transaction.queue(&row, note: "pushing the rental system's version over QuickBooks' (drift policy REPUSH)")
            return reported
        default:
            try self.transaction.drifted(&row, drift, note: "drifted in QuickBooks: \(summary)")
            return self.view.record(row, blockers: [])
        }
    }

    private func linkedID(_ entity: EntityType, _ externalID: String) -> String? {
        guard let link = try? self.transaction.link(RecordKey(companyID: self.companyID, entity: entity, externalID: externalID)),
              !link.qboID.isEmpty
        else { return nil }
        return link.qboID
    }

    /// The payments and credits qbsync pushed, and the payments that apply its credit memos.
    private func ownTransactionIDs() throws -> Set<String> {
        var ids = Set(try self.transaction.qboIDs(companyID: self.companyID, entity: .payment))
        ids.formUnion(try self.transaction.qboIDs(companyID: self.companyID, entity: .refund))
        ids.formUnion(try self.transaction.applicationPaymentIDs(companyID: self.companyID))
        return ids
    }
}

extension SyncEngine {
    /// A drifted record is pushed over QuickBooks' version: a deleted one is
    /// created again, an edited one updated with its current SyncToken.
    static func prepareOverwrite(_ row: inout RecordRow, drift: [RecordWarning]) {
        if drift.contains(where: { $0.kind == .driftDeleted }) {
            row.qboID = ""
            row.qboSyncToken = ""
            row.voidedInQBO = false
            row.outcomeUnknown = false
        } else if let token = drift.last(where: { !$0.qboSyncToken.isEmpty })?.qboSyncToken {
            row.qboSyncToken = token
        }
        // Not "unchanged since synced": the planner builds a full update (or create).
        row.syncedHash = ""
        row.state.forcePush = true
    }
}
