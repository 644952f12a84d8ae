// Hostile peers (Scripts/bench hostile), the measuring side: `qbsync-bench hostile --abuse NAME
// --socket PATH --server-pid PID` times a legitimate client's GetHealth calls against
// `qbsync serve`, first with nobody abusing it (the baseline, --baseline-seconds), then while
// `qbsync-bench hostile-peer` (HostilePeer.swift), a child process, runs the abuse; it samples
// the server's RSS throughout and prints one JSON line with both phases and the peer's own line.
import BenchSupport
import Foundation
import QBSyncClient
import QBSyncWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Set once, read by the tasks that run until it is.
private final class StopFlag: Sendable {
    private let value = Atomic(false)
    func stop() { self.value.store(true, ordering: .releasing) }
    var isStopped: Bool { self.value.load(ordering: .acquiring) }
}

/// What the legitimate client saw in one phase.
private struct ProbeResult: Sendable {
    /// Per connection, each call's latency (ns), failed calls included.
    var latencies: [[UInt64]]
    var errors = 0
    var firstError = "null"

    /// Summary JSON: over all calls, and the p99 of each connection (the abuser's connection
    /// shares an event loop with some of them, not necessarily all).
    func json(serverCPUSeconds: Double, seconds: Double) -> String {
        let all = self.latencies.flatMap { $0 }.sorted()
        let perConnection = self.latencies.map { percentileMicroseconds($0.sorted(), 0.99) }
        return jsonObject([
            "calls": "\(all.count)", "errors": "\(self.errors)", "first_error": self.firstError,
            "p50_us": format(percentileMicroseconds(all, 0.5)), "p99_us": format(percentileMicroseconds(all, 0.99)),
            "p999_us": format(percentileMicroseconds(all, 0.999)), "max_us": format(percentileMicroseconds(all, 1)),
            "connection_p99_us": "[\(perConnection.map { format($0) }.joined(separator: ","))]",
            "worst_connection_p99_us": format(perConnection.max() ?? 0),
            "seconds": format(seconds, 2), "server_cpu_percent": format(serverCPUSeconds / max(seconds, 0.001) * 100),
        ])
    }
}

/// The legitimate client: one GetHealth (whole service) at a time, every `interval`, rotating
/// over its connections. Paced, not a tight loop, so that it measures the server rather than
/// competing with it for the two cores; a call slower than the interval delays the next
/// (latencies are the calls' own, without coordinated-omission correction).
private func probe(_ clients: [QBSyncClient], every interval: Duration, until stopped: () -> Bool) async -> ProbeResult {
    var result = ProbeResult(latencies: Array(repeating: [], count: clients.count))
    var due = ContinuousClock.now
    var index = 0
    while !stopped() {
        let t0 = nowNanoseconds()
        do {
            _ = try await clients[index].getHealth(GetHealthRequest())
        } catch {
            result.errors += 1
            if result.errors == 1 { result.firstError = jsonString("\(error)") }
        }
        result.latencies[index].append(nowNanoseconds() - t0)
        index = (index + 1) % clients.count
        due += interval
        if due > .now { try? await Task.sleep(until: due) } else { due = .now }
    }
    return result
}

