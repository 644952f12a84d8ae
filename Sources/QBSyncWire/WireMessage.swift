/// A protobuf message that crosses the socket.
///
/// Every message declared in `Protos/` is generated as a Swift value type
/// conforming to this protocol (see `Scripts/protoc-gen-qbsync-swift`).
/// Packing and unpacking are done by libprotobuf-c; the Swift side only
/// copies fields into and out of the C structs, so no C pointer escapes
/// this module.
public protocol WireMessage: Sendable, Hashable {
    /// Fully-qualified protobuf name, e.g. `qbsync.v1.Invoice`.
    static var protoMessageName: String { get }

    /// Decodes a message with the system allocator.
    ///
    /// - Parameter bytes: The protobuf encoding; may be empty (all defaults).
    /// - Throws: ``WireDecodingError`` when the bytes are not this message.
    init(unpacking bytes: UnsafeRawBufferPointer) throws(WireDecodingError)

    /// Decodes a message, allocating through `allocator`.
    ///
    /// - Parameters:
    ///   - bytes: The protobuf encoding.
    ///   - allocator: Where libprotobuf-c's memory comes from (tests count it).
    init(unpacking bytes: UnsafeRawBufferPointer, allocator: WireAllocator) throws(WireDecodingError)

    /// Packs the message and hands `body` its size and a function writing the
    /// encoding to a buffer of at least that size, so callers can pack
    /// straight into their own buffer.
    ///
    /// - Parameters:
    ///   - allocator: Where the temporary C structs come from.
    ///   - body: Called once with the packed size and the packing function,
    ///     which returns the number of bytes written.
    func withPacked<Result>(
        allocator: WireAllocator,
        _ body: (_ size: Int, _ pack: (UnsafeMutableRawPointer) -> Int) throws -> Result
    ) rethrows -> Result
}

extension WireMessage {
    public init(unpacking bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try self.init(unpacking: bytes, allocator: .system)
    }

    /// Decodes a message from a byte array.
    ///
    /// - Parameter bytes: The protobuf encoding.
    public init(unpacking bytes: [UInt8]) throws(WireDecodingError) {
        let result: Result<Self, WireDecodingError> = bytes.withUnsafeBytes { raw in
            Result { () throws(WireDecodingError) in try Self(unpacking: raw) }
        }
        self = try result.get()
    }

    /// The protobuf encoding as a byte array.
    public func packed() -> [UInt8] {
        self.withPacked(allocator: .system) { size, pack in
            [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = size == 0 ? 0 : pack(buffer.baseAddress!)
            }
        }
    }
}

/// The bytes did not decode as the expected message.
///
/// libprotobuf-c reports no reason, so the error names the message type and
/// the input size; the input itself is never logged.
public struct WireDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which message was expected.
    public var messageName: String
    /// How many bytes were offered.
    public var byteCount: Int

    /// Creates the error.
    public init(messageName: String, byteCount: Int) {
        self.messageName = messageName
        self.byteCount = byteCount
    }

    public var description: String {
        "\(self.byteCount) bytes are not a valid \(self.messageName) protobuf message"
    }
}
