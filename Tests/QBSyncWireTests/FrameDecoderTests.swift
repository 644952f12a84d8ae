import NIOCore
import Testing

@testable import QBSyncWire

@Suite(.timeLimit(.minutes(3))) struct FrameDecoderTests {
    @Test func framesSplitAtAnyByteReassemble() throws {
        var wire = ByteBuffer()
        let frames = (1...5).map { Envelope.Frame(streamID: UInt32($0), kind: .message(.init(payload: Array(repeating: UInt8($0), count: $0 * 100)))) }
        for frame in frames { wire.writeFrame(frame) }
        var inbound = ByteBuffer()
        var decoded: [Envelope.Frame] = []
        while let byte = wire.readInteger(as: UInt8.self) {
            inbound.writeInteger(byte)
            if let frame = try FrameDecoder.nextFrame(from: &inbound, maxFrameSize: 4096) { decoded.append(frame) }
        }
        #expect(decoded == frames)
    }

    @Test func oversizedLengthIsRejectedFromThePrefixAlone() {
        var buffer = ByteBuffer(bytes: [0x00, 0x10, 0x00, 0x01])
        #expect(throws: FrameError(kind: .tooLarge, message: "frame of 1048577 bytes exceeds the limit of 1048576 bytes")) {
            _ = try FrameDecoder.nextFrame(from: &buffer, maxFrameSize: 1 << 20)
        }
    }

    @Test func garbageBodyIsMalformed() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 2, 0xFF, 0xFF])
        let error = #expect(throws: FrameError.self) { _ = try FrameDecoder.nextFrame(from: &buffer, maxFrameSize: 1024) }
        #expect(error?.kind == .malformed)
    }

    @Test func incompleteFrameWaitsForMore() throws {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 10, 8, 1])
        #expect(try FrameDecoder.nextFrame(from: &buffer, maxFrameSize: 1024) == nil)
        #expect(buffer.readableBytes == 6)
    }

    @Test func statusCodesMapToTypedErrors() {
        #expect(Envelope.Status.ok.error == nil)
        #expect(Envelope.Status(code: 9, message: "sign flip").error?.code == .failedPrecondition)
        #expect(Envelope.Status(code: 99, message: "future").error?.code == .unknown)
        let detail = RecordRef(companyID: "c", entity: .invoice, externalID: "i")
        let error = RPCError(code: .notFound, message: "no such record", detail: detail)
        #expect(Envelope.Status(error).error?.detail(RecordRef.self) == detail)
    }
}
