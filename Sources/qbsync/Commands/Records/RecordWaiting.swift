import ArgumentParser
import Foundation
import QBSyncClient
import QBSyncWire

/// --wait and --wait-timeout: wait until records leave PENDING and SYNCING.
struct WaitOptions: ParsableArguments {
    @Flag(help: "Wait until each record is SYNCED, BLOCKED, ERRORED or SKIPPED; exit 70 if any is BLOCKED or ERRORED.")
    var wait = false

    @Option(name: .customLong("wait-timeout"), help: ArgumentHelp("Seconds --wait waits at most (exit 75 when records are still pending).", valueName: "seconds"))
    var waitTimeout: Double = 120
}

extension SyncStatus {
    /// SYNCED, BLOCKED, ERRORED or SKIPPED: nothing more happens without a change.
    var isSettled: Bool { self == .synced || self == .blocked || self == .errored || self == .skipped }
    /// BLOCKED or ERRORED: exit 70.
    var isFailure: Bool { self == .blocked || self == .errored }
}

enum RecordWaiter {
    /// Polls each unsettled record until it settles or `timeout` passes.
    ///
    /// - Returns: The records as last read, in the order given.
    static func settle(_ records: [SyncRecord], client: QBSyncClient, timeout: Double) async throws -> [SyncRecord] {
        var current = records
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        var delay = 50
        while true {
            let open = current.indices.filter { !current[$0].status.isSettled && current[$0].ref != nil }
            if open.isEmpty || ContinuousClock.now >= deadline { return current }
            try await Task.sleep(for: .milliseconds(delay))
            delay = min(delay * 2, 500)
            let refs = open.map { current[$0].ref! }
            let fresh = await concurrentMap(refs, limit: 16) { ref -> Result<SyncRecord, RPCError> in
                await rpcResult { () async throws(RPCError) in try await client.getRecord(GetRecordRequest(ref: ref)).record ?? SyncRecord() }
            }
            for (index, result) in zip(open, fresh) {
                current[index] = try result.get()
            }
        }
    }
}
