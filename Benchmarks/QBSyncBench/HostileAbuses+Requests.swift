// Hostile peers (Scripts/bench hostile): the abuses made of requests on one connection: bad
// strings, filter lists of every length, long method names and cancel reasons, 4 MiB frames.
import BenchSupport
import Foundation
import QBSyncTesting
import QBSyncWire

/// A one-line invoice for an unlinked customer of the demo company (accepted BLOCKED).
func benchInvoice(_ id: String) -> SyncInvoiceRequest {
    SyncInvoiceRequest(companyID: demoCompany, invoice: Invoice(
        externalID: id, customerExternalID: "c1", docNumber: "H1", txnDate: "2026-11-21", currency: "USD",
        lines: [InvoiceLine(kind: .sale, itemCode: "TENT-20", description: "20x20 tent", quantity: "3", unitRate: "125.00", amountMinor: 37_500)]))
}

/// 1. SyncInvoice requests whose external_id holds a NUL, invalid UTF-8 or an overlong NUL
/// (C0 80), 32 in flight; each must be refused INVALID_ARGUMENT.
func abuseStrings(_ path: String, until end: ContinuousClock.Instant) async throws -> PeerReport {
    let requests = [
        packed(benchInvoice("INV-100Xdup"), replacing: "INV-100Xdup", with: Array("INV-100".utf8) + [0] + Array("dup".utf8)),
        packed(benchInvoice("INV-ZZ"), replacing: "INV-ZZ", with: Array("INV-".utf8) + [0xFF, 0xFE]),
        packed(benchInvoice("INV-YY"), replacing: "INV-YY", with: Array("INV-".utf8) + [0xC0, 0x80]),
    ]
    let peer = try await helloedPeer(path)
    return try await pipeline(peer, window: 32, until: end) { id in
        peer.call(streamID: id, method: QuickBooksSync.Method.syncInvoice.path, request: requests[Int(id) % requests.count])
        return RPCError.Code.invalidArgument.rawValue
    }
}

/// 6. ListRecords with status lists of every length 1...32 (accepted; deduplicated, so
/// lengths under 6 also vary which statuses are asked for) and of 33, 100, 10,000 and 250,001
/// entries (INVALID_ARGUMENT), in turn, 32 in flight.
func abuseFilters(_ path: String, until end: ContinuousClock.Instant) async throws -> PeerReport {
    let statuses: [SyncStatus] = [.pending, .syncing, .synced, .blocked, .errored, .skipped]
    let lengths = Array(1...32) + [33, 100, 10_000, 250_001]
    let requests = lengths.map { count in
        ListRecordsRequest(companyID: demoCompany, statuses: (0..<count).map { statuses[($0 + count) % statuses.count] }).packed()
    }
    let peer = try await helloedPeer(path)
    var report = try await pipeline(peer, window: 32, until: end) { id in
        let index = Int(id) % lengths.count
        peer.call(streamID: id, method: QuickBooksSync.Method.listRecords.path, request: requests[index])
        return lengths[index] <= 32 ? 0 : RPCError.Code.invalidArgument.rawValue
    }
    report["lengths"] = "\"1-32, 33, 100, 10000, 250001\""
    return report
}

/// 8. Unknown methods whose names are 10,000 characters ("é", 20,000 bytes) and GetHealth
/// calls cancelled before their request with a 60,000-character reason, alternately, 32 in flight.
func abuseLongNames(_ path: String, until end: ContinuousClock.Instant) async throws -> PeerReport {
    let method = "/qbsync.v1.QuickBooksSync/" + String(repeating: "é", count: 10_000)
    let reason = String(repeating: "r", count: 60_000)
    let health = GetHealthRequest().packed()
    let peer = try await helloedPeer(path)
    return try await pipeline(peer, window: 32, until: end) { id in
        if id % 2 == 1 {
            peer.call(streamID: id, method: method, request: health)
            return RPCError.Code.unimplemented.rawValue
        }
        peer.send(Envelope.Frame(streamID: id, kind: .open(Envelope.OpenCall(method: QuickBooksSync.Method.getHealth.path))))
        peer.send(Envelope.Frame(streamID: id, kind: .cancel(Envelope.Cancel(reason: reason))))
        return RPCError.Code.cancelled.rawValue
    }
}

