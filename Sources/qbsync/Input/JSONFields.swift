/// Reads one JSON object's fields the way protobuf JSON parsers do: by
/// json name (`externalId`) or proto name (`external_id`); 64-bit integers
/// as numbers or strings; enums by name or number; unknown fields rejected.
struct JSONFields {
    private let members: [(String, JSONInput)]
    private let path: String
    private var used: Set<String> = []

    init(_ value: JSONInput, path: String) throws {
        guard case .object(let members) = value else {
            throw JSONInputError(location: path, message: "expected an object, found \(value.typeName)")
        }
        self.members = members
        self.path = path
    }

    /// The value of a field by its json name (or snake_case proto name); nil when absent or null.
    mutating func value(_ name: String) -> JSONInput? {
        let snake = Self.snakeCase(name)
        for (key, value) in self.members where key == name || key == snake {
            self.used.insert(key)
            if case .null = value { return nil }
            return value
        }
        return nil
    }

    func has(_ name: String) -> Bool {
        let snake = Self.snakeCase(name)
        return self.members.contains { $0.0 == name || $0.0 == snake }
    }

    func fieldPath(_ name: String) -> String { self.path.isEmpty ? name : "\(self.path).\(name)" }

    private func mismatch(_ name: String, _ expected: String, _ value: JSONInput) -> JSONInputError {
        JSONInputError(location: self.fieldPath(name), message: "expected \(expected), found \(value.typeName)")
    }

    mutating func string(_ name: String) throws -> String {
        guard let value = self.value(name) else { return "" }
        guard case .string(let text) = value else { throw self.mismatch(name, "a string", value) }
        return text
    }

    /// A decimal string field ("3", "125.00") that may also be written as a JSON number.
    mutating func decimalText(_ name: String) throws -> String {
        guard let value = self.value(name) else { return "" }
        switch value {
        case .string(let text), .number(let text): return text
        default: throw self.mismatch(name, "a decimal string or number", value)
        }
    }

    mutating func int64(_ name: String) throws -> Int64 {
        guard let value = self.value(name) else { return 0 }
        let text: String
        switch value {
        case .number(let number), .string(let number): text = number
        default: throw self.mismatch(name, "an integer (number or string)", value)
        }
        if let integer = Int64(text) { return integer }
        // 1e3 or 37500.0 are integers in protobuf JSON too.
        if let decimal = Double(text), decimal.rounded() == decimal, abs(decimal) < 9.0e15 { return Int64(decimal) }
        throw JSONInputError(location: self.fieldPath(name), message: "\(text) is not an integer (amounts are in minor units: 12.50 USD is 1250)")
    }

    mutating func bool(_ name: String) throws -> Bool {
        guard let value = self.value(name) else { return false }
        switch value {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        default: throw self.mismatch(name, "true or false", value)
        }
    }

    mutating func strings(_ name: String) throws -> [String] {
        guard let value = self.value(name) else { return [] }
        guard case .array(let items) = value else { throw self.mismatch(name, "an array of strings", value) }
        return try items.enumerated().map { index, item in
            guard case .string(let text) = item else {
                throw JSONInputError(location: "\(self.fieldPath(name))[\(index)]", message: "expected a string, found \(item.typeName)")
            }
            return text
        }
    }

    /// The objects of a repeated message field.
    mutating func objects(_ name: String) throws -> [JSONFields] {
        guard let value = self.value(name) else { return [] }
        guard case .array(let items) = value else { throw self.mismatch(name, "an array", value) }
        return try items.enumerated().map { try JSONFields($0.element, path: "\(self.fieldPath(name))[\($0.offset)]") }
    }

    /// A singular message field.
    mutating func object(_ name: String) throws -> JSONFields? {
        guard let value = self.value(name) else { return nil }
        return try JSONFields(value, path: self.fieldPath(name))
    }

    /// An enum by value name ("LINE_KIND_SALE"), short name ("SALE", "sale") or number.
    mutating func enumeration<E>(_ name: String, prefix: String, cases: [E], protoName: (E) -> String, wire: (Int32) -> E) throws -> E? {
        guard let value = self.value(name) else { return nil }
        switch value {
        case .number(let text):
            guard let number = Int32(text) else { throw self.mismatch(name, "an enum value", value) }
            return wire(number)
        case .string(let text):
            let wanted = text.uppercased().replacingOccurrences(of: "-", with: "_")
            if let match = cases.first(where: { protoName($0) == wanted || protoName($0) == prefix + wanted }) { return match }
            let names = cases.map { protoName($0) }.filter { !$0.hasSuffix("UNSPECIFIED") }.joined(separator: ", ")
            throw JSONInputError(location: self.fieldPath(name), message: "\"\(text)\" is not one of \(names)")
        default:
            throw self.mismatch(name, "an enum name", value)
        }
    }

    /// Throws for fields nobody asked for (a typo would otherwise be silently dropped).
    func rejectUnknown() throws {
        for (key, _) in self.members where !self.used.contains(key) {
            throw JSONInputError(location: self.fieldPath(key), message: "unknown field")
        }
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
