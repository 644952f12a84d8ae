// Event fan-out (Scripts/bench sync): many StreamSyncEvents subscribers, one burst of events.
import BenchSupport
import Foundation
import QBSyncClient
import QBSyncWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `SyncEventStreamMessage` read only as far as the bench needs: whether it is the health
/// snapshot, and the event's sequence. Skipping the full decode keeps 1,000 subscribers'
/// parsing (10 million messages) from taking the CPU the server needs on a 2-core machine;
/// `--decode full` uses the generated type instead.
struct EventDigest: WireMessage {
    static let protoMessageName = "qbsync.v1.SyncEventStreamMessage"
    var isHealth = false
    var sequence: UInt64 = 0

    init(unpacking bytes: UnsafeRawBufferPointer, allocator: WireAllocator) throws(WireDecodingError) {
        var reader = ProtobufReader(bytes: bytes)
        while let (field, wireType) = reader.tag() {
            if field == 2 && wireType == 2 { self.isHealth = true }
            if field == 1 && wireType == 2, let event = reader.lengthDelimited() {
                var inner = ProtobufReader(bytes: event)
                while let (innerField, innerType) = inner.tag() {
                    if innerField == 1 && innerType == 0 { self.sequence = inner.varint() ?? 0; break }
                    guard inner.skip(innerType) else { break }
                }
                continue
            }
            guard reader.skip(wireType) else { throw WireDecodingError(messageName: Self.protoMessageName, byteCount: bytes.count) }
        }
    }

    func withPacked<Result>(allocator: WireAllocator, _ body: (_ size: Int, _ pack: (UnsafeMutableRawPointer) -> Int) throws -> Result) rethrows -> Result {
        try body(0) { _ in 0 }  // never sent
    }

    func fieldWithNUL(prefix: String) -> String? { nil }
}

/// Just enough protobuf to walk tags, varints and length-delimited fields.
private struct ProtobufReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while self.offset < self.bytes.count, shift < 64 {
            let byte = self.bytes[self.offset]
            self.offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    mutating func tag() -> (field: UInt64, wireType: UInt64)? {
        guard self.offset < self.bytes.count, let key = self.varint() else { return nil }
        return (key >> 3, key & 7)
    }

    mutating func lengthDelimited() -> UnsafeRawBufferPointer? {
        guard let length = self.varint(), self.offset + Int(length) <= self.bytes.count else { return nil }
        defer { self.offset += Int(length) }
        return UnsafeRawBufferPointer(rebasing: self.bytes[self.offset..<self.offset + Int(length)])
    }

    mutating func skip(_ wireType: UInt64) -> Bool {
        switch wireType {
        case 0: return self.varint() != nil
        case 1: self.offset += 8
        case 2: return self.lengthDelimited() != nil
        case 5: self.offset += 4
        default: return false
        }
        return self.offset <= self.bytes.count
    }
}

/// What one subscriber saw.
private struct SubscriberResult: Sendable {
    var events = 0
    var firstAt: UInt64 = 0   // ns, monotonic
    var lastAt: UInt64 = 0
    var endCode: String?      // status it ended with, if the server ended it
}

