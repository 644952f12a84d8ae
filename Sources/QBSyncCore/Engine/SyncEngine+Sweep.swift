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
    /// (nightly by default), one transaction per company, so a company with a
    /// large backlog holds the writer for its own records only and the
    /// others' intake keeps committing between them. A company whose sweep
    /// fails is logged and the next one is swept.
    public func sweep() async throws -> SweepReport {
        var report = SweepReport()
        for companyID in try self.store.read({ try $0.companies() }).map(\.companyID) {
            do {
                let (relinking, retried) = try await self.store.write { transaction -> (Int, Int) in
                    try Self.sweep(companyID, in: transaction)
                }
                report.customersRelinking += relinking
                report.recordsRetried += retried
                if relinking + retried > 0 { self.kick(companyID) }
            } catch {
                self.logger.error("sweep of a company failed", metadata: ["company": "\(companyID)", "error": "\(error)"])
            }
        }
        let horizon = Clock.milliseconds() - self.configuration.eventRetention.milliseconds
        report.eventsPruned = try await self.store.write { try $0.pruneEvents(before: horizon) }
        self.logger.info("sweep done", metadata: [
            "relinking": "\(report.customersRelinking)", "retried": "\(report.recordsRetried)", "pruned": "\(report.eventsPruned)",
        ])
        return report
    }

    /// One company's sweep: its unmatched customers queued to match again and
    /// its retryable ERRORED records queued again, in the backfill lane.
    private static func sweep(_ companyID: String, in transaction: WriteTransaction) throws -> (relinking: Int, retried: Int) {
        var relinking = 0
        var retried = 0
        for id in try transaction.recordIDs(companyID: companyID, entity: .customer, status: .blocked) {
            guard var row = try transaction.record(id: id), !row.state.manuallyUnlinked,
                  row.state.linkOutcome == LinkOutcome.noMatch.wireValue
            else { continue }
            try Self.requeue(&row, force: false, lane: .backfill, note: "nightly sweep: matching against QBO customers again", in: transaction)
            relinking += 1
        }
        for entity in EntityType.recordTypes {
            for id in try transaction.recordIDs(companyID: companyID, entity: entity, status: .errored) {
                guard var row = try transaction.record(id: id), row.lastError?.retryable == true else { continue }
                try Self.requeue(&row, force: false, lane: .backfill, note: "nightly sweep: retrying after transient failures", in: transaction)
                retried += 1
            }
        }
        return (relinking, retried)
    }
}
