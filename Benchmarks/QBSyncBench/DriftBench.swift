// Drift detection and reconciliation (Scripts/bench drift): how long Reconcile takes over a
// large synced store, and what share of each realm's request budget the periodic change data
// capture (CDC) poll spends across many companies.
import BenchSupport
import Foundation
import QBSyncClient
import QBSyncWire

#if canImport(Glibc)
import Glibc
#endif

/// Invoices for 300 different days of 2026, so that Reconcile's queries by date page through a
/// year rather than one day.
private let benchDates: [String] = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let start = calendar.date(from: DateComponents(year: 2026, month: 1, day: 1))!
    return (0..<300).map { offset in
        let day = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: offset, to: start)!)
        return String(format: "%04d-%02d-%02d", day.year!, day.month!, day.day!)
    }
}()

/// Every invoice of the bench is 375.00 + 45.00 + 33.60 tax.
private let invoiceTotalMinor: Int64 = 45_360

private extension BenchCompany {
    func datedInvoice(_ number: Int) -> SyncInvoiceRequest {
        var request = self.invoice(number)
        request.invoice?.txnDate = benchDates[number % benchDates.count]
        return request
    }

    /// Pays invoice `number` in full, on its date.
    func payment(_ number: Int) -> SyncPaymentRequest {
        SyncPaymentRequest(companyID: self.id, payment: Payment(
            externalID: "pay-\(number)", customerExternalID: "c\(number % self.customers)", txnDate: benchDates[number % benchDates.count],
            currency: "USD", amountMinor: invoiceTotalMinor, methodCode: "CARD",
            applications: [PaymentApplication(invoiceExternalID: "inv-\(number)", amountMinor: invoiceTotalMinor)]))
    }
}

/// Sends `count` calls numbered 0..<count from `callers` concurrent callers.
private func concurrently(_ count: Int, callers: Int, _ call: @escaping @Sendable (Int) async throws -> Void) async throws {
    let tickets = Tickets(from: 0)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<callers {
            group.addTask {
                while true {
                    let number = tickets.take()
                    guard number < count else { return }
                    try await call(number)
                }
            }
        }
        try await group.waitForAll()
    }
}

/// Waits until no record of `company` (all companies when empty) is queued; fails after `limit` seconds.
private func waitForDrain(_ client: QBSyncClient, company: String = "", limit: Double) async throws -> [String: UInt64] {
    let start = ContinuousClock.now
    while true {
        let (depth, counts) = try await health(client, company: company)
        if depth == 0 { return counts }
        if seconds(ContinuousClock.now - start) > limit { fail("\(depth) records still queued after \(Int(limit)) s: \(counts)") }
        try await Task.sleep(for: .milliseconds(250))
    }
}

