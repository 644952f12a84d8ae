// qbsync-bench: load generators for Scripts/bench. Not a test: numbers go to docs/benchmarks.md.
//
//   qbsync-bench rpc-server --socket PATH            echo server on qbsync's RPC
//   qbsync-bench rpc-client --socket PATH --callers N --seconds S [--payload 1024]
//   qbsync-bench raw-floor --callers 1 --seconds S [--payload 1024]   Unix-socket ping-pong floor
//   qbsync-bench idle-streams --socket PATH --streams 1000 --server-pid PID   server RSS added by idle streams
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOPosix
import QBSyncClient
import QBSyncRPC
import QBSyncWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

let echo = RPCMethod<Envelope.Message, Envelope.Message>(path: "/qbsync.bench.Echo/Echo", kind: .unary)

func argument(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let index = args.firstIndex(of: name), index + 1 < args.count { return args[index + 1] }
    return value
}

/// Latencies in nanoseconds -> summary JSON line.
func report(_ label: String, latencies: [UInt64], elapsed: Duration, extra: [String: String] = [:]) {
    let sorted = latencies.sorted()
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    var fields = [
        "\"label\":\"\(label)\"",
        "\"calls\":\(sorted.count)",
        "\"calls_per_second\":\(Int(Double(sorted.count) / seconds))",
        "\"p50_us\":\(String(format: "%.1f", percentile(0.5)))",
        "\"p99_us\":\(String(format: "%.1f", percentile(0.99)))",
    ]
    for (key, value) in extra.sorted(by: { $0.key < $1.key }) { fields.append("\"\(key)\":\(value)") }
    print("{" + fields.joined(separator: ",") + "}")
}

func rssKiB(pid: Int32 = getpid()) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

func runServer() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    var router = RPCRouter()
    router.register(echo) { request, _ in request }
    router.register(
        RPCMethod<Envelope.Ping, Envelope.Ping>(path: "/qbsync.bench.Echo/Idle", kind: .serverStreaming),
        streaming: { _, _, _ in try await Task.sleep(for: .seconds(3600)) }
    )
    let server = RPCServer(configuration: RPCServerConfiguration(socketPath: path), router: router)
    try await server.run()
}

func runClient() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let callers = Int(argument("--callers", default: "1"))!
    let seconds = Double(argument("--seconds", default: "5"))!
    let payload = Envelope.Message(payload: Array(repeating: 0x5A, count: Int(argument("--payload", default: "1024"))!))
    let client = try await QBSyncClient(socketPath: path)
    for _ in 0..<2000 { _ = try await client.unary(echo, payload) }  // warm up
    let start = ContinuousClock.now
    let end = start + .milliseconds(Int64(seconds * 1000))
    let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for _ in 0..<callers {
            group.addTask {
                var local: [UInt64] = []
                local.reserveCapacity(200_000)
                while ContinuousClock.now < end {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    _ = try await client.unary(echo, payload)
                    local.append(DispatchTime.now().uptimeNanoseconds - t0)
                }
                return local
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    report("qbsync", latencies: latencies, elapsed: ContinuousClock.now - start, extra: ["callers": "\(callers)"])
    await client.close()
}

/// Opens N idle streams and reports the server's RSS growth (server pid given).
func runIdleStreams() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let streams = Int(argument("--streams", default: "1000"))!
    let serverPID = Int32(argument("--server-pid", default: "0"))!
    let client = try await QBSyncClient(socketPath: path)
    try await client.ping()
    try await Task.sleep(for: .milliseconds(500))
    let before = rssKiB(pid: serverPID)
    let idle = RPCMethod<Envelope.Ping, Envelope.Ping>(path: "/qbsync.bench.Echo/Idle", kind: .serverStreaming)
    // A stream that ends before we cancel it was refused or failed: count those, so a number
    // measured over fewer open streams than asked for is visible in the output.
    final class Count: Sendable { let value = Mutex(0) }
    let endedEarly = Count()
    var tasks: [Task<Void, Never>] = []
    for _ in 0..<streams {
        tasks.append(Task {
            do { for try await _ in client.serverStreaming(idle, Envelope.Ping()) {} } catch {}
            if !Task.isCancelled { endedEarly.value.withLock { $0 += 1 } }
        })
    }
    try await Task.sleep(for: .seconds(2))
    try await client.ping()
    let after = rssKiB(pid: serverPID)
    let ended = endedEarly.value.withLock { $0 }
    print("{\"label\":\"idle-streams\",\"streams\":\(streams),\"ended_early\":\(ended),\"server_rss_before_kib\":\(before),\"server_rss_after_kib\":\(after),\"added_kib\":\(after - before)}")
    for task in tasks { task.cancel() }
    await client.close()
}

