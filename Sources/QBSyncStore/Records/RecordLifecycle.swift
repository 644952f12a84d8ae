import QBSyncWire

/// A record's life, one method per kind of change.
///
/// Each method sets the bookkeeping fields that change implies — when the
/// next attempt is due, the attempt count, the push's requestid, the
/// unknown-outcome flag, the skip reason — and records the transition (one
/// event, the counters, the blockers) in this transaction. Callers say what
/// happened; they never reset those fields by hand, so every path leaves a
/// record the same way (docs/architecture.md, "A record's states").
extension WriteTransaction {
    /// Due now: PENDING (unblocked, requeued, a setting changed, a restart).
    public func queue(_ row: inout RecordRow, note: String) throws {
        row.nextAttemptAt = self.now
        try self.transition(&row, to: .pending, note: note)
    }

    /// Waiting for what `blockers` name.
    public func block(_ row: inout RecordRow, _ blockers: [Blocker], note: String) throws {
        try self.transition(&row, to: .blocked, note: note, blockers: blockers)
    }

    /// PENDING when nothing blocks it, else BLOCKED; `note` is the reason for
    /// either, and the blockers are summed up after it.
    public func queueOrBlock(_ row: inout RecordRow, _ blockers: [Blocker], note: String) throws {
        if blockers.isEmpty {
            try self.queue(&row, note: note)
        } else {
            try self.block(&row, blockers, note: "\(note); blocked: \(blockers.map(\.message).joined(separator: "; "))")
        }
    }

    /// Deliberately not pushed, for `reason` (shown with the record).
    public func skip(_ row: inout RecordRow, reason: String, note: String) throws {
        row.skipReason = reason
        try self.transition(&row, to: .skipped, note: note)
    }

    /// A new logical push starts: attempts, errors and the requestid begin
    /// again. For changed content, a resync, a void request.
    public func beginNewPush(_ row: inout RecordRow) {
        row.attempts = 0
        row.lastError = nil
        row.requestID = ""
        row.nextAttemptAt = self.now
    }

    /// Claimed for a push: SYNCING, with the push's requestid persisted
    /// before anything is sent (the same one for every retry of the push).
    ///
    /// - Parameter requestID: Makes the id of a new push from its generation.
    public func claim(_ row: inout RecordRow, requestID: (Int) -> String) throws {
        if row.requestID.isEmpty {
            row.pushGeneration += 1
            row.requestID = requestID(row.pushGeneration)
        }
        row.attempts += 1
        try self.transition(&row, to: .syncing, note: "push attempt \(row.attempts)\(row.outcomeUnknown ? " (reading back first)" : "")")
    }

    /// Content changed while a push is in flight: it is pushed again after it.
    public func changedWhileSyncing(_ row: inout RecordRow, note: String) throws {
        try self.transition(&row, to: .syncing, note: note)
    }

    /// QBO holds the record as pushed: SYNCED; or PENDING again when newer
    /// content (or a void) arrived during the push.
    ///
    /// - Parameters:
    ///   - pushedHash: The content hash that was pushed.
    ///   - pending: Whether newer work waits (changed content, a void not yet in QBO).
    public func synced(_ row: inout RecordRow, qboID: String, syncToken: String, voided: Bool, pushedHash: String, pending: Bool, note: String) throws {
        row.qboID = qboID
        row.qboSyncToken = syncToken
        if voided { row.voidedInQBO = true }
        row.syncedHash = pushedHash
        row.outcomeUnknown = false
        row.requestID = ""
        row.state.forcePush = false
        if pending {
            row.attempts = 0
            try self.queue(&row, note: "\(note); newer changes follow")
        } else {
            try self.transition(&row, to: .synced, note: note)
        }
    }

    /// QBO answered and the record waits on people or data (a customer's
    /// match to confirm).
    public func settledBlocked(_ row: inout RecordRow, _ blockers: [Blocker], note: String) throws {
        row.outcomeUnknown = false
        row.requestID = ""
        try self.block(&row, blockers, note: note)
    }

    /// QBO answered and the record is deliberately not pushed (already paid, voided before sync).
    public func settledSkipped(_ row: inout RecordRow, reason: String, note: String) throws {
        row.outcomeUnknown = false
        row.requestID = ""
        try self.skip(&row, reason: reason, note: note)
    }

    /// A failed attempt to try again after `delayMilliseconds` (the same push and requestid).
    ///
    /// - Parameter counts: False when the attempt should not count (the push was cancelled by a shutdown).
    public func retry(_ row: inout RecordRow, afterMilliseconds delay: Int64, error: ErrorDetail, counts: Bool, note: String) throws {
        if !counts { row.attempts = max(0, row.attempts - 1) } else { row.lastError = error }
        row.nextAttemptAt = self.now + delay
        try self.transition(&row, to: .pending, note: note, error: error)
    }

    /// Held until the company reconnects: due as soon as it does; the attempt does not count.
    public func holdForReconnect(_ row: inout RecordRow, error: ErrorDetail, note: String) throws {
        row.attempts = max(0, row.attempts - 1)
        row.nextAttemptAt = self.now
        row.lastError = error
        try self.transition(&row, to: .pending, note: note, error: error)
    }

    /// ERRORED until fixed (or retried by the sweep when `error.retryable`).
    ///
    /// - Parameter keepRequestID: True when the failed write may have reached
    ///   QBO: the retry must reuse its requestid.
    public func fail(_ row: inout RecordRow, error: ErrorDetail, keepRequestID: Bool, note: String) throws {
        row.lastError = error
        if !keepRequestID { row.requestID = "" }
        try self.transition(&row, to: .errored, note: note, error: error)
    }

    /// The service stopped during a push: PENDING, read back from QBO before any retry.
    ///
    /// - Parameter settle: Milliseconds after the push was claimed (the row's
    ///   last change) before it is read back. A request sent before the stop
    ///   may still be on its way to QBO; read back too early, the record is
    ///   not found and created again, and a create sent in a batch carries no
    ///   requestid of the record's own for QBO to recognize the second one by.
    public func interrupted(
        _ row: inout RecordRow, note: String = "service restarted during a push; it will be read back from QBO before any retry", settle: Int64 = 0
    ) throws {
        row.outcomeUnknown = true
        row.nextAttemptAt = max(self.now, row.updatedAt + settle)
        try self.transition(&row, to: .pending, note: note)
    }

    /// QuickBooks no longer holds what was synced (or holds it again): the
    /// record's drift warnings become `drift` (its other warnings stay), with
    /// one event. The status does not change.
    public func drifted(_ row: inout RecordRow, _ drift: [RecordWarning], note: String) throws {
        let kept = row.state.warnings.filter { !$0.isDrift }.map(\.wire)
        try self.setWarnings(kept + drift, of: &row)
        try self.transition(&row, to: row.status, note: note)
    }
}

extension WarningKind {
    /// The kinds that say someone changed the record in QuickBooks.
    public var isDrift: Bool {
        switch self {
        case .driftEdited, .driftDeleted, .driftVoided, .driftPaymentRecorded, .driftInactive: true
        default: false
        }
    }
}