/// Reconcile over `--invoices` invoices and `--payments` payments (each paying one invoice in
/// full), all SYNCED to the simulator, of which `--deleted` invoices were then deleted in
/// QuickBooks by hand. Each of `--rounds` Reconcile calls must list exactly those as
/// MISSING_IN_QUICKBOOKS; prints the seconds and QBO requests of each.
func runReconcile() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let admin = SimulatorAdmin(base: argument("--qbo", default: "http://127.0.0.1:8089"))
    let invoices = Int(argument("--invoices", default: "90000"))!
    let payments = Int(argument("--payments", default: "10000"))!
    let deleted = Int(argument("--deleted", default: "100"))!
    let rounds = Int(argument("--rounds", default: "3"))!
    let serverPID = Int32(argument("--server-pid", default: "0"))!
    guard payments <= invoices, deleted <= invoices - payments else { fail("--payments must be <= --invoices, and --deleted <= the unpaid invoices") }
    let client = try await QBSyncClient(socketPath: path)

    let company = try await BenchCompany.setUp(client: client, admin: admin, customers: 200, disconnect: false)
    _ = try await client.autoMap(AutoMapRequest(companyID: company.id, kind: .paymentMethod, entries: [
        AutoMapEntry(externalCode: "CARD", name: "Undeposited Funds"),
    ]))
    let loadStart = ContinuousClock.now
    try await concurrently(invoices, callers: 64) { _ = try await client.syncInvoice(company.datedInvoice($0)) }
    try await concurrently(payments, callers: 64) { _ = try await client.syncPayment(company.payment($0)) }
    let accepted = seconds(ContinuousClock.now - loadStart)
    let counts = try await waitForDrain(client, company: company.id, limit: 1_800)
    let pushSeconds = seconds(ContinuousClock.now - loadStart)
    let synced = counts.filter { $0.key.hasSuffix("SYNC_STATUS_SYNCED") }.values.reduce(0, +)
    let invoicesSynced = counts["ENTITY_TYPE_INVOICE/SYNC_STATUS_SYNCED"] ?? 0
    let paymentsSynced = counts["ENTITY_TYPE_PAYMENT/SYNC_STATUS_SYNCED"] ?? 0
    guard invoicesSynced == UInt64(invoices), paymentsSynced == UInt64(payments) else {
        fail("expected \(invoices) invoices and \(payments) payments SYNCED: \(counts)")
    }

    // An accountant deletes some unpaid invoices in QuickBooks: the last `deleted` ones.
    for number in (invoices - deleted)..<invoices {
        let record = try await client.getRecord(GetRecordRequest(ref: RecordRef(companyID: company.id, entity: .invoice, externalID: "inv-\(number)"))).record
        guard let qboID = record?.qboID, !qboID.isEmpty else { fail("invoice inv-\(number) has no QuickBooks id") }
        try await admin.byHand(realmID: company.realm.realmID, entity: "Invoice", id: qboID, action: "delete")
    }

    var roundSeconds: [Double] = []
    var requests: [Int] = []
    var rss: [Int] = []
    var kinds: [String: Int] = [:]
    var entities: [String] = []
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        let report = try await client.reconcile(ReconcileRequest(companyID: company.id, fromDate: benchDates.first!, toDate: benchDates.last!))
        roundSeconds.append(seconds(ContinuousClock.now - start))
        rss.append(rssKiB(pid: serverPID))
        requests.append(Int(report.requests))
        kinds = [:]
        for mismatch in report.mismatches { kinds[mismatch.kind.protoName, default: 0] += 1 }
        let missing = report.mismatches.filter { $0.kind == .missingInQuickbooks }.map { $0.ref?.externalID ?? "" }.sorted()
        let expected = ((invoices - deleted)..<invoices).map { "inv-\($0)" }.sorted()
        guard missing == expected else { fail("Reconcile listed \(missing.count) invoices missing in QuickBooks, expected the \(deleted) deleted ones: \(kinds)") }
        let amounts = report.mismatches.filter { $0.kind == .amountDiffers || $0.kind == .balanceDiffers || $0.kind == .unknownToQbsync }
        guard amounts.isEmpty else { fail("Reconcile found \(amounts.count) amount or balance mismatches where there are none: \(amounts.prefix(3))") }
        entities = report.entities.map { "\($0.entity.protoName):\($0.syncedCount)/\($0.foundCount)" }
    }
    let sorted = roundSeconds.sorted()
    printJSON([
        "label": "\"reconcile\"", "invoices": "\(invoices)", "payments": "\(payments)", "records_synced": "\(synced)",
        "deleted_in_quickbooks": "\(deleted)", "accept_seconds": format(accepted, 2), "push_seconds": format(pushSeconds, 1),
        "rounds": "\(rounds)", "seconds": "[" + roundSeconds.map { format($0, 3) }.joined(separator: ",") + "]",
        "median_seconds": format(sorted[sorted.count / 2], 3), "requests": "[" + requests.map(String.init).joined(separator: ",") + "]",
        "mismatches_by_kind": "{" + kinds.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}",
        "entities_synced_found": "\"" + entities.joined(separator: " ") + "\"",
        "server_rss_kib": "[" + rss.map(String.init).joined(separator: ",") + "]",
    ])
    await client.close()
}

