import QBSyncStore
import QBSyncWire

/// Accepts records from the API: decides each one's status (PENDING,
/// BLOCKED, SKIPPED) and stores it durably, in one group-committed write.
///
/// Requests reach this point already validated field by field; the rules
/// here are the ones that need the store: the company's currency and
/// policies, the dependencies, and what was synced before (an invoice's sign
/// cannot flip once in QBO). Accepting the same content twice changes nothing.
public struct Intake: Sendable {
    let store: Store
    let view: RecordView

    /// Creates the intake.
    public init(store: Store, view: RecordView) {
        self.store = store
        self.view = view
    }

    /// What an accept did.
    public struct Accepted: Sendable {
        /// The record afterwards.
        public var record: SyncRecord
        /// False when the content equals what was already accepted.
        public var changed: Bool
    }

    struct Decision {
        var status: SyncStatus
        var note: String
        var blockers: [Blocker] = []
        var skipReason = ""
        /// For ERRORED: why, and what to do.
        var error: ErrorDetail?
        /// For payments: whether the invoices they pay are marked No QuickBooks.
        var exclusion: PaymentExclusion = .none
    }

    /// How a payment's invoices stand with "No QuickBooks".
    enum PaymentExclusion: Equatable {
        /// None of its invoices is excluded.
        case none
        /// Every invoice it pays is excluded: the payment is not synced.
        case all([String])
        /// Some are, some are not: it cannot be synced as one payment.
        case mixed(excluded: [String], included: [String])
    }

    /// Inserts or updates `row` with the decided status and returns the view.
    static func commit(_ row: inout RecordRow, isNew: Bool, _ decision: Decision, lane: QueueLane, in transaction: WriteTransaction) throws {
        var decision = decision
        row.lane = lane
        if lane == .interactive, decision.status == .blocked {
            try Dependencies.promote(decision.blockers, companyID: row.key.companyID, in: transaction)
        }
        if decision.status == .pending || decision.status == .blocked, try Self.isDisabled(row.key, in: transaction) {
            decision = Decision(status: .skipped, note: "\(decision.note); not synced: \(row.key.entity.label)s are disabled for this company",
                                skipReason: SkipReason.entityDisabled)
        }
        if isNew {
            row.skipReason = decision.skipReason
            if let error = decision.error { row.lastError = error }
            row.status = decision.status
            row.nextAttemptAt = transaction.now
            try transaction.insert(&row, note: decision.note, blockers: decision.blockers)
            return
        }
        switch decision.status {
        case .pending: try transaction.queue(&row, note: decision.note)
        case .blocked: try transaction.block(&row, decision.blockers, note: decision.note)
        case .skipped: try transaction.skip(&row, reason: decision.skipReason, note: decision.note)
        case .syncing: try transaction.changedWhileSyncing(&row, note: decision.note)
        case .errored: try transaction.fail(&row, error: decision.error ?? ErrorDetail(), keepRequestID: false, note: decision.note)
        default: try transaction.transition(&row, to: decision.status, note: decision.note)
        }
    }

    /// Whether the company has turned syncing of the record's entity type off.
    static func isDisabled(_ key: RecordKey, in transaction: WriteTransaction) throws -> Bool {
        try transaction.company(key.companyID)?.disabledEntities.contains(key.entity) ?? false
    }

    /// A new row or the existing one (as just read) with fresh content
    /// (attempts and errors reset), and the sending call's trace (``RecordTrace``).
    static func prepare(_ key: RecordKey, existing: RecordRow?, payload: [UInt8], hash: String, trace: String, in transaction: WriteTransaction) -> (row: RecordRow, isNew: Bool) {
        if var row = existing {
            row.payload = payload
            row.contentHash = hash
            row.state.forcePush = false
            row.state.traceParent = trace
            transaction.beginNewPush(&row)
            return (row, false)
        }
        var row = RecordRow(key: key, payload: payload, contentHash: hash, status: .pending)
        row.state.traceParent = trace
        return (row, true)
    }

    static func company(_ companyID: String, in transaction: WriteTransaction) throws -> CompanyRow {
        guard let company = try transaction.company(companyID) else {
            throw RPCError(code: .notFound, message: "company \(companyID) is not known; connect it with ConnectCompany first")
        }
        return company
    }

    static func requireHomeCurrency(_ currency: String, field: String, company: CompanyRow) throws {
        guard currency == company.homeCurrency else {
            throw RPCError(
                code: .invalidArgument,
                message: "\(field): \(currency) is not the home currency (\(company.homeCurrency)) of company \(company.companyID)",
                detail: FieldViolation(field: field, description: "must be \(company.homeCurrency)")
            )
        }
    }

    /// The status and blockers a pushable record gets now.
    static func pushable(_ row: RecordRow, payload: RecordPayload? = nil, company: CompanyRow, note: String, in transaction: WriteTransaction) throws -> Decision {
        let blockers = try Dependencies.blockers(of: row, payload: payload, company: company, in: transaction)
        if blockers.isEmpty { return Decision(status: .pending, note: note) }
        return Decision(status: .blocked, note: "\(note); blocked: \(Dependencies.summary(blockers))", blockers: blockers)
    }

    /// What a write returns: the view is built after the commit, off the writer thread.
    struct Stored: Sendable {
        var row: RecordRow
        var blockers: [Blocker]
        var changed: Bool
    }

    func accepted(_ row: RecordRow, changed: Bool, in transaction: WriteTransaction) throws -> Stored {
        Stored(row: row, blockers: row.status == .blocked ? try transaction.blockers(of: row.id) : [], changed: changed)
    }

    /// After a decision, without reading the blockers back.
    func accepted(_ row: RecordRow, _ decision: Decision) -> Stored {
        Stored(row: row, blockers: decision.blockers, changed: true)
    }

    func view(_ stored: Stored) -> Accepted {
        Accepted(record: self.view.record(stored.row, blockers: stored.blockers), changed: stored.changed)
    }
}
