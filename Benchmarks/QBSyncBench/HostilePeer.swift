// Hostile peers (Scripts/bench hostile), the abusing side: `qbsync-bench hostile-peer --abuse NAME
// --socket PATH` runs one abuse and prints one JSON line of what it sent and what the server
// answered. `qbsync-bench hostile` (HostileBench.swift) runs it as a child process, so that the
// abuser's blocking sockets and CPU never sit in the process that times the legitimate client.
// The abuses themselves are in HostileAbuses+Requests.swift and HostileAbuses+Connections.swift.
import BenchSupport
import Foundation
import QBSyncTesting
import QBSyncWire

#if canImport(Glibc)
import Glibc
#endif

/// The abuse patterns, one peer at a time; the raw values are the `--abuse` names.
enum Abuse: String, CaseIterable {
    case strings, churn, pinger
    case openCalls = "open-calls"
    case connections, filters
    case slowSubscriber = "slow-subscriber"
    /// Not an abuse: abuse 7's invoices alone, to tell its load from its subscriber.
    case invoicesOnly = "invoices-only"
    case longNames = "long-names"
    case largeList = "large-list"
    case largeInvoice = "large-invoice"
}

/// What one abuse run tells the bench: JSON values (numbers, quoted strings, objects) by key.
typealias PeerReport = [String: String]

/// The company every abuse addresses: the one `qbsync serve` registers with its built-in simulator.
let demoCompany = "demo"

