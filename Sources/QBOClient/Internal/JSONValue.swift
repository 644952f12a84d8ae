import Foundation

/// Any JSON value, with numbers kept as exact `Decimal`s.
///
/// Used where the shape is only known at run time: fault bodies in their several
/// spellings, batch item responses whose entity key varies, and envelopes keyed
/// by an entity name. Re-encoding a value and decoding it as a typed entity
/// keeps amounts exact.
enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member named `key`, matched exactly.
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The member named `key`, matched ignoring case: QBO spells `Fault` and
    /// `fault`, `Message` and `message` depending on the endpoint.
    func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members[key] { return exact }
        return members.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
    }

    /// The value as text: strings as they are, numbers and booleans printed.
    var text: String? {
        switch self {
        case .string(let value): value
        case .number(let value): value.description
        case .bool(let value): value ? "true" : "false"
        default: nil
        }
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// Decodes this value as `T` by re-encoding it; numbers stay exact.
    func decode<T: Decodable>(as type: T.Type) throws -> T {
        try QBOCoding.decoder.decode(T.self, from: QBOCoding.encoder.encode(self))
    }
}

/// The JSON encoder and decoder all of QBOClient uses.
enum QBOCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder = JSONDecoder()

    /// Validates `data` (see ``JSONGuard``) and decodes it.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONGuard.validate(data)
        return try decoder.decode(T.self, from: data)
    }
}
