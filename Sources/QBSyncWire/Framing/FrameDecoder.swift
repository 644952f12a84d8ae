import NIOCore

/// One frame off the socket.
///
/// A well-formed frame whose strings are not clean UTF-8 (a method path with
/// a NUL byte, say) is still delivered, so the receiver can refuse just that
/// call: its strings are then not to be trusted, and `invalidString` says
/// which one is wrong.
public struct ReceivedFrame: Sendable, Hashable {
    /// The decoded frame.
    public var frame: Envelope.Frame
    /// The first string in the frame that holds a NUL byte or invalid UTF-8.
    public var invalidString: WireDecodingError.InvalidString?

    /// Creates a received frame.
    public init(frame: Envelope.Frame, invalidString: WireDecodingError.InvalidString? = nil) {
        self.frame = frame
        self.invalidString = invalidString
    }
}

/// Splits the byte stream into frames: a 4-byte big-endian length, then one
/// protobuf `Frame`.
///
/// The length is checked against the limit as soon as its four bytes arrive,
/// before the body is buffered, so a hostile prefix costs nothing. Only
/// `message` frames may be large; every other kind (hello, open, cancel, ...)
/// must fit ``WireProtocol/maxControlFrameSize``, checked before decoding, so
/// no one can make the event loop decode megabytes of metadata.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ReceivedFrame

    /// Largest frame body accepted, in bytes.
    public let maxFrameSize: Int

    /// Creates a decoder.
    ///
    /// - Parameter maxFrameSize: Largest frame body accepted, in bytes.
    public init(maxFrameSize: Int = WireProtocol.defaultMaxFrameSize) {
        self.maxFrameSize = maxFrameSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.nextReceivedFrame(from: &buffer, maxFrameSize: self.maxFrameSize) else {
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
    /// - Throws: ``FrameError`` for an oversized length, an undecodable body,
    ///   or (as `.malformed`) a string that is not clean UTF-8.
    public static func nextFrame(from buffer: inout ByteBuffer, maxFrameSize: Int) throws(FrameError) -> Envelope.Frame? {
        guard let received = try self.nextReceivedFrame(from: &buffer, maxFrameSize: maxFrameSize) else { return nil }
        if let invalid = received.invalidString {
            throw FrameError(kind: .malformed, message: "frame field \(invalid)")
        }
        return received.frame
    }

    /// Reads one frame from `buffer` if a whole one is there, delivering a
    /// frame with unclean strings along with what is wrong.
    ///
    /// - Returns: The frame, or nil when more bytes are needed.
    /// - Throws: ``FrameError`` for an oversized length, an oversized control
    ///   frame or an undecodable body.
    public static func nextReceivedFrame(from buffer: inout ByteBuffer, maxFrameSize: Int) throws(FrameError) -> ReceivedFrame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) <= maxFrameSize else {
            throw FrameError(kind: .tooLarge, message: "frame of \(length) bytes exceeds the limit of \(maxFrameSize) bytes")
        }
        let total = WireProtocol.lengthPrefixSize + Int(length)
        guard buffer.readableBytes >= total else { return nil }
        let result: Result<ReceivedFrame, FrameError> = buffer.withUnsafeReadableBytes { bytes in
            let body = UnsafeRawBufferPointer(rebasing: bytes[WireProtocol.lengthPrefixSize..<total])
            if body.count > WireProtocol.maxControlFrameSize && !Self.carriesMessage(body) {
                return .failure(FrameError(
                    kind: .tooLarge,
                    message: "a frame of \(body.count) bytes that carries no message exceeds the limit of \(WireProtocol.maxControlFrameSize) bytes for hello, open, cancel and other control frames"
                ))
            }
            let invalid = WireStringScan.firstInvalidString(in: body, descriptor: Envelope.Frame.cDescriptor)
            do throws(WireDecodingError) {
                return .success(ReceivedFrame(frame: try Envelope.Frame(uncheckedUnpacking: body, allocator: .system), invalidString: invalid))
            } catch {
                return .failure(FrameError(kind: .malformed, message: error.description))
            }
        }
        buffer.moveReaderIndex(forwardBy: total)
        return try result.get()
    }

    /// Whether a frame body's kind is `message` (field 4), read from its
    /// top-level tags without decoding anything (lengths are skipped).
    private static func carriesMessage(_ body: UnsafeRawBufferPointer) -> Bool {
        var position = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while position < body.count, shift < 64 {
                let byte = body[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        while position < body.count {
            guard let key = varint() else { return false }
            if key >> 3 == 4 { return true }
            switch key & 7 {
            case 0: guard varint() != nil else { return false }
            case 1: position += 8
            case 5: position += 4
            case 2:
                guard let length = varint(), length <= UInt64(body.count - position) else { return false }
                position += Int(length)
            default: return false
            }
        }
        return false
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