/// Opens `--subscribers` StreamSyncEvents subscriptions (filtered to one company, spread
/// over `--connections` client connections), waits until every one has received its health
/// snapshot (so it is registered), then sends `--events` SyncInvoice calls for the
/// disconnected company (one PENDING event each) and times delivery to every subscriber.
func runFanout() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let admin = SimulatorAdmin(base: argument("--qbo", default: "http://127.0.0.1:8089"))
    let subscribers = Int(argument("--subscribers", default: "1000"))!
    let connections = Int(argument("--connections", default: "10"))!
    let events = Int(argument("--events", default: "10000"))!
    let serverPID = Int32(argument("--server-pid", default: "0"))!
    let fullDecode = argument("--decode", default: "digest") == "full"

    let control = try await QBSyncClient(socketPath: path)
    let company = try await BenchCompany.setUp(client: control, admin: admin, disconnect: true)
    try await Task.sleep(for: .milliseconds(500))
    let rssBefore = rssKiB(pid: serverPID)

    var clients: [QBSyncClient] = []
    for _ in 0..<connections { clients.append(try await QBSyncClient(socketPath: path)) }
    let request = StreamSyncEventsRequest(companyID: company.id, includeHealth: true)
    let digest = RPCMethod<StreamSyncEventsRequest, EventDigest>(path: QuickBooksSync.Method.streamSyncEvents.path, kind: .serverStreaming)
    let ready = Counter()
    let tasks = (0..<subscribers).map { index in
        let client = clients[index % connections]
        return Task { () -> SubscriberResult in
            var result = SubscriberResult()
            func received(isHealth: Bool) -> Bool {
                if isHealth { ready.add(); return false }
                let now = nowNanoseconds()
                if result.events == 0 { result.firstAt = now }
                result.events += 1
                result.lastAt = now
                return result.events >= events
            }
            do {
                if fullDecode {
                    for try await message in client.streamSyncEvents(request) {
                        if case .health = message.kind { _ = received(isHealth: true) } else if received(isHealth: false) { break }
                    }
                } else {
                    for try await message in client.serverStreaming(digest, request) where received(isHealth: message.isHealth) { break }
                }
                if result.events < events && !Task.isCancelled { result.endCode = "OK" }
            } catch {
                if !Task.isCancelled { result.endCode = "\((error as? RPCError)?.code.description ?? "\(error)")" }
            }
            return result
        }
    }
    let subscribeStart = ContinuousClock.now
    while ready.current < subscribers {
        if ContinuousClock.now - subscribeStart > .seconds(120) { fail("only \(ready.current) of \(subscribers) subscriptions opened") }
        try await Task.sleep(for: .milliseconds(20))
    }
    let subscribeSeconds = seconds(ContinuousClock.now - subscribeStart)
    try await Task.sleep(for: .milliseconds(500))
    let rssSubscribed = rssKiB(pid: serverPID)

    let peak = Mutex(rssSubscribed)
    let sampler = Task {
        while !Task.isCancelled {
            let rss = rssKiB(pid: serverPID)
            peak.withLock { $0 = max($0, rss) }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
    let burstStart = nowNanoseconds()
    _ = try await company.send(0..<events, callers: 32, client: control)
    let producerEnd = nowNanoseconds()

    // Wait for every subscriber (at most 10 minutes), then stop the stragglers.
    let deadline = Task {
        try await Task.sleep(for: .seconds(600))
        for task in tasks { task.cancel() }
    }
    var results: [SubscriberResult] = []
    for task in tasks { results.append(await task.value) }
    deadline.cancel()
    sampler.cancel()
    let rssDone = rssKiB(pid: serverPID)
    for client in clients { await client.close() }
    try await Task.sleep(for: .seconds(1))
    let rssClosed = rssKiB(pid: serverPID)

    let complete = results.filter { $0.events >= events }
    let delivered = results.reduce(0) { $0 + $1.events }
    let fastest = complete.map(\.lastAt).min() ?? 0
    let slowest = complete.map(\.lastAt).max() ?? 0
    let firstDelivery = results.filter { $0.events > 0 }.map(\.firstAt).min() ?? burstStart
    var endCodes: [String: Int] = [:]
    for result in results { if let code = result.endCode { endCodes[code, default: 0] += 1 } }
    let ms = { (ns: UInt64) in format(Double(ns) / 1e6) }
    let window = Double(slowest > burstStart ? slowest - burstStart : 1) / 1e9
    printJSON([
        "label": "\"fanout\"", "subscribers": "\(subscribers)", "connections": "\(connections)", "events": "\(events)",
        "decode": fullDecode ? "\"full\"" : "\"digest\"",
        "subscribe_seconds": format(subscribeSeconds, 2),
        "producer_seconds": format(Double(producerEnd - burstStart) / 1e9, 3),
        "producer_invoices_per_second": "\(Int(Double(events) / (Double(producerEnd - burstStart) / 1e9)))",
        "delivered": "\(delivered)", "complete_subscribers": "\(complete.count)",
        "delivery_seconds": format(window, 3),
        "delivered_per_second": "\(Int(Double(delivered) / window))",
        "first_delivery_ms": ms(firstDelivery - burstStart),
        "fastest_last_ms": ms(fastest > burstStart ? fastest - burstStart : 0),
        "slowest_last_ms": ms(slowest > burstStart ? slowest - burstStart : 0),
        "lag_fastest_to_slowest_ms": ms(slowest - fastest),
        "lag_last_commit_to_slowest_ms": ms(slowest > producerEnd ? slowest - producerEnd : 0),
        "resource_exhausted": "\(endCodes["RESOURCE_EXHAUSTED"] ?? 0)",
        "ended_early": "{" + endCodes.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}",
        "server_rss_before_kib": "\(rssBefore)", "server_rss_subscribed_kib": "\(rssSubscribed)",
        "server_rss_peak_kib": "\(peak.withLock { $0 })", "server_rss_after_burst_kib": "\(rssDone)",
        "server_rss_closed_kib": "\(rssClosed)",
    ])
    await control.close()
}
