import GRPCCore

/// Passes a message's bytes through untouched, so the benchmark measures gRPC's call path and
/// HTTP/2 framing, not a protobuf library.
struct RawBytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

/// The reverse of ``RawBytesSerializer``: one copy out of the transport's buffer.
struct RawBytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
