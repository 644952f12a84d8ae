import Foundation

/// A JSON document as QuickBooks Online reads and writes it.
///
/// Numbers are kept as exact `Decimal`s, never `Double`: a money amount such as `22.5` or
/// `0.1` round-trips without a binary rounding error. Objects keep their members in the
/// order they were written, so responses read like QBO's.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The string, if this is a JSON string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The exact number, if this is a JSON number or a string holding one.
    ///
    /// QBO's Jackson-based reader accepts `"100.00"` where a number is expected, so the
    /// simulator does too.
    public var decimalValue: Decimal? {
        switch self {
        case .number(let value):
            return value
        case .string(let text):
            return Decimal.exactly(text)
        default:
            return nil
        }
    }

    /// The Boolean, if this is `true`, `false`, or the string `"true"` / `"false"`.
    public var boolValue: Bool? {
        switch self {
        case .bool(let value): return value
        case .string("true"): return true
        case .string("false"): return false
        default: return nil
        }
    }

    /// The members, if this is a JSON object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, if this is a JSON array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The member called `key`, if this is an object that has one.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// An id as QBO writes it: a string, or a number some clients send instead.
    var idString: String? {
        switch self {
        case .string(let value): return value
        case .number(let value): return value.plainString
        default: return nil
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

extension Decimal {
    /// Parses `text` as an exact decimal, accepting only what JSON accepts as a number.
    static func exactly(_ text: String) -> Decimal? {
        guard JSONParser.isNumberLiteral(Array(text.utf8)) else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// The number as plain digits ("100", "22.5", "-0.01"), the way QBO's JSON writes it.
    var plainString: String {
        description
    }
}
