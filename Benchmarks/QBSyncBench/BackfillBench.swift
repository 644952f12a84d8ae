// A first sync at QBO's real limits (Scripts/bench sync): 10,000 invoices backfilled through
// batches (one qbsync) and through single requests only (another, --backfill-batches off),
// side by side on one simulator, each company on its own realm; and, during both, single
// interactive SyncInvoice calls timed from accepted to SYNCED.
import BenchSupport
import Foundation
import QBSyncClient
import QBSyncWire
import Synchronization

/// One company's backfill and what was seen during it.
private struct BackfillRun: Sendable {
    let label: String
    let client: QBSyncClient
    let company: BenchCompany
}

private struct BackfillResult: Sendable {
    var drainSeconds = 0.0
    var probes: [Double] = []        // seconds from accepted to SYNCED
    var probeTimeouts = 0
    var timeline: [Int] = []         // documents SYNCED per 10 s
}

/// Usage: qbsync-bench sync-backfill --socket BATCHED --single-socket SINGLE --qbo URL
///   [--invoices 10000] [--single-invoices N] [--rate 500] [--batch-rate 40] [--probe-seconds 2]
func runSyncBackfill() async throws {
    let admin = SimulatorAdmin(base: argument("--qbo", default: "http://127.0.0.1:8089"))
    let invoices = Int(argument("--invoices", default: "10000"))!
    // The single-request run can be shorter (a quick re-check of the batched one); its rate is per invoice either way.
    let singleInvoices = Int(argument("--single-invoices", default: "\(invoices)"))!
    let rate = Int(argument("--rate", default: "500"))!
    let batchRate = Int(argument("--batch-rate", default: "40"))!
    let probeEvery = Double(argument("--probe-seconds", default: "2"))!
    let backfill = CallOptions(metadata: ["qbsync-lane": "backfill"])
    var runs: [BackfillRun] = []
    for (label, option) in [("batched", "--socket"), ("single", "--single-socket")] {
        let client = try await QBSyncClient(socketPath: argument(option, default: "/tmp/qbsync-\(label).sock"))
        let company = try await BenchCompany.setUp(client: client, admin: admin, disconnect: true)
        _ = try await company.send(0..<(label == "single" ? singleInvoices : invoices), callers: 32, client: client, options: backfill)
        runs.append(BackfillRun(label: label, client: client, company: company))
    }
    // The set-up's requests leave the simulator's window first, as in the drain.
    for run in runs {
        while try await admin.stats(realmID: run.company.realm.realmID).requestsLastMinute > 0 { try await Task.sleep(for: .milliseconds(200)) }
    }
    try await Task.sleep(for: .seconds(1))
    var before: [String: RealmStats] = [:]
    for run in runs { before[run.label] = try await admin.stats(realmID: run.company.realm.realmID) }

    let results = try await withThrowingTaskGroup(of: (String, BackfillResult).self) { group in
        for run in runs {
            group.addTask { (run.label, try await backfillAndProbe(run, admin: admin, probeEvery: probeEvery)) }
        }
        return try await group.reduce(into: [String: BackfillResult]()) { $0[$1.0] = $1.1 }
    }

    let combined = Double(rate - batchRate + batchRate * 30)  // documents a minute when every batch is full
    var lines: [String] = []
    for run in runs {
        let result = results[run.label]!
        let stats = try await admin.stats(realmID: run.company.realm.realmID)
        let start = before[run.label]!
        let books = try await admin.invoices(realmID: run.company.realm.realmID)
        let numbers = books.compactMap(\.DocNumber)
        let count = run.label == "single" ? singleInvoices : invoices
        let expected = count + result.probes.count + result.probeTimeouts
        let total = books.reduce(Decimal(0)) { $0 + ($1.TotalAmt ?? 0) }
        let (_, counts) = try await health(run.client, company: run.company.id)
        let perMinute = Double(count) / result.drainSeconds * 60
        let probes = result.probes.sorted()
        func percentile(_ p: Double) -> Double { probes.isEmpty ? 0 : probes[min(probes.count - 1, Int(Double(probes.count) * p))] }
        lines.append(jsonObject([
            "invoices": "\(count)", "rate_per_minute": "\(rate)", "batch_rate_per_minute": "\(batchRate)",
            "drain_seconds": format(result.drainSeconds, 1), "documents_per_minute": format(perMinute, 0),
            "share_of_combined_limit": format(perMinute / combined, 3), "share_of_single_limit": format(perMinute / Double(rate), 3),
            "requests": "\(stats.requests - start.requests)", "batch_requests": "\(stats.batchRequests - start.batchRequests)",
            "throttled": "\(stats.throttled - start.throttled)", "batch_throttled": "\(stats.batchThrottled - start.batchThrottled)",
            "max_concurrent_seen": "\(stats.maxConcurrentSeen)",
            "invoices_in_qbo": "\(books.count)", "distinct_doc_numbers": "\(Set(numbers).count)", "expected_in_qbo": "\(expected)",
            "total_in_qbo": "\"\(total)\"", "expected_total": "\"\(Decimal(expected) * Decimal(string: "453.60")!)\"",
            "synced": "\(counts["ENTITY_TYPE_INVOICE/SYNC_STATUS_SYNCED"] ?? 0)", "errored": "\(counts["ENTITY_TYPE_INVOICE/SYNC_STATUS_ERRORED"] ?? 0)",
            "probes": "\(probes.count)", "probe_timeouts": "\(result.probeTimeouts)",
            "probe_p50_s": format(percentile(0.5), 3), "probe_p99_s": format(percentile(0.99), 3), "probe_max_s": format(probes.last ?? 0, 3),
            "timeline_10s": "[" + result.timeline.map(String.init).joined(separator: ",") + "]",
        ]))
        await run.client.close()
    }
    printJSON(["label": "\"sync-backfill\"", "combined_limit_per_minute": format(combined, 0), "batched": lines[0], "single": lines[1]])
}