// MARK: 9. 4 MiB requests

/// Stream ids of the large frames start here: two-byte varints keep every frame the same size.
private let largeFirstStream: UInt32 = 200

/// A payload that makes its message frame's body exactly the server's default limit, 4 MiB.
let largePayloadSize: Int = {
    let limit = WireProtocol.defaultMaxFrameSize
    let framing = messageFrameHeader(streamID: largeFirstStream, payloadCount: limit - 16).count - 4 + messageFrameTrailer.count
    return limit - framing
}()

/// Protobuf varint encoding.
func varint(_ value: Int) -> [UInt8] {
    var value = UInt64(value)
    var bytes: [UInt8] = []
    while value >= 0x80 {
        bytes.append(UInt8(value & 0x7F) | 0x80)
        value >>= 7
    }
    return bytes + [UInt8(value)]
}

/// The bytes before a message frame's payload: the length prefix, then
/// `Frame{stream_id: id, message: Message{payload: ...` (field numbers as in docs/protocol.md's
/// byte-by-byte example); `messageFrameTrailer` (`end_of_stream: true`) follows the payload.
/// Writing the three parts separately spares the peer re-encoding 4 MiB ten times a second.
func messageFrameHeader(streamID: UInt32, payloadCount: Int) -> [UInt8] {
    let message = 1 + varint(payloadCount).count + payloadCount + messageFrameTrailer.count
    let head = [0x08] + varint(Int(streamID)) + [0x22] + varint(message) + [0x0A] + varint(payloadCount)
    let body = UInt32(head.count + payloadCount + messageFrameTrailer.count)
    return [UInt8(body >> 24), UInt8((body >> 16) & 0xFF), UInt8((body >> 8) & 0xFF), UInt8(body & 0xFF)] + head
}

let messageFrameTrailer: [UInt8] = [0x10, 0x01]

/// A ListRecords request of `largePayloadSize` bytes: the demo company and about 4.2 million
/// PENDING statuses (packed, one byte each), which the server must decode before it can refuse
/// the list (INVALID_ARGUMENT past 32 entries). Built by hand; checked against the generated
/// encoder on a short list.
func largeListRecords() -> [UInt8] {
    func encoded(count: Int) -> [UInt8] {
        [0x0A] + varint(demoCompany.utf8.count) + Array(demoCompany.utf8) + [0x1A] + varint(count) + [UInt8](repeating: 1, count: count)
    }
    guard encoded(count: 3) == ListRecordsRequest(companyID: demoCompany, statuses: [.pending, .pending, .pending]).packed() else {
        fail("the hand-built ListRecords encoding differs from the generated one")
    }
    let count = largePayloadSize - encoded(count: 0).count - (varint(largePayloadSize).count - 1)
    let bytes = encoded(count: count)
    guard bytes.count == largePayloadSize else { fail("large ListRecords is \(bytes.count) bytes, not \(largePayloadSize)") }
    return bytes
}

