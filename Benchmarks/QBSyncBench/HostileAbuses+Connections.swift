// Hostile peers (Scripts/bench hostile): the abuses of connections and their state: churn, a
// peer that never reads, calls opened without a request, every connection slot, and an event
// subscriber that grants no credit.
import BenchSupport
import Foundation
import NIOCore
import QBSyncClient
import QBSyncTesting
import QBSyncWire

/// Frames as the peer writes them, length prefixes included.
func wireBytes(_ frames: [Envelope.Frame]) -> [UInt8] {
    var buffer = ByteBuffer()
    for frame in frames { buffer.writeFrame(frame) }
    return Array(buffer.readableBytesView)
}

/// 2. `--rounds` x `--cycles` of: connect, Hello, open a GetHealth call carrying 8 KiB of
/// metadata (never sending its request), ping, wait for the pong (so the server has read
/// both), close. The server's RSS (`--server-pid`) is read after every round.
func abuseChurn(_ path: String) async throws -> PeerReport {
    let rounds = Int(argument("--rounds", default: "10"))!
    let cycles = Int(argument("--cycles", default: "1000"))!
    let serverPID = Int32(argument("--server-pid", default: "0"))!
    let metadata = [Envelope.MetadataEntry(key: "x-pad", value: String(repeating: "m", count: 8 * 1024))]
    let frames = wireBytes([
        Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: QuickBooksSync.Method.getHealth.path, metadata: metadata))),
        Envelope.Frame(streamID: 0, kind: .ping(Envelope.Ping(opaque: 42))),
    ])
    var rss: [Int] = []
    var roundSeconds: [String] = []
    var failures = 0
    let start = ContinuousClock.now
    for _ in 0..<rounds {
        let roundStart = ContinuousClock.now
        for _ in 0..<cycles {
            do {
                let peer = try await helloedPeer(path)
                peer.send(frames)
                guard case .pong? = try await nextFrame(peer, timeout: .seconds(10))?.kind else { failures += 1; continue }
            } catch {
                failures += 1
            }
        }
        roundSeconds.append(secondsSince(roundStart))
        rss.append(rssKiB(pid: serverPID))
    }
    return ["rounds": "\(rounds)", "cycles_per_round": "\(cycles)", "failures": "\(failures)", "seconds": secondsSince(start),
            "rss_after_round_kib": "[\(rss.map(String.init).joined(separator: ","))]", "round_seconds": "[\(roundSeconds.joined(separator: ","))]"]
}

