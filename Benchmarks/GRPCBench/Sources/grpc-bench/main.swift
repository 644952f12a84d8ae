// grpc-bench: grpc-swift-2 over a Unix domain socket, the baseline for Scripts/bench rpc.
// Not a test: numbers go to docs/benchmarks.md. Mirrors qbsync-bench's modes and JSON line.
//
//   grpc-bench server --socket PATH
//   grpc-bench client --socket PATH --callers N --seconds S [--payload 1024]
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

func argument(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let index = args.firstIndex(of: name), index + 1 < args.count { return args[index + 1] }
    return value
}

/// Latencies in nanoseconds -> one JSON line, the same fields and percentile rule as qbsync-bench.
func report(_ label: String, latencies: [UInt64], elapsed: Duration, callers: Int) {
    let sorted = latencies.sorted()
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let fields = [
        "\"label\":\"\(label)\"",
        "\"calls\":\(sorted.count)",
        "\"calls_per_second\":\(Int(Double(sorted.count) / seconds))",
        "\"p50_us\":\(String(format: "%.1f", percentile(0.5)))",
        "\"p99_us\":\(String(format: "%.1f", percentile(0.99)))",
        "\"callers\":\(callers)",
    ]
    print("{" + fields.joined(separator: ",") + "}")
}

func runServer() async throws {
    let path = argument("--socket", default: "/tmp/grpc-bench.sock")
    unlink(path)  // a socket file left by an earlier run would fail the bind
    let server = GRPCServer(
        transport: .http2NIOPosix(address: .unixDomainSocket(path: path), transportSecurity: .plaintext),
        services: [EchoService()]
    )
    try await server.serve()
}

func runClient() async throws {
    let path = argument("--socket", default: "/tmp/grpc-bench.sock")
    let callers = Int(argument("--callers", default: "1"))!
    let seconds = Double(argument("--seconds", default: "5"))!
    let payload = [UInt8](repeating: 0x5A, count: Int(argument("--payload", default: "1024"))!)
    // One client, one transport, one HTTP/2 connection: every caller is a stream on it.
    let transport = try HTTP2ClientTransport.Posix(
        target: .unixDomainSocket(path: path),
        transportSecurity: .plaintext
    )
    let (latencies, elapsed) = try await withGRPCClient(transport: transport) { client in
        for _ in 0..<2000 { _ = try await client.echo(payload) }  // warm up
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int64(seconds * 1000))
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<callers {
                group.addTask {
                    var local: [UInt64] = []
                    local.reserveCapacity(200_000)
                    while ContinuousClock.now < end {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        _ = try await client.echo(payload)
                        local.append(DispatchTime.now().uptimeNanoseconds - t0)
                    }
                    return local
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return (latencies, ContinuousClock.now - start)
    }
    report("grpc-swift-2", latencies: latencies, elapsed: elapsed, callers: callers)
}

switch CommandLine.arguments.dropFirst().first {
case "server": try await runServer()
case "client": try await runClient()
default:
    FileHandle.standardError.write(Data("usage: grpc-bench server|client --socket PATH [--callers N --seconds S --payload BYTES]\n".utf8))
    exit(2)
}