/// CPU time (user + system, all threads) `pid` has used so far, seconds.
private func cpuSeconds(pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Runs `qbsync-bench hostile-peer` with this process's own options and waits for it (killing
/// it after `limit`); returns its exit status and its last stdout line.
private func runPeer(limit: Duration) async throws -> (status: Int32, line: String) {
    let process = Process()
    process.executableURL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["hostile-peer"] + CommandLine.arguments.dropFirst(2)
    let output = Pipe()
    process.standardOutput = output
    let (exited, finished) = AsyncStream.makeStream(of: Int32.self)
    process.terminationHandler = { finished.yield($0.terminationStatus) }
    try process.run()
    let pid = process.processIdentifier
    let watchdog = Task {
        try await Task.sleep(for: limit)
        kill(pid, SIGTERM)
    }
    var status: Int32 = -1
    for await code in exited {
        status = code
        break
    }
    watchdog.cancel()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (status, text.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? "")
}

func runHostile() async throws {
    let abuse = argument("--abuse", default: "")
    guard Abuse(rawValue: abuse) != nil else { fail("hostile: unknown --abuse \(abuse)") }
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let serverPID = Int32(argument("--server-pid", default: "0"))!
    let baselineSeconds = Double(argument("--baseline-seconds", default: "10"))!
    let interval = Duration.microseconds(Int64(Double(argument("--probe-interval-ms", default: "5"))! * 1000))
    let connections = Int(argument("--probe-connections", default: "4"))!
    let settle = Duration.seconds(Int64(argument("--settle-seconds", default: "3"))!)

    var connected: [QBSyncClient] = []
    for _ in 0..<connections { connected.append(try await QBSyncClient(socketPath: path)) }
    let clients = connected
    for index in 0..<200 { _ = try await clients[index % connections].getHealth(GetHealthRequest()) }  // warm up
    let rssStart = rssKiB(pid: serverPID)

    var cpu = cpuSeconds(pid: serverPID)
    var phaseStart = ContinuousClock.now
    let baselineEnd = phaseStart + .milliseconds(Int64(baselineSeconds * 1000))
    let baseline = await probe(clients, every: interval) { ContinuousClock.now >= baselineEnd }
    let baselineJSON = baseline.json(serverCPUSeconds: cpuSeconds(pid: serverPID) - cpu, seconds: seconds(.now - phaseStart))
    let rssBefore = rssKiB(pid: serverPID)

    let done = StopFlag()
    let sampler = Task { () -> [Int] in
        var samples: [Int] = []
        while !done.isStopped {
            samples.append(rssKiB(pid: serverPID))
            try? await Task.sleep(for: .milliseconds(100))
        }
        return samples
    }
    let measured = Task { await probe(clients, every: interval) { done.isStopped } }
    cpu = cpuSeconds(pid: serverPID)
    phaseStart = ContinuousClock.now
    let peer = try await runPeer(limit: .seconds(Int64(argument("--peer-timeout", default: "600"))!))
    done.stop()
    let abuseSeconds = seconds(.now - phaseStart)
    let during = await measured.value
    let duringJSON = during.json(serverCPUSeconds: cpuSeconds(pid: serverPID) - cpu, seconds: abuseSeconds)
    let samples = await sampler.value.sorted()

    try await Task.sleep(for: settle)
    let rssAfter = rssKiB(pid: serverPID)
    for client in clients { await client.close() }
    // Like every HostilePeerTests case: a fresh client on a new connection still gets GetHealth.
    let t0 = nowNanoseconds()
    var fresh = "true"
    do {
        let client = try await QBSyncClient(socketPath: path)
        _ = try await client.getHealth(GetHealthRequest())
        await client.close()
    } catch {
        fresh = "false"
    }
    printJSON([
        "label": "\"hostile\"", "abuse": "\"\(abuse)\"", "baseline": baselineJSON, "during": duringJSON,
        "abuse_seconds": format(abuseSeconds, 2), "rss_start_kib": "\(rssStart)", "rss_before_kib": "\(rssBefore)",
        "rss_median_kib": "\(samples.isEmpty ? 0 : samples[samples.count / 2])", "rss_peak_kib": "\(samples.last ?? 0)",
        "rss_after_kib": "\(rssAfter)", "settle_seconds": "\(settle.components.seconds)",
        "fresh_client_ok": fresh, "fresh_client_ms": format(Double(nowNanoseconds() - t0) / 1e6, 2),
        "server_alive": "\(kill(serverPID, 0) == 0)", "peer_exit": "\(peer.status)", "peer": peer.line.isEmpty ? "null" : peer.line,
    ])
}
