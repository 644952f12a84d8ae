import Foundation

/// Reads one protobuf JSON scalar, with the field's path for errors.
///
/// Integers come as numbers or strings (64-bit ones are strings in protobuf
/// JSON); `1e3` and `37500.0` are integers too, read exactly (never through
/// a Double). Strings accept a number as written, so decimal strings such as
/// a rate may be typed as JSON numbers.
public enum ProtoJSONScalar {
    static func mismatch(_ path: String, _ expected: String, _ value: ProtoJSON) -> ProtoJSONError {
        ProtoJSONError(location: path, message: "expected \(expected), found \(value.typeName)")
    }

    /// A string (or a number's text).
    public static func string(_ value: ProtoJSON, _ path: String) throws -> String {
        switch value {
        case .string(let text), .number(let text): return text
        default: throw self.mismatch(path, "a string", value)
        }
    }

    /// Base64 bytes.
    public static func bytes(_ value: ProtoJSON, _ path: String) throws -> [UInt8] {
        guard case .string(let text) = value else { throw self.mismatch(path, "a base64 string", value) }
        guard let data = Data(base64Encoded: text) else { throw ProtoJSONError(location: path, message: "is not base64") }
        return Array(data)
    }

    /// true or false (also as strings).
    public static func bool(_ value: ProtoJSON, _ path: String) throws -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        default: throw self.mismatch(path, "true or false", value)
        }
    }

    /// An integer in the given range, exactly.
    static func integer(_ value: ProtoJSON, _ path: String, in range: ClosedRange<Decimal>) throws -> Decimal {
        let text: String
        switch value {
        case .number(let number), .string(let number): text = number
        default: throw self.mismatch(path, "an integer (number or string)", value)
        }
        guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !decimal.isNaN,
              text.allSatisfy({ "0123456789+-.eE".contains($0) })
        else {
            throw ProtoJSONError(location: path, message: "\(text) is not an integer (amounts are in minor units: 12.50 USD is 1250)")
        }
        var rounded = Decimal()
        var copy = decimal
        NSDecimalRound(&rounded, &copy, 0, .plain)
        guard rounded == decimal else {
            throw ProtoJSONError(location: path, message: "\(text) is not an integer (amounts are in minor units: 12.50 USD is 1250)")
        }
        guard range.contains(decimal) else { throw ProtoJSONError(location: path, message: "\(text) is out of range") }
        return decimal
    }

    public static func int64(_ value: ProtoJSON, _ path: String) throws -> Int64 {
        NSDecimalNumber(decimal: try self.integer(value, path, in: Decimal(Int64.min)...Decimal(Int64.max))).int64Value
    }

    public static func uint64(_ value: ProtoJSON, _ path: String) throws -> UInt64 {
        NSDecimalNumber(decimal: try self.integer(value, path, in: 0...Decimal(UInt64.max))).uint64Value
    }

    public static func int32(_ value: ProtoJSON, _ path: String) throws -> Int32 {
        NSDecimalNumber(decimal: try self.integer(value, path, in: Decimal(Int32.min)...Decimal(Int32.max))).int32Value
    }

    public static func uint32(_ value: ProtoJSON, _ path: String) throws -> UInt32 {
        NSDecimalNumber(decimal: try self.integer(value, path, in: 0...Decimal(UInt32.max))).uint32Value
    }

    /// A floating-point number (no money field is one).
    public static func double(_ value: ProtoJSON, _ path: String) throws -> Double {
        switch value {
        case .number(let text), .string(let text):
            guard let number = Double(text) else { throw ProtoJSONError(location: path, message: "\(text) is not a number") }
            return number
        default: throw self.mismatch(path, "a number", value)
        }
    }

    public static func float(_ value: ProtoJSON, _ path: String) throws -> Float {
        Float(try self.double(value, path))
    }

    /// An enum by value name ("LINE_KIND_SALE"), short name ("SALE", "sale") or number.
    public static func enumeration<E: WireEnum>(_ value: ProtoJSON, _ path: String, _ type: E.Type) throws -> E {
        switch value {
        case .number(let text):
            guard let number = Int32(text) else { throw self.mismatch(path, "an enum value", value) }
            return E(wireValue: number)
        case .string(let text):
            let wanted = text.uppercased().replacingOccurrences(of: "-", with: "_")
            if let match = E.allCases.first(where: { $0.protoName == wanted || $0.protoName == E.protoPrefix + wanted }) { return match }
            let names = E.allCases.map(\.protoName).filter { !$0.hasSuffix("UNSPECIFIED") }.joined(separator: ", ")
            throw ProtoJSONError(location: path, message: "\"\(text)\" is not one of \(names)")
        default:
            throw self.mismatch(path, "an enum name", value)
        }
    }
}
