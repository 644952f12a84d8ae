// qbsync-bench: load generators for Scripts/bench. Not a test: numbers go to docs/benchmarks.md.
// Each mode prints one JSON line on stdout (the script keeps the last line). The RPC modes are
// in qbsync-rpc-bench (Benchmarks/QBSyncRPCBench), which links only the RPC stack.
//
// QBO client (QBOBench.swift), against a qbo-sim at --qbo URL:
//   qbsync-bench qbo-setup --qbo URL                 new realm, high limits, access token (JSON)
//   qbsync-bench qbo-client --qbo URL --realm R --access-token T [--refresh-token T --client-id I --client-secret S]
//                --op read|write --inflight N --seconds S [--warmup 300] [--tag X]
// Sync core (SyncBench.swift, DrainBench.swift, FanoutBench.swift), against `qbsync serve`
// on --socket whose QBO is the qbo-sim at --qbo URL:
//   qbsync-bench sync-accept --socket PATH --qbo URL --callers 32 --seconds S
//   qbsync-bench sync-load --socket PATH --qbo URL --records N [--callers 64]
//   qbsync-bench health-latency --socket PATH --callers N --seconds S
//   qbsync-bench sync-drain --socket PATH --qbo URL --invoices N --rate R --server-pid PID
//   qbsync-bench sync-backfill --socket BATCHED --single-socket SINGLE --qbo URL [--invoices N] [--rate 500] [--batch-rate 40]
//   qbsync-bench fanout --socket PATH --qbo URL --subscribers N --connections C --events E --server-pid PID [--decode digest|full]
// Several instances (TakeoverBench.swift), against two `qbsync serve` sharing one PostgreSQL database:
//   qbsync-bench takeover --sockets A,B --pids PA,PB --qbo URL [--companies 10]
// Hostile peers (HostileBench.swift, HostilePeer.swift, HostileAbuses+*.swift), against `qbsync serve`
// with its built-in simulator (company "demo"):
// Drift (DriftBench.swift), against `qbsync serve` on --socket whose QBO is the qbo-sim at --qbo URL:
//   qbsync-bench reconcile --socket PATH --qbo URL [--invoices 90000 --payments 10000 --deleted 100 --rounds 3 --server-pid PID]
//   qbsync-bench drift-poll --socket PATH --qbo URL [--companies 100 --seconds 180 --interval 30 --edit-every 30 --budget 500 --invoices 8]
// The Swift client against `qbsync serve` (built-in simulator), for `Scripts/bench clients`
// (ClientBench.swift):
//   qbsync-bench client-calls --socket PATH --callers N --seconds S
//   qbsync-bench hostile --abuse NAME --socket PATH --server-pid PID [--seconds 20] [--baseline-seconds 10]
//                [--max-connections 1024] [--probe-interval-ms 5] [--probe-connections 4]
//   qbsync-bench hostile-peer --abuse NAME --socket PATH ...     the abuser alone (hostile runs it)
import BenchSupport
import Foundation

switch CommandLine.arguments.dropFirst().first {
case "qbo-setup": try await runQBOSetup()
case "qbo-client": try await runQBOClient()
case "sync-accept": try await runSyncAccept()
case "sync-load": try await runSyncLoad()
case "health-latency": try await runHealthLatency()
case "sync-drain": try await runSyncDrain()
case "sync-backfill": try await runSyncBackfill()
case "fanout": try await runFanout()
case "client-calls": try await runClientCalls()
case "reconcile": try await runReconcile()
case "drift-poll": try await runDriftPoll()
case "hostile": try await runHostile()
case "hostile-peer": try await runHostilePeer()
case "takeover": try await runTakeover()
default:
    FileHandle.standardError.write(Data("""
        usage: qbsync-bench qbo-setup|qbo-client|sync-accept|sync-load|health-latency|sync-drain|sync-backfill|fanout|takeover|client-calls|reconcile|drift-poll|hostile|hostile-peer [options] (see Benchmarks/QBSyncBench/main.swift)

        """.utf8))
    exit(2)
}