/// `--companies` companies on their own realms, each with a few synced invoices, polled by
/// `qbsync serve --drift-interval` (the server's setting; `--interval` only labels the
/// output) for `--seconds` while an accountant edits one invoice per company every
/// `--edit-every` seconds. Reads each realm's request counter from the simulator every 5 s
/// (every request of the window is qbsync's: nothing else is pushed) for the most requests
/// in any minute; then waits until every edit is reported as drift.
func runDriftPoll() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let admin = SimulatorAdmin(base: argument("--qbo", default: "http://127.0.0.1:8089"))
    let companyCount = Int(argument("--companies", default: "100"))!
    let window = Double(argument("--seconds", default: "180"))!
    let interval = Double(argument("--interval", default: "30"))!
    let editEvery = Double(argument("--edit-every", default: "30"))!
    let budget = Int(argument("--budget", default: "500"))!
    let invoicesEach = Int(argument("--invoices", default: "8"))!
    let client = try await QBSyncClient(socketPath: path)

    var companies: [BenchCompany] = []
    for _ in 0..<companyCount { companies.append(try await BenchCompany.setUp(client: client, admin: admin, customers: 2, disconnect: false)) }
    let all = companies
    try await concurrently(companyCount * invoicesEach, callers: 32) { n in
        _ = try await client.syncInvoice(all[n % companyCount].invoice(n / companyCount))
    }
    _ = try await waitForDrain(client, limit: 600)
    var qboIDs: [[String]] = []
    for company in companies {
        var ids: [String] = []
        for number in 0..<invoicesEach {
            ids.append(try await client.getRecord(GetRecordRequest(ref: RecordRef(companyID: company.id, entity: .invoice, externalID: "inv-\(number)"))).record?.qboID ?? "")
        }
        qboIDs.append(ids)
    }
    var before: [RealmStats] = []
    for company in companies { before.append(try await admin.stats(realmID: company.realm.realmID)) }
    let start = ContinuousClock.now
    // Each realm's request counter every 5 s: (seconds since the start, counter per realm).
    var samples: [(t: Double, requests: [Int])] = [(0, before.map(\.requests))]
    var edits = 0
    var nextEdit = 0.0
    var nextSample = 5.0
    while true {
        let t = seconds(ContinuousClock.now - start)
        if t >= window { break }
        if t >= nextEdit, edits / companyCount < invoicesEach {
            let number = edits / companyCount
            for (index, company) in companies.enumerated() {
                // A new date, inside the 2026 range qbsync's invoices use: an edit of one field.
                try await admin.byHand(realmID: company.realm.realmID, entity: "Invoice", id: qboIDs[index][number], action: "edit",
                                       body: "{\"TxnDate\":\"2026-10-\(10 + number)\"}")
                edits += 1
            }
            nextEdit += editEvery
        }
        if t >= nextSample {
            var counters: [Int] = []
            for company in companies { counters.append(try await admin.stats(realmID: company.realm.realmID).requests) }
            samples.append((seconds(ContinuousClock.now - start), counters))
            nextSample += 5
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    let elapsed = seconds(ContinuousClock.now - start)
    var requests: [Int] = []
    var throttled = 0
    for (index, company) in companies.enumerated() {
        let stats = try await admin.stats(realmID: company.realm.realmID)
        requests.append(stats.requests - before[index].requests)
        throttled += stats.throttled - before[index].throttled
    }
    samples.append((elapsed, before.indices.map { before[$0].requests + requests[$0] }))
    // The most requests of any realm in one minute: from each sample to the first sample at
    // least 60 s later (so a span of 60-65 s: it can only over-count).
    var lastMinuteMax = Array(repeating: 0, count: companyCount)
    for (k, from) in samples.enumerated() {
        guard let to = samples[(k + 1)...].first(where: { $0.t - from.t >= 60 }) else { break }
        for realm in 0..<companyCount { lastMinuteMax[realm] = max(lastMinuteMax[realm], to.requests[realm] - from.requests[realm]) }
    }
    guard samples.last!.t - samples[0].t >= 60 else { fail("--seconds must be at least 60 to measure a minute") }
    // Every edit reported once as DRIFT_EDITED; the last ones need up to one more poll.
    let detectStart = ContinuousClock.now
    var reported: UInt64 = 0
    while true {
        let response = try await client.getHealth(GetHealthRequest())
        reported = response.companies.flatMap(\.warnings).filter { $0.kind == .driftEdited }.map(\.count).reduce(0, +)
        if reported >= UInt64(edits) { break }
        if seconds(ContinuousClock.now - detectStart) > interval * 3 + 60 { fail("only \(reported) of \(edits) edits reported as drift") }
        try await Task.sleep(for: .milliseconds(500))
    }
    let detectWait = seconds(ContinuousClock.now - detectStart)
    let perMinute = requests.map { Double($0) / elapsed * 60 }
    let sortedMax = lastMinuteMax.sorted()
    printJSON([
        "label": "\"drift-poll\"", "companies": "\(companyCount)", "interval_seconds": format(interval, 0), "window_seconds": format(elapsed, 1),
        "edits": "\(edits)", "drift_reported": "\(reported)", "detect_wait_after_window_s": format(detectWait, 1),
        "budget_per_minute": "\(budget)", "requests_total": "\(requests.reduce(0, +))",
        "requests_per_realm_min": "\(requests.min() ?? 0)", "requests_per_realm_max": "\(requests.max() ?? 0)",
        "requests_per_minute_mean": format(perMinute.reduce(0, +) / Double(max(1, perMinute.count)), 2),
        "requests_per_minute_max": format(perMinute.max() ?? 0, 2),
        "last_minute_max": "\(sortedMax.last ?? 0)", "last_minute_median": "\(sortedMax.isEmpty ? 0 : sortedMax[sortedMax.count / 2])",
        "budget_share_max": format(Double(sortedMax.last ?? 0) / Double(budget) * 100, 2), "throttled": "\(throttled)",
    ])
    await client.close()
}