func runHostilePeer() async throws {
    guard let abuse = Abuse(rawValue: argument("--abuse", default: "")) else {
        fail("hostile-peer: --abuse must be one of \(Abuse.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let end = ContinuousClock.now + .milliseconds(Int64(Double(argument("--seconds", default: "20"))! * 1000))
    raiseFileDescriptorLimit()
    let report: PeerReport
    switch abuse {
    case .strings: report = try await abuseStrings(path, until: end)
    case .churn: report = try await abuseChurn(path)
    case .pinger: report = try await abusePinger(path, for: .seconds(Int64(argument("--pinger-seconds", default: "60"))!))
    case .openCalls: report = try await abuseOpenCalls(path, until: end)
    case .connections: report = try await abuseConnections(path, until: end)
    case .filters: report = try await abuseFilters(path, until: end)
    case .slowSubscriber: report = try await abuseSlowSubscriber(path, until: end)
    case .invoicesOnly: report = try await syncInvoices(path, rate: invoiceRate, until: end)
    case .longNames: report = try await abuseLongNames(path, until: end)
    case .largeList: report = try await abuseLargeFrames(path, until: end, payload: largeListRecords(), method: QuickBooksSync.Method.listRecords.path)
    case .largeInvoice: report = try await abuseLargeFrames(path, until: end, payload: try largeInvoice(), method: QuickBooksSync.Method.syncInvoice.path)
    }
    printJSON(["label": "\"hostile-peer\"", "abuse": "\"\(abuse.rawValue)\""], extra: report)
}

// MARK: Wire helpers

/// The canonical name of a status code ("OK", "INVALID_ARGUMENT", ...).
func codeName(_ code: UInt32) -> String {
    code == 0 ? "OK" : RPCError.Code(rawValue: code)?.description ?? "\(code)"
}

/// Final statuses by code name, as a JSON object.
struct StatusTally {
    private(set) var counts: [String: Int] = [:]

    mutating func add(_ code: UInt32) { self.counts[codeName(code), default: 0] += 1 }
    subscript(name: String) -> Int { self.counts[name] ?? 0 }
    var total: Int { self.counts.values.reduce(0, +) }
    var json: String { jsonObject(self.counts.mapValues { "\($0)" }) }
}

/// A JSON object from keys and JSON-encoded values, keys sorted.
func jsonObject(_ fields: [String: String]) -> String {
    "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
}

/// A JSON string (the few characters a status or GoAway message may need escaped).
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// Connects and completes the handshake, waiting in `poll` rather than in RawPeer's 2 ms
/// sleeps (churn does 10,000 of these).
func helloedPeer(_ path: String) async throws -> RawPeer {
    let peer = try RawPeer(path: path)
    peer.sendHello()
    guard case .hello? = try await nextFrame(peer, timeout: .seconds(10))?.kind else {
        throw RPCError(code: .unavailable, message: "the server did not answer the Hello")
    }
    return peer
}

/// The peer's next frame, or nil at EOF or after `timeout`. Blocks in `poll` (in slices of
/// at most 100 ms) until the socket is readable, then lets RawPeer read and reassemble.
func nextFrame(_ peer: RawPeer, timeout: Duration) async throws -> Envelope.Frame? {
    if let frame = try await peer.readFrame(timeout: .zero) { return frame }  // already buffered
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        var descriptor = pollfd(fd: peer.fileDescriptor, events: Int16(POLLIN), revents: 0)
        let left = deadline - ContinuousClock.now
        let slice = min(100, max(1, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
        if poll(&descriptor, 1, slice) > 0 { return try await peer.readFrame(timeout: max(.milliseconds(100), left)) }
        await Task.yield()
    }
    return nil
}

/// Whether the server hung up on the peer (FIN or RST), without reading anything.
func hungUp(_ peer: RawPeer) -> Bool {
    let events = Int16(0x2000) | Int16(POLLHUP) | Int16(POLLERR)  // 0x2000: POLLRDHUP
    var descriptor = pollfd(fd: peer.fileDescriptor, events: events, revents: 0)
    return poll(&descriptor, 1, 0) > 0 && descriptor.revents & events != 0
}

/// `message` packed, with the bytes of `placeholder` (which must occur once) replaced by
/// `bytes` of the same length: how a peer sends what a Swift String cannot hold.
func packed<M: WireMessage>(_ message: M, replacing placeholder: String, with bytes: [UInt8]) -> [UInt8] {
    let needle = Array(placeholder.utf8)
    precondition(needle.count == bytes.count, "the replacement must keep the length")
    var packed = message.packed()
    guard let start = (0...(packed.count - needle.count)).first(where: { packed[$0..<($0 + needle.count)].elementsEqual(needle) }) else {
        fail("placeholder \(placeholder) not found in the packed message")
    }
    packed.replaceSubrange(start..<(start + needle.count), with: bytes)
    return packed
}

/// Keeps `window` calls in flight on one connection until `end`, then waits (at most 10 s)
/// for the ones still open. `open` sends stream `id`'s frames and returns the status code
/// the server should end it with; what it really ended with is tallied.
func pipeline(_ peer: RawPeer, window: Int, until end: ContinuousClock.Instant, firstStream: UInt32 = 1,
              open: (UInt32) -> UInt32) async throws -> PeerReport {
    var expected: [UInt32: UInt32] = [:]
    var next = firstStream
    var tally = StatusTally()
    var unexpected = 0
    var goAway = "null"
    var sent = 0
    let start = ContinuousClock.now
    reading: while ContinuousClock.now < end || !expected.isEmpty {
        while expected.count < window && ContinuousClock.now < end {
            expected[next] = open(next)
            next += 1
            sent += 1
        }
        guard let frame = try await nextFrame(peer, timeout: .seconds(10)) else { break }
        switch frame.kind {
        case .status(let status)?:
            tally.add(status.code)
            if expected.removeValue(forKey: frame.streamID) != status.code { unexpected += 1 }
        case .goaway(let away)?:
            goAway = jsonString("\(away.reason): \(away.message)")
            break reading
        default: continue
        }
    }
    let elapsed = seconds(ContinuousClock.now - start)
    return ["calls": "\(sent)", "statuses": tally.json, "unexpected_statuses": "\(unexpected)", "unanswered": "\(expected.count)",
            "goaway": goAway, "window": "\(window)", "seconds": format(elapsed, 2), "calls_per_second": "\(Int(Double(tally.total) / max(elapsed, 0.001)))"]
}

/// The soft file-descriptor limit raised to the hard one (the connection abuse needs
/// more than a thousand sockets).
func raiseFileDescriptorLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// Seconds since `start`, with `digits` decimals, as JSON.
func secondsSince(_ start: ContinuousClock.Instant, _ digits: Int = 2) -> String {
    format(seconds(ContinuousClock.now - start), digits)
}
