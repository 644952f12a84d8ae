// qbsync-rpc-bench: the RPC load generators for `Scripts/bench rpc`. Not a test: numbers go to
// docs/benchmarks.md. A binary of its own so that the idle server measured for RSS carries only
// the RPC stack (qbsync-bench also links the store, the QBO client and the simulator).
// Each mode prints one JSON line on stdout (the script keeps the last line).
//
//   qbsync-rpc-bench rpc-server --socket PATH            echo server on qbsync's RPC
//   qbsync-rpc-bench rpc-client --socket PATH --callers N --seconds S [--payload 1024]
//   qbsync-rpc-bench raw-floor --callers 1 --seconds S [--payload 1024]   Unix-socket ping-pong floor
//   qbsync-rpc-bench idle-streams --socket PATH --streams 1000 --server-pid PID   server RSS added by idle streams
import BenchSupport
import Foundation

switch CommandLine.arguments.dropFirst().first {
case "rpc-server": try await runServer()
case "rpc-client": try await runClient()
case "idle-streams": try await runIdleStreams()
case "raw-floor": try runRawFloor()
default:
    FileHandle.standardError.write(Data("""
        usage: qbsync-rpc-bench rpc-server|rpc-client|idle-streams|raw-floor [options] (see Benchmarks/QBSyncRPCBench/main.swift)

        """.utf8))
    exit(2)
}
