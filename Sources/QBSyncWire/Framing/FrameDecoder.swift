import NIOCore

/// Splits the byte stream into frames: a 4-byte big-endian length, then one
/// protobuf `Frame`.
///
/// The length is checked against the limit as soon as its four bytes arrive,
/// before the body is buffered, so a hostile prefix costs nothing.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Envelope.Frame

    /// Largest frame body accepted, in bytes.
    public let maxFrameSize: Int

    /// Creates a decoder.
    ///
    /// - Parameter maxFrameSize: Largest frame body accepted, in bytes.
    public init(maxFrameSize: Int = WireProtocol.defaultMaxFrameSize) {
        self.maxFrameSize = maxFrameSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.nextFrame(from: &buffer, maxFrameSize: self.maxFrameSize) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try self.decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            throw FrameError(kind: .truncated, message: "connection closed inside a frame (\(buffer.readableBytes) bytes pending)")
        }
        return .needMoreData
    }

    /// Reads one frame from `buffer` if a whole one is there.
    ///
    /// - Returns: The frame, or nil when more bytes are needed.
    /// - Throws: ``FrameError`` for an oversized length or an undecodable body.
    public static func nextFrame(from buffer: inout ByteBuffer, maxFrameSize: Int) throws(FrameError) -> Envelope.Frame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) <= maxFrameSize else {
            throw FrameError(kind: .tooLarge, message: "frame of \(length) bytes exceeds the limit of \(maxFrameSize) bytes")
        }
        let total = WireProtocol.lengthPrefixSize + Int(length)
        guard buffer.readableBytes >= total else { return nil }
        let result: Result<Envelope.Frame, WireDecodingError> = buffer.withUnsafeReadableBytes { bytes in
            let body = UnsafeRawBufferPointer(rebasing: bytes[WireProtocol.lengthPrefixSize..<total])
            return Result { () throws(WireDecodingError) in try Envelope.Frame(unpacking: body) }
        }
        buffer.moveReaderIndex(forwardBy: total)
        switch result {
        case .success(let frame): return frame
        case .failure(let error): throw FrameError(kind: .malformed, message: error.description)
        }
    }
}

/// The byte stream broke the framing rules; the connection cannot continue.
public struct FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: Sendable, Hashable {
        /// The length prefix exceeds the maximum frame size.
        case tooLarge
        /// The body is not a protobuf `Frame`.
        case malformed
        /// The stream ended inside a frame.
        case truncated
    }

    /// What was wrong.
    public var kind: Kind
    /// Explanation for logs and the GoAway.
    public var message: String

    public var description: String { self.message }
}

extension ByteBuffer {
    /// Appends `frame` with its length prefix.
    ///
    /// - Parameter frame: The frame to write.
    /// - Returns: The frame's body size in bytes (without the prefix).
    @discardableResult
    public mutating func writeFrame(_ frame: Envelope.Frame) -> Int {
        frame.withPacked(allocator: .system) { size, pack in
            self.writeInteger(UInt32(size))
            if size > 0 {
                self.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { pack($0.baseAddress!) }
            }
            return size
        }
    }
}
