import Foundation

/// Support for the generated `Encodable` conformances: the protobuf JSON
/// mapping (json names, enum value names, 64-bit integers as strings,
/// bytes as base64), with scalar defaults included so shapes are stable.
public enum WireJSON {
    /// A coding key from a JSON name.
    public struct Key: CodingKey {
        public var stringValue: String
        public var intValue: Int? { nil }

        public init(_ name: String) { self.stringValue = name }
        public init?(stringValue: String) { self.stringValue = stringValue }
        public init?(intValue: Int) { nil }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Pretty, key-sorted JSON of a message, as the CLI prints it.
    public static func string<Message: Encodable>(_ message: Message, pretty: Bool = true) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(message) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
