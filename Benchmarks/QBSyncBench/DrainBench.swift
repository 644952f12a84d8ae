// Draining a backlog into the simulator at its rate limit (Scripts/bench sync): how much of
// the allowed requests-per-minute qbsync uses, whether it is ever throttled, and its RSS.
import BenchSupport
import Foundation
import QBSyncClient
import QBSyncWire

#if canImport(Glibc)
import Glibc
#endif

/// One poll during the drain.
private struct DrainSample {
    var t: Double            // seconds since the reconnect
    var requests: Int        // the simulator's request counter for the realm (429s included)
    var throttled: Int
    var simulatorLastMinute: Int
    var queueDepth: UInt64
    var rssKiB: Int
}

/// Accepts `--invoices` invoices for a disconnected company, reconnects it, and polls
/// (every 100 ms) GetHealth, the simulator's realm stats and the server's RSS until the
/// queue is empty.
///
/// The rate qbsync achieves is read from the simulator's own request counter. qbsync's
/// limiter is a sliding window: with a backlog it sends a window's budget as fast as QBO
/// answers, then waits until its oldest request is a minute old. So the steady-state rate
/// is measured over whole limiter periods: from the first request to the start of the last
/// burst (a burst starts when requests resume after at least 5 s without any), requests
/// counted divided by time. With no idle gaps (qbsync slower than the limit), it is the
/// average rate over the drain after its first 5 s.
func runSyncDrain() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let admin = SimulatorAdmin(base: argument("--qbo", default: "http://127.0.0.1:8089"))
    let invoices = Int(argument("--invoices", default: "10000"))!
    let rate = Int(argument("--rate", default: "6000"))!
    let serverPID = Int32(argument("--server-pid", default: "0"))!
    let client = try await QBSyncClient(socketPath: path)

    let company = try await BenchCompany.setUp(client: client, admin: admin, disconnect: true)
    let acceptStart = ContinuousClock.now
    _ = try await company.send(0..<invoices, callers: 32, client: client)
    let acceptSeconds = seconds(ContinuousClock.now - acceptStart)
    let (queued, countsBefore) = try await health(client, company: company.id)
    guard queued == UInt64(invoices) else { fail("expected \(invoices) queued invoices, GetHealth says \(queued): \(countsBefore)") }
    // The set-up's requests (customers created in QBO) sit in both windows, qbsync's and the
    // simulator's, and would take part of the first minute's budget: wait until they leave
    // the simulator's window, plus qbsync's 0.5 s margin.
    let settleStart = ContinuousClock.now
    while try await admin.stats(realmID: company.realm.realmID).requestsLastMinute > 0 {
        try await Task.sleep(for: .milliseconds(200))
    }
    try await Task.sleep(for: .seconds(1))
    let settleSeconds = seconds(ContinuousClock.now - settleStart)

    let before = try await admin.stats(realmID: company.realm.realmID)
    let rssBefore = rssKiB(pid: serverPID)
    let start = ContinuousClock.now
    try await company.reconnect(client: client, admin: admin)
    var samples: [DrainSample] = []
    while true {
        let (depth, _) = try await health(client, company: company.id)
        let stats = try await admin.stats(realmID: company.realm.realmID)
        let t = seconds(ContinuousClock.now - start)
        samples.append(DrainSample(t: t, requests: stats.requests - before.requests, throttled: stats.throttled - before.throttled,
                                   simulatorLastMinute: stats.requestsLastMinute, queueDepth: depth, rssKiB: rssKiB(pid: serverPID)))
        if depth == 0 { break }
        if t > 900 { fail("the queue did not drain in 15 minutes (\(depth) left)") }
        try await Task.sleep(for: .milliseconds(100))
    }
    let drainSeconds = samples.last!.t
    let (_, countsAfter) = try await health(client, company: company.id)
    let after = try await admin.stats(realmID: company.realm.realmID)

    // Requests the simulator had counted at time t (linear between polls).
    func requests(at t: Double) -> Double {
        guard let upper = samples.firstIndex(where: { $0.t >= t }) else { return Double(samples.last!.requests) }
        guard upper > 0 else { return Double(samples[0].requests) * max(0, t) / max(samples[0].t, 1e-9) }
        let (a, b) = (samples[upper - 1], samples[upper])
        return Double(a.requests) + Double(b.requests - a.requests) * (t - a.t) / max(b.t - a.t, 1e-9)
    }
    // Burst starts: the first request, and every poll whose requests resume after >= 5 s
    // without any. A start is placed at the middle of its poll interval (both ends of a
    // period carry the same bias, which cancels).
    var bursts: [(t: Double, requests: Int)] = []
    var lastIncrease = -Double.infinity
    for (index, sample) in samples.enumerated() where index > 0 && sample.requests > samples[index - 1].requests {
        let previous = samples[index - 1]
        if bursts.isEmpty || previous.t - lastIncrease >= 5 { bursts.append(((previous.t + sample.t) / 2, previous.requests)) }
        lastIncrease = sample.t
    }
    if bursts.isEmpty, let first = samples.first, first.requests > 0 { bursts.append((first.t / 2, 0)) }
    let firstRequest = bursts.first?.t ?? 0
    let steadyRate: Double       // requests per minute
    let steadyMethod: String
    if bursts.count >= 2 {
        let (a, b) = (bursts.first!, bursts.last!)
        steadyRate = Double(b.requests - a.requests) / (b.t - a.t) * 60
        steadyMethod = "periods"
    } else {
        let from = firstRequest + 5
        steadyRate = drainSeconds > from + 5 ? (Double(samples.last!.requests) - requests(at: from)) / (drainSeconds - from) * 60 : 0
        steadyMethod = "average"
    }
    let firstMinute = drainSeconds >= firstRequest + 60 ? requests(at: firstRequest + 60) : Double(samples.last!.requests)
    var perSecond: [Double] = []
    var t = firstRequest
    while t < drainSeconds { perSecond.append(requests(at: t + 1) - requests(at: t)); t += 1 }
    var timeline: [Int] = []  // requests per 5 s, from the reconnect
    t = 0
    while t < drainSeconds { timeline.append(Int((requests(at: min(t + 5, drainSeconds)) - requests(at: t)).rounded())); t += 5 }
    let rss = samples.map(\.rssKiB).sorted()
    printJSON([
        "label": "\"sync-drain\"", "invoices": "\(invoices)", "rate_per_minute": "\(rate)",
        "accept_seconds": format(acceptSeconds, 2), "window_settle_seconds": format(settleSeconds, 1), "drain_seconds": format(drainSeconds, 2),
        "first_request_s": format(firstRequest, 2),
        "requests": "\(after.requests - before.requests)", "writes": "\(after.writes - before.writes)",
        "throttled": "\(after.throttled - before.throttled)", "max_concurrent_seen": "\(after.maxConcurrentSeen)",
        "first_minute_requests": "\(Int(firstMinute.rounded()))",
        "steady_rate_per_minute": "\(Int(steadyRate.rounded()))", "steady_method": "\"\(steadyMethod)\"",
        "limiter_periods": "\(max(0, bursts.count - 1))",
        "burst_starts_s": "[" + bursts.map { format($0.t, 2) }.joined(separator: ",") + "]",
        "simulator_last_minute_max": "\(samples.map(\.simulatorLastMinute).max() ?? 0)",
        "peak_requests_per_second": "\(Int((perSecond.max() ?? 0).rounded()))",
        "synced": "\(countsAfter["ENTITY_TYPE_INVOICE/SYNC_STATUS_SYNCED"] ?? 0)",
        "errored": "\(countsAfter["ENTITY_TYPE_INVOICE/SYNC_STATUS_ERRORED"] ?? 0)",
        "rss_before_kib": "\(rssBefore)", "rss_peak_kib": "\(rss.last ?? 0)", "rss_median_kib": "\(rss.isEmpty ? 0 : rss[rss.count / 2])",
        "rss_after_kib": "\(rssKiB(pid: serverPID))", "polls": "\(samples.count)",
        "timeline_5s": "[" + timeline.map(String.init).joined(separator: ",") + "]",
    ])
    await client.close()
}
