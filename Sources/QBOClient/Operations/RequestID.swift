import Foundation

/// The `requestid` QBO uses to recognise a retried write: the same id replays
/// the first response instead of acting twice.
///
/// The engine creates one per logical push, stores it before the first attempt
/// and reuses it on every retry, including after a crash.
public struct RequestID: Sendable, Hashable, CustomStringConvertible {
    /// The longest id QBO accepts.
    public static let maxLength = 50

    /// The id's text.
    public let value: String

    /// Wraps a stored id.
    /// - Parameter value: 1 to 50 printable ASCII characters.
    /// - Throws: ``QBOError`` of kind ``QBOError/Kind/invalidRequest`` when empty, too
    ///   long or containing spaces, control or non-ASCII characters.
    public init(_ value: String) throws {
        guard !value.isEmpty, value.utf8.count <= Self.maxLength else {
            throw QBOError(kind: .invalidRequest, message: "requestid must be 1...\(Self.maxLength) characters, got \(value.utf8.count)")
        }
        guard value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw QBOError(kind: .invalidRequest, message: "requestid must be printable ASCII without spaces")
        }
        self.value = value
    }

    /// A new random id (a UUID, 36 characters).
    public static func random() -> RequestID {
        // A UUID string is 36 printable ASCII characters, within every limit above.
        RequestID(unchecked: UUID().uuidString.lowercased())
    }

    private init(unchecked value: String) { self.value = value }

    /// The id's text.
    public var description: String { value }
}
