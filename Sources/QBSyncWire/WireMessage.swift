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

    /// The path of the first string field holding a NUL character, or nil.
    ///
    /// libprotobuf-c packs strings up to their first NUL, so such a message
    /// would reach the peer changed; senders check this before packing.
    ///
    /// - Parameter prefix: Prepended to the path (for nested messages).
    func fieldWithNUL(prefix: String) -> String?
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
/// the input size, and, when the message is well-formed but a string in it is
/// not clean UTF-8, which string; the input itself is never logged.
public struct WireDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A string field holding a NUL byte or bytes that are not UTF-8.
    ///
    /// Such a string cannot cross into Swift unchanged (libprotobuf-c ends
    /// strings at a NUL; invalid UTF-8 would be repaired), so the message is
    /// refused rather than silently rewritten.
    public struct InvalidString: Sendable, Hashable, CustomStringConvertible {
        /// What is wrong with the string.
        public enum Problem: Sendable, Hashable {
            /// A NUL (0x00) byte.
            case nul
            /// Bytes that are not well-formed UTF-8.
            case invalidUTF8
        }

        /// The field's path in proto names, e.g. `invoice.lines[2].description`.
        public var field: String
        /// What is wrong with it.
        public var problem: Problem

        /// Creates the description of a bad string.
        public init(field: String, problem: Problem) {
            self.field = field
            self.problem = problem
        }

        /// "contains a NUL character" or "is not valid UTF-8", for error messages.
        public var explanation: String {
            switch self.problem {
            case .nul: "contains a NUL character"
            case .invalidUTF8: "is not valid UTF-8"
            }
        }

        public var description: String { "\(self.field) \(self.explanation)" }
    }

    /// Which message was expected.
    public var messageName: String
    /// How many bytes were offered.
    public var byteCount: Int
    /// The string that made a well-formed message unacceptable, if that was the reason.
    public var invalidString: InvalidString?

    /// Creates the error.
    public init(messageName: String, byteCount: Int, invalidString: InvalidString? = nil) {
        self.messageName = messageName
        self.byteCount = byteCount
        self.invalidString = invalidString
    }

    public var description: String {
        if let invalidString {
            return "\(self.messageName): \(invalidString)"
        }
        return "\(self.byteCount) bytes are not a valid \(self.messageName) protobuf message"
    }
}
