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
            row.qboID = qboID
            row.qboSyncToken = syncToken
            if voided { row.voidedInQBO = true }
            row.syncedHash = claim.row.contentHash
            if case .invoice(let invoice) = try RecordPayload(row: claim.row), !invoice.voided {
                row.syncedSign = invoice.sign
            }
            row.outcomeUnknown = false
            row.requestID = ""
            row.state.forcePush = false
            try transaction.markSynced(companyID: row.key.companyID)
            if row.contentHash != claim.row.contentHash || (row.state.voidRequested && !row.voidedInQBO) {
                row.attempts = 0
                row.nextAttemptAt = transaction.now
                try transaction.transition(&row, to: .pending, note: "\(note); newer changes follow")
                result.requeued = true
            } else {
                try transaction.transition(&row, to: .synced, note: note)
            }
            if firstTime { try self.releaseDependents(of: row, in: transaction) }
        case .blocked(let blockers, let note):
            result.reachedQBO = true
            row.outcomeUnknown = false
            row.requestID = ""
            try transaction.transition(&row, to: .blocked, note: note, blockers: blockers)
            if row.key.entity == .customer {
                // Invoices waiting on this customer now wait for a person's confirmation.
                for kind in [BlockerKind.customerNotLinked, .customerNeedsConfirmation] {
                    try Dependencies.satisfied(kind, ref: row.key.externalID, companyID: row.key.companyID, in: transaction)
                }
            }
        case .skipped(let reason, let note):
            result.reachedQBO = true
            row.outcomeUnknown = false
            row.requestID = ""
            row.skipReason = reason
            try transaction.transition(&row, to: .skipped, note: note)
        case .failed(let error):
            result.reachedQBO = error.httpStatus.map { $0 < 500 && $0 != 429 } ?? false
            if error.outcomeUnknown { row.outcomeUnknown = true }
            let subject = "\(row.key.entity.label) \(row.key.externalID)"
            switch policy.decide(error, attempt: row.attempts, random: random) {
            case .holdForReconnect:
                result.authDead = true
                row.attempts = max(0, row.attempts - 1)
                row.nextAttemptAt = transaction.now
                let detail = FixHints.detail(error, retryable: true, subject: subject)
                row.lastError = detail
                try transaction.transition(&row, to: .pending, note: "held: the QuickBooks connection needs to be reconnected", error: detail)
            case .retry(let delay):
                if error.kind == .cancelled { row.attempts = max(0, row.attempts - 1) }
                let detail = FixHints.detail(error, retryable: true, subject: subject)
                row.lastError = error.kind == .cancelled ? row.lastError : detail
                row.nextAttemptAt = transaction.now + delay.milliseconds
                try transaction.transition(&row, to: .pending, note: "attempt \(row.attempts) failed (\(error.kind)); retrying in \(delay.milliseconds / 1000) s",
                                           error: detail)
            case .errored(let retryable):
                let detail = FixHints.detail(error, retryable: retryable, subject: subject)
                row.lastError = detail
                row.requestID = error.outcomeUnknown ? row.requestID : ""
                try transaction.transition(&row, to: .errored, note: "push failed: \(error.message)", error: detail)
            }
        }
        return result
    }

    /// A record reached QBO for the first time: records waiting for it move on.
    static func releaseDependents(of row: RecordRow, in transaction: WriteTransaction) throws {
        let kinds: [BlockerKind]
        switch row.key.entity {
        case .customer: kinds = [.customerNotLinked, .customerNeedsConfirmation]
        case .invoice: kinds = [.invoiceNotSynced]
        case .payment: kinds = [.paymentNotSynced]
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
