import CCrypto

/// SHA-256 of a record's canonical encoding, in hex: equal content, equal hash.
///
/// protobuf-c packs a message the same way every time, so the packed
/// request is the canonical form.
public enum ContentHash {
    /// Hex SHA-256 of `bytes`.
    public static func of(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { input in
            _ = SHA256(input.baseAddress, input.count, &digest)
        }
        return Self.hex(digest)
    }

    /// Hex of the first 8 bytes of SHA-256 of `text`: a short, stable tag.
    public static func tag(_ text: String) -> String {
        String(Self.of(Array(text.utf8)).prefix(16))
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
