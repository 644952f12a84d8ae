import QBSyncStore
import QBSyncWire

extension SyncEngine {
    /// What a sweep did.
    public struct SweepReport: Sendable {
        /// Unmatched customers queued to match again.
        public var customersRelinking = 0
        /// ERRORED records queued again (transient failures that ran out of attempts).
        public var recordsRetried = 0
        /// Events deleted for being older than the retention.
        public var eventsPruned = 0
    }

    /// Re-links unmapped customers, retries records whose transient failures
    /// ran out of attempts, and prunes old events. Runs on the sweep interval
    /// (nightly by default).
    public func sweep() async throws -> SweepReport {
        let retention = self.configuration.eventRetention
        let (report, companies) = try await self.store.write { transaction -> (SweepReport, [String]) in
            var report = SweepReport()
            let companies = try transaction.database.companies().map(\.companyID)
            for companyID in companies {
                for id in try transaction.recordIDs(companyID: companyID, entity: .customer, status: .blocked) {
                    guard var row = try transaction.record(id: id), !row.state.manuallyUnlinked,
                          row.state.linkOutcome == LinkOutcome.noMatch.wireValue
                    else { continue }
                    try Self.requeue(&row, force: false, lane: .backfill, note: "nightly sweep: matching against QBO customers again", in: transaction)
                    report.customersRelinking += 1
                }
                for entity in EntityType.recordTypes {
                    for id in try transaction.recordIDs(companyID: companyID, entity: entity, status: .errored) {
                        guard var row = try transaction.record(id: id), row.lastError?.retryable == true else { continue }
                        try Self.requeue(&row, force: false, lane: .backfill, note: "nightly sweep: retrying after transient failures", in: transaction)
                        report.recordsRetried += 1
                    }
                }
            }
            let horizon = transaction.now - retention.milliseconds
            report.eventsPruned = try transaction.pruneEvents(before: horizon)
            return (report, companies)
        }
        for companyID in companies { self.kick(companyID) }
        self.logger.info("sweep done", metadata: [
            "relinking": "\(report.customersRelinking)", "retried": "\(report.recordsRetried)", "pruned": "\(report.eventsPruned)",
        ])
        return report
    }
}
