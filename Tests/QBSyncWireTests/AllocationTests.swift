import Testing

@testable import QBSyncWire

/// Every byte libprotobuf-c allocates while packing or unpacking is freed.
@Suite(.timeLimit(.minutes(3))) struct AllocationTests {
    private static let request = SyncInvoiceRequest(
        companyID: "acme",
        invoice: Invoice(
            externalID: "inv-1",
            customerExternalID: "cust",
            docNumber: "1001",
            lines: (0..<20).map { InvoiceLine(kind: .sale, itemCode: "ITEM-\($0)", description: String(repeating: "x", count: $0 * 10), quantity: "2", unitRate: "10.50", amountMinor: 2100) },
            voided: false
        )
    )

    @Test func packingAndUnpackingLeakNothing() throws {
        let counter = CountingAllocator()
        for _ in 0..<200 {
            let bytes = Self.request.withPacked(allocator: counter.allocator) { size, pack in
                [UInt8](unsafeUninitializedCapacity: size) { buffer, count in count = pack(buffer.baseAddress!) }
            }
            let decoded = try bytes.withUnsafeBytes { try SyncInvoiceRequest(unpacking: $0, allocator: counter.allocator) }
            #expect(decoded == Self.request)
        }
        #expect(counter.allocations > 0)
        #expect(counter.live == 0)
        #expect(counter.allocations == counter.frees)
    }

    @Test func failedUnpackLeaksNothing() {
        let counter = CountingAllocator()
        var bytes = Self.request.packed()
        bytes.removeLast(7)  // truncated inside a nested message
        for _ in 0..<100 {
            #expect(throws: WireDecodingError.self) {
                try bytes.withUnsafeBytes { try SyncInvoiceRequest(unpacking: $0, allocator: counter.allocator) }
            }
        }
        #expect(counter.live == 0)
    }

    @Test func framesWithEveryKindLeakNothing() throws {
        let counter = CountingAllocator()
        let frames: [Envelope.Frame] = [
            .init(streamID: 0, kind: .hello(.init(protocolVersion: 1, maxFrameSize: 1024, agent: "t"))),
            .init(streamID: 1, kind: .open(.init(method: "/a/b", timeoutMicros: 5, metadata: [.init(key: "k", value: "v")], initialWindow: 4))),
            .init(streamID: 1, kind: .message(.init(payload: [1, 2, 3], endOfStream: true))),
            .init(streamID: 1, kind: .status(.init(code: 9, message: "m", details: [.init(type: "t", value: [4])]))),
            .init(streamID: 1, kind: .cancel(.init(reason: "r"))),
            .init(streamID: 0, kind: .goaway(.init(lastStreamID: 3, reason: .shutdown, code: 14, message: "bye"))),
            .init(streamID: 2, kind: .windowUpdate(.init(messages: 9))),
        ]
        for frame in frames {
            let bytes = frame.withPacked(allocator: counter.allocator) { size, pack in
                [UInt8](unsafeUninitializedCapacity: size) { buffer, count in count = size == 0 ? 0 : pack(buffer.baseAddress!) }
            }
            let decoded = try bytes.withUnsafeBytes { try Envelope.Frame(unpacking: $0, allocator: counter.allocator) }
            #expect(decoded == frame)
        }
        #expect(counter.live == 0)
    }
}
