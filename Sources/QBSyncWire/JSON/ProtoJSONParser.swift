/// A small strict JSON parser (RFC 8259) that keeps number text as written.
public struct ProtoJSONParser {
    private let bytes: [UInt8]
    private var index = 0

    public init(_ text: String) { self.bytes = Array(text.utf8) }

    public mutating func parseDocument() throws -> ProtoJSON {
        let value = try self.parseValue(depth: 0)
        self.skipWhitespace()
        guard self.index == self.bytes.count else { throw self.failure("unexpected text after the JSON value") }
        return value
    }

    /// The next value of a sequence; whitespace after it is consumed.
    public mutating func parseValue() throws -> ProtoJSON {
        self.skipWhitespace()
        guard self.index < self.bytes.count else { throw self.failure("no JSON in the input") }
        let value = try self.parseValue(depth: 0)
        self.skipWhitespace()
        return value
    }

    public var atEnd: Bool { self.index >= self.bytes.count }

    /// The 1-based line of the parser's position (after leading whitespace).
    public var line: Int {
        var probe = self.index
        while probe < self.bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(self.bytes[probe]) { probe += 1 }
        return self.bytes[..<min(probe, self.bytes.count)].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    private func failure(_ message: String) -> ProtoJSONError {
        ProtoJSONError(location: "", message: "invalid JSON: \(message)")
    }

    private mutating func skipWhitespace() {
        while self.index < self.bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(self.bytes[self.index]) { self.index += 1 }
    }

    private mutating func parseValue(depth: Int) throws -> ProtoJSON {
        guard depth < 64 else { throw self.failure("nested too deeply") }
        self.skipWhitespace()
        guard self.index < self.bytes.count else { throw self.failure("unexpected end") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"):
            self.index += 1
            var members: [(String, ProtoJSON)] = []
            self.skipWhitespace()
            if self.peek(UInt8(ascii: "}")) { self.index += 1; return .object(members) }
            while true {
                self.skipWhitespace()
                guard self.peek(UInt8(ascii: "\"")) else { throw self.failure("expected a member name") }
                let key = try self.parseString()
                self.skipWhitespace()
                guard self.peek(UInt8(ascii: ":")) else { throw self.failure("expected ':'") }
                self.index += 1
                members.append((key, try self.parseValue(depth: depth + 1)))
                self.skipWhitespace()
                if self.peek(UInt8(ascii: ",")) { self.index += 1; continue }
                if self.peek(UInt8(ascii: "}")) { self.index += 1; return .object(members) }
                throw self.failure("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            self.index += 1
            var items: [ProtoJSON] = []
            self.skipWhitespace()
            if self.peek(UInt8(ascii: "]")) { self.index += 1; return .array(items) }
            while true {
                items.append(try self.parseValue(depth: depth + 1))
                self.skipWhitespace()
                if self.peek(UInt8(ascii: ",")) { self.index += 1; continue }
                if self.peek(UInt8(ascii: "]")) { self.index += 1; return .array(items) }
                throw self.failure("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try self.parseString())
        case UInt8(ascii: "t"): try self.literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.literal("null"); return .null
        default:
            return .number(try self.parseNumber())
        }
    }

    private func peek(_ byte: UInt8) -> Bool { self.index < self.bytes.count && self.bytes[self.index] == byte }

    private mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard self.index + expected.count <= self.bytes.count, Array(self.bytes[self.index..<self.index + expected.count]) == expected else {
            throw self.failure("expected \(word)")
        }
        self.index += expected.count
    }

    private mutating func parseNumber() throws -> String {
        let start = self.index
        if self.peek(UInt8(ascii: "-")) { self.index += 1 }
        var digits = 0
        while self.index < self.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.index]) { self.index += 1; digits += 1 }
        guard digits > 0 else { throw self.failure("expected a value") }
        if self.peek(UInt8(ascii: ".")) {
            self.index += 1
            var fraction = 0
            while self.index < self.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.index]) { self.index += 1; fraction += 1 }
            guard fraction > 0 else { throw self.failure("expected digits after '.'") }
        }
        if self.peek(UInt8(ascii: "e")) || self.peek(UInt8(ascii: "E")) {
            self.index += 1
            if self.peek(UInt8(ascii: "+")) || self.peek(UInt8(ascii: "-")) { self.index += 1 }
            var exponent = 0
            while self.index < self.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.index]) { self.index += 1; exponent += 1 }
            guard exponent > 0 else { throw self.failure("expected exponent digits") }
        }
        return String(decoding: self.bytes[start..<self.index], as: UTF8.self)
    }

    private mutating func parseString() throws -> String {
        self.index += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty { scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars); run.removeAll() }
        }
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard self.index < self.bytes.count else { throw self.failure("unterminated escape") }
                let escape = self.bytes[self.index]
                self.index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try self.hex4()
                    if (0xD800...0xDBFF).contains(code), self.peek(UInt8(ascii: "\\")) {
                        self.index += 1
                        guard self.peek(UInt8(ascii: "u")) else { throw self.failure("bad surrogate pair") }
                        self.index += 1
                        let low = try self.hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw self.failure("bad \\u escape") }
                    scalars.append(scalar)
                default: throw self.failure("bad escape")
                }
            case 0..<0x20:
                throw self.failure("control character in a string")
            default:
                run.append(byte)
            }
        }
        throw self.failure("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard self.index + 4 <= self.bytes.count, let value = UInt32(String(decoding: self.bytes[self.index..<self.index + 4], as: UTF8.self), radix: 16) else {
            throw self.failure("bad \\u escape")
        }
        self.index += 4
        return value
    }
}