/// 3. Pings and never reads (receive buffer shrunk to 4 KiB) for `duration`. The server stops
/// reading once its answers exceed the outbound budget (seen here as writes refused for
/// 500 ms), and hangs up after its grace period; the peer then connects again and goes on.
func abusePinger(_ path: String, for duration: Duration) async throws -> PeerReport {
    let pings = wireBytes((0..<5_000).map { Envelope.Frame(streamID: 0, kind: .ping(Envelope.Ping(opaque: UInt64($0)))) })
    let start = ContinuousClock.now
    let end = start + duration
    var connections = 0
    var bytesSent = 0
    var stoppedAfter: [String] = []     // s from connect until the server stopped reading
    var hungUpAfter: [String] = []      // s from that stop until the server hung up
    while ContinuousClock.now < end {
        let peer = try await helloedPeer(path)
        peer.setReceiveBufferSize(4096)
        connections += 1
        let connected = ContinuousClock.now
        var refusedSince: ContinuousClock.Instant?
        var stoppedAt: ContinuousClock.Instant?
        var offset = 0  // partial sends resume mid-buffer, so frames stay whole
        while ContinuousClock.now < end {
            let sent = peer.trySend(Array(pings[offset...]))
            offset = (offset + sent) % pings.count
            bytesSent += sent
            if sent > 0 {
                refusedSince = nil
                continue
            }
            if hungUp(peer) {
                hungUpAfter.append(format(seconds(ContinuousClock.now - (stoppedAt ?? connected)), 1))
                break
            }
            let since = refusedSince ?? .now
            refusedSince = since
            if stoppedAt == nil, ContinuousClock.now - since > .milliseconds(500) {
                stoppedAt = since
                stoppedAfter.append(format(seconds(since - connected), 2))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
    return ["seconds": secondsSince(start), "connections": "\(connections)", "bytes_sent": "\(bytesSent)",
            "stopped_reading_after_s": "[\(stoppedAfter.joined(separator: ","))]", "hung_up_after_stop_s": "[\(hungUpAfter.joined(separator: ","))]"]
}

/// 4. On one connection, batches of `--batch` (80) GetHealth calls opened with 16 KiB of
/// metadata each (the most one call may carry) and no request: the server takes as many as
/// its 1 MiB per connection holds and refuses the rest RESOURCE_EXHAUSTED; the accepted ones
/// end DEADLINE_EXCEEDED after the request timeout, and the next batch follows.
func abuseOpenCalls(_ path: String, until end: ContinuousClock.Instant) async throws -> PeerReport {
    let batch = Int(argument("--batch", default: "80"))!
    let key = "x-pad"
    let metadata = [Envelope.MetadataEntry(key: key, value: String(repeating: "m", count: WireProtocol.maxMetadataBytesPerCall - key.utf8.count))]
    let peer = try await helloedPeer(path)
    var next: UInt32 = 1
    var tally = StatusTally()
    var acceptedPerBatch: [Int] = []
    var timeoutAfter: [String] = []  // s from a batch until its last call timed out
    var silent = false
    let start = ContinuousClock.now
    while ContinuousClock.now < end && !silent {
        let sentAt = ContinuousClock.now
        var pending = Set<UInt32>()
        peer.send(wireBytes((0..<batch).map { index in
            pending.insert(next + UInt32(index))
            return Envelope.Frame(streamID: next + UInt32(index), kind: .open(Envelope.OpenCall(method: QuickBooksSync.Method.getHealth.path, metadata: metadata)))
        }))
        next += UInt32(batch)
        var timedOut = 0
        while !pending.isEmpty {
            guard let frame = try await nextFrame(peer, timeout: .seconds(30)) else { silent = true; break }
            guard case .status(let status)? = frame.kind, pending.remove(frame.streamID) != nil else { continue }
            tally.add(status.code)
            if status.code == RPCError.Code.deadlineExceeded.rawValue { timedOut += 1 }
        }
        acceptedPerBatch.append(timedOut)
        timeoutAfter.append(format(seconds(ContinuousClock.now - sentAt), 1))
    }
    return ["seconds": secondsSince(start), "batch": "\(batch)", "metadata_bytes_per_call": "\(WireProtocol.maxMetadataBytesPerCall)",
            "statuses": tally.json, "held_per_batch": "[\(acceptedPerBatch.map(String.init).joined(separator: ","))]",
            "batch_done_after_s": "[\(timeoutAfter.joined(separator: ","))]", "server_went_silent": "\(silent)"]
}

/// 5. `--max-connections` + 64 connections, each sending Hello: the server serves up to its
/// cap (the bench's own GetHealth connections count) and refuses the rest with GoAway. The
/// served ones are held open, idle, until the end; meanwhile a newcomer (a QBSyncClient)
/// tries to connect and call GetHealth.
func abuseConnections(_ path: String, until end: ContinuousClock.Instant) async throws -> PeerReport {
    let attempts = Int(argument("--max-connections", default: "1024"))! + 64
    let start = ContinuousClock.now
    var peers: [RawPeer] = []
    var connectFailures = 0
    for _ in 0..<attempts {
        do {
            let peer = try RawPeer(path: path)
            peer.sendHello()
            peers.append(peer)
        } catch {
            connectFailures += 1
        }
    }
    var served: [RawPeer] = []
    var refused: [String: Int] = [:]
    var refusal = "null"
    var silent = 0
    for peer in peers {
        switch try await nextFrame(peer, timeout: .seconds(20))?.kind {
        case .hello?: served.append(peer)
        case .goaway(let away)?:
            refused["\(away.reason)", default: 0] += 1
            refusal = jsonString(away.message)
        default: silent += 1
        }
    }
    peers.removeAll()
    let openedSeconds = secondsSince(start)
    let newcomer: String
    do {
        let client = try await QBSyncClient(socketPath: path)
        _ = try await client.getHealth(GetHealthRequest())
        newcomer = "served"
        await client.close()
    } catch {
        newcomer = "\(error.code): \(error.message)"
    }
    while ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(100)) }
    let dropped = served.filter(hungUp).count
    return ["attempts": "\(attempts)", "served": "\(served.count)", "refused": jsonObject(refused.mapValues { "\($0)" }),
            "refusal_message": refusal, "unanswered": "\(silent)", "connect_failures": "\(connectFailures)",
            "opened_seconds": openedSeconds, "seconds": secondsSince(start), "newcomer_while_held": jsonString(newcomer),
            "served_dropped_while_held": "\(dropped)"]
}

/// The legitimate load of abuse 7: `rate` invoices a second, one call at a time on its own
/// connection, until `end`. Alone (`--abuse invoices-only`) it is the control for abuse 7.
func syncInvoices(_ path: String, rate: Double, until end: ContinuousClock.Instant) async throws -> PeerReport {
    let client = try await QBSyncClient(socketPath: path)
    var (accepted, failed, number) = (0, 0, 0)
    var due = ContinuousClock.now
    while ContinuousClock.now < end {
        while due <= .now && ContinuousClock.now < end {
            do { _ = try await client.syncInvoice(benchInvoice("slow-\(number)")); accepted += 1 } catch { failed += 1 }
            number += 1
            due += .nanoseconds(Int64(1e9 / rate))
        }
        try await Task.sleep(until: due)
    }
    await client.close()
    return ["invoice_rate": format(rate, 0), "invoices_accepted": "\(accepted)", "invoices_failed": "\(failed)"]
}

/// 7. StreamSyncEvents for the demo company with a window of 1 (taken by the health
/// snapshot) and no WindowUpdate ever, while a second connection syncs `--invoice-rate` (1,000)
/// invoices a second; each subscription ends (RESOURCE_EXHAUSTED once it is too far behind)
/// and the next opens on the same connection, until the end.
func abuseSlowSubscriber(_ path: String, until end: ContinuousClock.Instant) async throws -> PeerReport {
    let producer = Task { try await syncInvoices(path, rate: invoiceRate, until: end) }
    let peer = try await helloedPeer(path)
    let request = StreamSyncEventsRequest(companyID: demoCompany, includeHealth: true).packed()
    var next: UInt32 = 1
    var ends = StatusTally()
    var lifetimes: [String] = []
    var messages = 0
    var openAtEnd = 0
    let start = ContinuousClock.now
    while ContinuousClock.now < end {
        let id = next
        next += 1
        peer.send(wireBytes([
            Envelope.Frame(streamID: id, kind: .open(Envelope.OpenCall(method: QuickBooksSync.Method.streamSyncEvents.path, initialWindow: 1))),
            Envelope.Frame(streamID: id, kind: .message(Envelope.Message(payload: request, endOfStream: true))),
        ]))
        let opened = ContinuousClock.now
        var ended = false
        while !ended, ContinuousClock.now < end, let frame = try await nextFrame(peer, timeout: max(.milliseconds(1), end - .now)) {
            switch frame.kind {
            case .message?: messages += 1
            case .status(let status)? where frame.streamID == id:
                ends.add(status.code)
                lifetimes.append(format(seconds(ContinuousClock.now - opened), 1))
                ended = true
            default: continue
            }
        }
        if !ended { openAtEnd += 1 }
    }
    var report = try await producer.value
    report.merge(["seconds": secondsSince(start), "subscriptions": "\(next - 1)", "ended": ends.json, "open_at_end": "\(openAtEnd)",
                  "subscription_seconds": "[\(lifetimes.joined(separator: ","))]", "messages_received": "\(messages)"]) { $1 }
    return report
}

/// Invoices a second for abuse 7 and its control.
let invoiceRate = Double(argument("--invoice-rate", default: "1000"))!