/// One JSON object from values that are JSON already.
private func jsonObject(_ fields: KeyValuePairs<String, String>) -> String {
    "{" + fields.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
}

/// Reconnects the company (its backlog starts), and until the queue is empty sends one
/// interactive invoice every `probeEvery` seconds, timing each to SYNCED.
private func backfillAndProbe(_ run: BackfillRun, admin: SimulatorAdmin, probeEvery: Double) async throws -> BackfillResult {
    let start = ContinuousClock.now
    try await run.company.reconnect(client: run.client, admin: admin)
    let done = Atomic<Bool>(false)
    let probing = Task { () -> ([Double], Int) in
        var latencies: [Double] = []
        var timeouts = 0
        var number = 5_000_000
        while !done.load(ordering: .relaxed) {
            let next = ContinuousClock.now + .milliseconds(Int64(probeEvery * 1000))
            number += 1
            let request = run.company.invoice(number)
            let sent = ContinuousClock.now
            _ = try await run.client.syncInvoice(request)
            let ref = RecordRef(companyID: run.company.id, entity: .invoice, externalID: request.invoice?.externalID ?? "")
            while true {
                let record = try await run.client.getRecord(GetRecordRequest(ref: ref)).record
                if record?.status == .synced { latencies.append(seconds(ContinuousClock.now - sent)); break }
                if ContinuousClock.now - sent > .seconds(30) { timeouts += 1; break }
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(until: next, clock: .continuous)
        }
        return (latencies, timeouts)
    }
    var result = BackfillResult()
    var lastSynced: UInt64 = 0
    var nextMark = start + .seconds(10)
    while true {
        let (depth, counts) = try await health(run.client, company: run.company.id)
        let synced = counts["ENTITY_TYPE_INVOICE/SYNC_STATUS_SYNCED"] ?? 0
        if ContinuousClock.now >= nextMark {
            result.timeline.append(Int(synced) - Int(lastSynced))
            lastSynced = synced
            nextMark += .seconds(10)
        }
        if depth == 0 { break }
        if ContinuousClock.now - start > .seconds(3600) { fail("\(run.label): the backfill did not finish in an hour (\(depth) left)") }
        try await Task.sleep(for: .milliseconds(250))
    }
    result.drainSeconds = seconds(ContinuousClock.now - start)
    done.store(true, ordering: .relaxed)
    (result.probes, result.probeTimeouts) = try await probing.value
    // A probe sent after the last poll may still be on its way: let the queue empty again.
    while try await health(run.client, company: run.company.id).queueDepth > 0 { try await Task.sleep(for: .milliseconds(100)) }
    return result
}
