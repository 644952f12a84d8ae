import Crypto
import Foundation

/// Seals the OAuth secrets qbsync stores (client secrets, refresh tokens)
/// with AES-256-GCM, so a copy of the database (a backup, a stolen disk)
/// does not hold them in the clear.
///
/// A sealed value is `qbsync-sealed:v1:<key id>:<base64 of nonce, ciphertext, tag>`,
/// bound to its company and field (the additional authenticated data), so
/// it cannot be moved to another company or column. The key id is the first
/// 8 hex digits of the key's SHA-256, so a value tells which key it needs.
/// Values not in that form are plaintext, as stored without a key.
///
/// Rotation: start with the new key as ``current`` and the old one among
/// ``previous``; ``needsResealing(_:)`` values are sealed again under the
/// new key at start, after which the old key may be dropped.
public struct SecretSealer: Sendable {
    /// A key and its id.
    public struct Key: Sendable {
        private let bytes: Data
        var key: SymmetricKey { SymmetricKey(data: self.bytes) }
        /// The first 8 hex digits of the key's SHA-256.
        public let id: String

        /// Reads a key: 32 raw bytes, or their base64 (44 characters, surrounding whitespace ignored).
        /// - Throws: ``SealingError`` when it is neither.
        public init(material: Data, source: String) throws {
            var bytes = material
            if bytes.count != 32 {
                let text = String(decoding: material, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                guard let decoded = Data(base64Encoded: text), decoded.count == 32 else {
                    throw SealingError("\(source) must hold a 32-byte key, raw or base64 (e.g. from `head -c 32 /dev/urandom | base64`); got \(material.count) bytes that are neither")
                }
                bytes = decoded
            }
            self.bytes = bytes
            self.id = SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Why a secret could not be sealed or opened. Never holds the secret.
    public struct SealingError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    static let prefix = "qbsync-sealed:v1:"
    /// The stored fields, as named in the authenticated data.
    public static let clientSecretField = "client_secret"
    public static let refreshTokenField = "refresh_token"

    /// Seals new values; nil stores them in the clear (no key configured).
    public let current: Key?
    /// Keys that open older values (rotation).
    public let previous: [Key]

    /// A sealer that stores in the clear and opens nothing sealed.
    public static let none = SecretSealer(current: nil, previous: [])

    public init(current: Key?, previous: [Key]) {
        self.current = current
        self.previous = previous
    }

    /// The value as stored: sealed under the current key, or as is without one.
    public func seal(_ value: String, companyID: String, field: String) throws -> String {
        guard let current, !value.isEmpty else { return value }
        let box = try AES.GCM.seal(Data(value.utf8), using: current.key, authenticating: Self.context(companyID, field))
        guard let combined = box.combined else { throw SealingError("AES-GCM gave no combined box") }
        return "\(Self.prefix)\(current.id):\(combined.base64EncodedString())"
    }

    /// The value a stored one holds.
    /// - Throws: ``SealingError`` naming the key id needed when no configured key opens it, or when it was altered.
    public func open(_ stored: String, companyID: String, field: String) throws -> String {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        let parts = stored.dropFirst(Self.prefix.count).split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let combined = Data(base64Encoded: String(parts[1])) else {
            throw SealingError("the stored \(field) of company \(companyID) is not a readable sealed value")
        }
        let id = String(parts[0])
        guard let key = ([self.current].compactMap { $0 } + self.previous).first(where: { $0.id == id }) else {
            throw SealingError("the stored \(field) of company \(companyID) is sealed with key \(id), which qbsync was not given; start it with that key (--secrets-key-file, or --previous-secrets-key-file while rotating)")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return String(decoding: try AES.GCM.open(box, using: key.key, authenticating: Self.context(companyID, field)), as: UTF8.self)
        } catch {
            throw SealingError("the stored \(field) of company \(companyID) does not open with key \(id): it was altered or belongs to another company")
        }
    }

    /// True when a stored value is not sealed under the current key (in the clear, or under a previous key).
    public func needsResealing(_ stored: String) -> Bool {
        guard let current, !stored.isEmpty else { return false }
        return !stored.hasPrefix("\(Self.prefix)\(current.id):")
    }

    private static func context(_ companyID: String, _ field: String) -> Data {
        Data("qbsync\u{1F}\(companyID)\u{1F}\(field)".utf8)
    }
}
