// RPC load generators: qbsync's framed RPC against itself (an echo server), the raw
// Unix-socket floor, and the RSS that idle server streams cost (Scripts/bench rpc).
import BenchSupport
import Foundation
import NIOPosix
import QBSyncClient
import QBSyncRPC
import QBSyncWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

let echo = RPCMethod<Envelope.Message, Envelope.Message>(path: "/qbsync.bench.Echo/Echo", kind: .unary)

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
