import QBOClient
import QBSyncStore
import QBSyncWire

/// Applies a push's outcome to its record in one write: status, QBO ids,
/// retry schedule, and the records that were waiting for this one.
enum Completion {
    struct Result: Sendable {
        /// The company's connection died (refresh token refused).
        var authDead = false
        /// QBO answered: a success, or a definite refusal.
        var reachedQBO = false
        /// The record is PENDING again and due now.
        var requeued = false
    }

    static func apply(
        _ outcome: PushOutcome,
        claim: Claim,
        policy: RetryPolicy,
        random: Double,
        in transaction: WriteTransaction
    ) throws -> Result {
        guard var row = try transaction.record(id: claim.row.id) else { return Result() }
        guard row.status == .syncing else { return Result() }  // reset by an operator meanwhile
        var result = Result()
        if let state = outcome.state { row.state = state }
        if let qboID = outcome.qboID, !qboID.isEmpty { row.qboID = qboID }
        if let token = outcome.syncToken, !token.isEmpty { row.qboSyncToken = token }
        switch outcome.result {
        case .synced(let qboID, let syncToken, let voided, let note):
            result.reachedQBO = true
            let firstTime = claim.row.qboID.isEmpty
            try transaction.setWarnings(outcome.warnings, of: &row)
            if case .invoice(let invoice) = try RecordPayload(row: claim.row), !invoice.voided {
                row.syncedSign = invoice.sign
            }
            try transaction.markSynced(companyID: row.key.companyID)
            let newer = row.contentHash != claim.row.contentHash || (row.state.voidRequested && !(row.voidedInQBO || voided))
            try transaction.synced(&row, qboID: qboID, syncToken: syncToken, voided: voided, pushedHash: claim.row.contentHash, pending: newer, note: note)
            result.requeued = newer
            if case .item(let item) = try RecordPayload(row: claim.row) {
                // The item's external id is the item code records use: map it
                // to the QBO item, and records waiting on the code follow.
                try transaction.save(Mapping(kind: .item, externalCode: item.externalID, qboID: row.qboID, qboName: item.name), companyID: row.key.companyID)
                try Dependencies.satisfied(.itemNotMapped, ref: item.externalID, companyID: row.key.companyID, in: transaction)
            }
            if firstTime { try self.releaseDependents(of: row, in: transaction) }
        case .blocked(let blockers, let note):
            result.reachedQBO = true
            try transaction.settledBlocked(&row, blockers, note: note)
            if row.key.entity == .customer || row.key.entity == .vendor {
                // Records waiting on it now wait for a person's confirmation.
                let kinds: [BlockerKind] = row.key.entity == .customer ? [.customerNotLinked, .customerNeedsConfirmation] : [.vendorNotLinked, .vendorNeedsConfirmation]
                for kind in kinds {
                    try Dependencies.satisfied(kind, ref: row.key.externalID, companyID: row.key.companyID, in: transaction)
                }
            }
        case .skipped(let reason, let note):
            result.reachedQBO = true
            try transaction.settledSkipped(&row, reason: reason, note: note)
        case .failed(let error):
            result.reachedQBO = error.httpStatus.map { $0 < 500 && $0 != 429 } ?? false
            if error.outcomeUnknown { row.outcomeUnknown = true }
            let subject = "\(row.key.entity.label) \(row.key.externalID)"
            switch policy.decide(error, attempt: row.attempts, random: random) {
            case .holdForReconnect:
                result.authDead = true
                try transaction.holdForReconnect(&row, error: FixHints.detail(error, retryable: true, subject: subject),
                                                 note: "held: the QuickBooks connection needs to be reconnected")
            case .retry(let delay):
                try transaction.retry(
                    &row, afterMilliseconds: delay.milliseconds, error: FixHints.detail(error, retryable: true, subject: subject),
                    counts: error.kind != .cancelled,
                    note: "attempt \(row.attempts) failed (\(error.kind)); retrying in \(delay.milliseconds / 1000) s"
                )
            case .errored(let retryable):
                try transaction.fail(&row, error: FixHints.detail(error, retryable: retryable, subject: subject),
                                     keepRequestID: error.outcomeUnknown, note: "push failed: \(error.message)")
            }
        }
        return result
    }

    /// A record reached QBO for the first time: records waiting for it move on.
    static func releaseDependents(of row: RecordRow, in transaction: WriteTransaction) throws {
        let kinds: [BlockerKind]
        switch row.key.entity {
        case .customer: kinds = [.customerNotLinked, .customerNeedsConfirmation]
        case .vendor: kinds = [.vendorNotLinked, .vendorNeedsConfirmation]
        case .invoice: kinds = [.invoiceNotSynced]
        case .payment: kinds = [.paymentNotSynced]
        case .bill: kinds = [.billNotSynced]
        default: kinds = []
        }
        for kind in kinds {
            try Dependencies.satisfied(kind, ref: row.key.externalID, companyID: row.key.companyID, in: transaction)
        }
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        self.components.seconds * 1000 + self.components.attoseconds / 1_000_000_000_000_000
    }
}