/// A valid SyncInvoice request of `largePayloadSize` bytes (or just under): 1,000 lines (the
/// most accepted), each with a 100-character item and tax code and a description of up to
/// 4,000 characters, padded with the private note. The first is stored BLOCKED (the
/// customer is not linked); the same request again is decoded, validated and found unchanged.
func largeInvoice() throws -> [UInt8] {
    func encoded(description: Int, note: Int) -> [UInt8] {
        let line = InvoiceLine(kind: .sale, itemCode: "TENT-" + String(repeating: "X", count: 95), description: String(repeating: "d", count: description),
                               quantity: "3", unitRate: "125.00", amountMinor: 37_500, taxCode: String(repeating: "T", count: 100))
        return SyncInvoiceRequest(companyID: demoCompany, invoice: Invoice(
            externalID: "HUGE-1", customerExternalID: "c1", docNumber: "HUGE1", txnDate: "2026-11-21", currency: "USD",
            lines: Array(repeating: line, count: 1000), privateNote: String(repeating: "n", count: note))).packed()
    }
    var description = 4000
    let full = encoded(description: description, note: 0).count
    if full > largePayloadSize { description -= (full - largePayloadSize + 999) / 1000 }
    let gap = largePayloadSize - encoded(description: description, note: 0).count
    for note in stride(from: min(3900, max(0, gap - 4)), through: min(3900, max(0, gap)), by: 1) {
        let bytes = encoded(description: description, note: note)
        if bytes.count == largePayloadSize { return bytes }
    }
    return encoded(description: description, note: 0)
}

/// 9. One request frame of `payload` (4 MiB) every `interval`, on one connection; the
/// statuses are read as they come. A frame that takes longer than the interval to write
/// delays the next rather than causing a burst.
func abuseLargeFrames(_ path: String, until end: ContinuousClock.Instant, payload: [UInt8], method: String,
                      every interval: Duration = .milliseconds(100)) async throws -> PeerReport {
    let peer = try await helloedPeer(path)
    var sentAt: [UInt32: UInt64] = [:]
    var latencies: [UInt64] = []
    var writes: [UInt64] = []
    var tally = StatusTally()
    var goAway = "null"
    var next = largeFirstStream
    let start = ContinuousClock.now
    var due = start
    reading: while ContinuousClock.now < end || !sentAt.isEmpty {
        if ContinuousClock.now >= due && ContinuousClock.now < end {
            let t0 = nowNanoseconds()
            peer.send(Envelope.Frame(streamID: next, kind: .open(Envelope.OpenCall(method: method))))
            peer.send(messageFrameHeader(streamID: next, payloadCount: payload.count))
            peer.send(payload)
            peer.send(messageFrameTrailer)
            writes.append(nowNanoseconds() - t0)
            sentAt[next] = t0
            next += 1
            due = max(due + interval, .now)
        }
        let wait = ContinuousClock.now < end ? max(.milliseconds(1), due - .now) : .seconds(15)
        guard let frame = try await nextFrame(peer, timeout: wait) else {
            if ContinuousClock.now >= end || hungUp(peer) { break }
            continue
        }
        switch frame.kind {
        case .status(let status)?:
            tally.add(status.code)
            if let t0 = sentAt.removeValue(forKey: frame.streamID) { latencies.append(nowNanoseconds() - t0) }
        case .goaway(let away)?:
            goAway = jsonString("\(away.reason): \(away.message)")
            break reading
        default: continue
        }
    }
    let elapsed = seconds(ContinuousClock.now - start)
    let sorted = latencies.sorted(), writeSorted = writes.sorted()
    let ms = { (us: Double) in format(us / 1000) }
    return [
        "calls": "\(writes.count)", "frame_body_bytes": "\(messageFrameHeader(streamID: next, payloadCount: payload.count).count - 4 + payload.count + 2)",
        "payload_bytes": "\(payload.count)", "statuses": tally.json, "unanswered": "\(sentAt.count)", "goaway": goAway,
        "frames_per_second": format(Double(writes.count) / max(elapsed, 0.001), 2), "seconds": format(elapsed, 2),
        "write_p50_ms": ms(percentileMicroseconds(writeSorted, 0.5)), "write_max_ms": ms(percentileMicroseconds(writeSorted, 1)),
        "answer_p50_ms": ms(percentileMicroseconds(sorted, 0.5)), "answer_max_ms": ms(percentileMicroseconds(sorted, 1)),
    ]
}
