import BenchSupport
import Foundation
import QBSyncClient
import QBSyncWire

/// `qbsync-bench client-calls`: the Swift client's side of `Scripts/bench clients`:
/// N concurrent GetHealth(company "demo") calls on one client for S seconds, one
/// JSON line in the shape every client's bench program prints.
func runClientCalls() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let callers = Int(argument("--callers", default: "1"))!
    let duration = Double(argument("--seconds", default: "5"))!
    let client = try await QBSyncClient(socketPath: path)
    let request = GetHealthRequest(companyID: "demo")
    for _ in 0..<200 { _ = try await client.getHealth(request) }  // warm up
    let start = ContinuousClock.now
    let end = start + .milliseconds(Int64(duration * 1000))
    let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for _ in 0..<callers {
            group.addTask {
                var local: [UInt64] = []
                while ContinuousClock.now < end {
                    let t0 = nowNanoseconds()
                    _ = try await client.getHealth(request)
                    local.append(nowNanoseconds() - t0)
                }
                return local
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let sorted = latencies.sorted()
    print(#"{"client":"swift","callers":\#(callers),"calls":\#(latencies.count),"seconds":\#(format(seconds)),"calls_per_second":\#(format(Double(latencies.count) / seconds)),"p50_us":\#(format(percentileMicroseconds(sorted, 0.5))),"p99_us":\#(format(percentileMicroseconds(sorted, 0.99)))}"#)
    await client.close()
}