/// The floor: one request/response of the same size over a Unix socket pair, no framing library.
func runRawFloor() throws {
    let seconds = Double(argument("--seconds", default: "5"))!
    let size = Int(argument("--payload", default: "1024"))!
    var fds: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { fatalError("socketpair") }
    let (clientFD, serverFD) = (fds[0], fds[1])
    let server = Thread {
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
            var got = 0
            while got < size {
                let n = buffer.withUnsafeMutableBytes { read(serverFD, $0.baseAddress! + got, size - got) }
                if n <= 0 { return }
                got += n
            }
            _ = buffer.withUnsafeBytes { write(serverFD, $0.baseAddress!, size) }
        }
    }
    server.start()
    var buffer = [UInt8](repeating: 0x5A, count: size)
    var latencies: [UInt64] = []
    let start = ContinuousClock.now
    let end = start + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < end {
        let t0 = DispatchTime.now().uptimeNanoseconds
        _ = buffer.withUnsafeBytes { write(clientFD, $0.baseAddress!, size) }
        var got = 0
        while got < size {
            let n = buffer.withUnsafeMutableBytes { read(clientFD, $0.baseAddress! + got, size - got) }
            got += n
        }
        latencies.append(DispatchTime.now().uptimeNanoseconds - t0)
    }
    report("raw-floor", latencies: latencies, elapsed: ContinuousClock.now - start, extra: ["callers": "1"])
    close(clientFD)
}

/// A realm on the simulator at --qbo URL (its admin API).
func simulatorRealm() async throws -> QBOCredentials {
    let base = argument("--qbo", default: "http://127.0.0.1:8089")
    var request = URLRequest(url: URL(string: base + "/admin/realms")!)
    request.httpMethod = "POST"
    request.httpBody = Data("{}".utf8)
    let (data, _) = try await URLSession.shared.data(for: request)
    let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    return QBOCredentials(realmID: json["realmId"] as? String ?? "", clientID: json["clientId"] as? String ?? "",
                          clientSecret: json["clientSecret"] as? String ?? "", refreshToken: json["refreshToken"] as? String ?? "")
}

/// Accepted (durable) SyncInvoice calls/s: a company whose pushes are held
/// (disconnected), so only intake is measured.
func runSyncAccept() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let callers = Int(argument("--callers", default: "32"))!
    let seconds = Double(argument("--seconds", default: "5"))!
    let client = try await QBSyncClient(socketPath: path)
    let company = "bench-\(getpid())"
    // A realistic company: customers linked and items mapped (against the
    // simulator the service was pointed at), then disconnected so that only
    // intake is measured: invoices are accepted PENDING and held.
    let realm = try await simulatorRealm()
    _ = try await client.connectCompany(ConnectCompanyRequest(companyID: company, credentials: realm))
    _ = try await client.autoMap(AutoMapRequest(companyID: company, kind: .item, entries: [
        AutoMapEntry(externalCode: "TENT-20", name: "Equipment Rental"), AutoMapEntry(externalCode: "DELIVERY", name: "Delivery"),
    ]))
    for index in 0..<100 {
        _ = try await client.linkCustomer(LinkCustomerRequest(companyID: company, customer: Customer(
            externalID: "c\(index)", companyName: "Bench Customer \(index) \(getpid())"), mode: .create))
    }
    _ = try await client.disconnectCompany(DisconnectCompanyRequest(companyID: company))
    func invoice(_ id: Int) -> Invoice {
        Invoice(externalID: "inv-\(id)", customerExternalID: "c\(id % 100)", docNumber: "B\(id)", txnDate: "2026-11-21", currency: "USD",
                lines: [InvoiceLine(kind: .sale, itemCode: "TENT-20", description: "20x20 tent", quantity: "3", unitRate: "125.00", amountMinor: 37_500),
                        InvoiceLine(kind: .sale, itemCode: "DELIVERY", description: "Delivery", quantity: "1", unitRate: "45.00", amountMinor: 4_500)],
                taxMinor: 3_360)
    }
    for id in 0..<500 { _ = try await client.syncInvoice(SyncInvoiceRequest(companyID: company, invoice: invoice(10_000_000 + id))) }
    let start = ContinuousClock.now
    let end = start + .milliseconds(Int64(seconds * 1000))
    let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for caller in 0..<callers {
            group.addTask {
                var local: [UInt64] = []
                var next = caller
                while ContinuousClock.now < end {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    _ = try await client.syncInvoice(SyncInvoiceRequest(companyID: company, invoice: invoice(next)))
                    local.append(DispatchTime.now().uptimeNanoseconds - t0)
                    next += callers
                }
                return local
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    report("sync-accept", latencies: latencies, elapsed: ContinuousClock.now - start, extra: ["callers": "\(callers)"])
    await client.close()
}

switch CommandLine.arguments.dropFirst().first {
case "rpc-server": try await runServer()
case "rpc-client": try await runClient()
case "idle-streams": try await runIdleStreams()
case "raw-floor": try runRawFloor()
case "sync-accept": try await runSyncAccept()
default:
    FileHandle.standardError.write(Data("usage: qbsync-bench rpc-server|rpc-client|idle-streams|raw-floor [options]\n".utf8))
    exit(2)
}
