/// A message that reads itself from protobuf JSON (generated for every
/// message by `Scripts/protoc-gen-qbsync-swift`): what the CLI reads from
/// input files and `qbsync call --data` takes.
public protocol ProtoJSONDecodable {
    /// Reads the message from one JSON object's fields; unknown fields are refused.
    init(protoJSON fields: inout ProtoJSONFields) throws
}

extension ProtoJSONDecodable {
    /// Reads the message from a JSON value (an object).
    ///
    /// - Parameters:
    ///   - value: The JSON object.
    ///   - path: Where it is, for error messages ("" at the top).
    public init(protoJSON value: ProtoJSON, path: String = "") throws {
        var fields = try ProtoJSONFields(value, path: path)
        try self.init(protoJSON: &fields)
    }
}

/// A generated protobuf enum, for code generic over its cases and numbers.
public protocol WireEnum: Hashable, Sendable {
    /// The prefix of its value names, e.g. `SYNC_STATUS_`.
    static var protoPrefix: String { get }
    /// The known cases.
    static var allCases: [Self] { get }
    /// The value's name in the .proto.
    var protoName: String { get }
    /// The number on the wire.
    var wireValue: Int32 { get }
    /// The case for a number on the wire.
    init(wireValue: Int32)
}

/// Reads one JSON object's fields the way protobuf JSON parsers do: by
/// json name (`externalId`) or proto name (`external_id`); 64-bit integers
/// as numbers or strings; enums by name or number; unknown fields refused,
/// so a typo is never silently dropped.
public struct ProtoJSONFields {
    private let members: [(String, ProtoJSON)]
    private let path: String
    private var used: Set<String> = []

    /// Reads an object's members.
    ///
    /// - Parameters:
    ///   - value: The JSON value; anything but an object is an error.
    ///   - path: Where it is, for error messages.
    public init(_ value: ProtoJSON, path: String) throws {
        guard case .object(let members) = value else {
            throw ProtoJSONError(location: path, message: "expected an object, found \(value.typeName)")
        }
        self.members = members
        self.path = path
    }

    /// The value of a field by its json name (or snake_case proto name); nil when absent or null.
    public mutating func value(_ name: String) -> ProtoJSON? {
        let snake = Self.snakeCase(name)
        for (key, value) in self.members where key == name || key == snake {
            self.used.insert(key)
            if case .null = value { return nil }
            return value
        }
        return nil
    }

    /// Whether the field is present and not null.
    public func has(_ name: String) -> Bool {
        let snake = Self.snakeCase(name)
        return self.members.contains { ($0.0 == name || $0.0 == snake) && $0.1 != .null }
    }

    /// `path.name`, for error messages.
    public func fieldPath(_ name: String) -> String { self.path.isEmpty ? name : "\(self.path).\(name)" }

    private mutating func scalar<T>(_ name: String, _ zero: T, _ read: (ProtoJSON, String) throws -> T) throws -> T {
        guard let value = self.value(name) else { return zero }
        return try read(value, self.fieldPath(name))
    }

    /// A string field; a JSON number is taken as written ("125.00" or 125.00).
    public mutating func string(_ name: String) throws -> String { try self.scalar(name, "", ProtoJSONScalar.string) }
    /// A decimal string field ("3", "125.00"), also written as a JSON number.
    public mutating func decimalText(_ name: String) throws -> String { try self.string(name) }
    /// A bytes field, base64.
    public mutating func bytes(_ name: String) throws -> [UInt8] { try self.scalar(name, [], ProtoJSONScalar.bytes) }
    /// A bool field (true/false, or the strings).
    public mutating func bool(_ name: String) throws -> Bool { try self.scalar(name, false, ProtoJSONScalar.bool) }
    /// An int64 field, a number or a string.
    public mutating func int64(_ name: String) throws -> Int64 { try self.scalar(name, 0, ProtoJSONScalar.int64) }
    /// A uint64 field, a number or a string.
    public mutating func uint64(_ name: String) throws -> UInt64 { try self.scalar(name, 0, ProtoJSONScalar.uint64) }
    /// An int32 field.
    public mutating func int32(_ name: String) throws -> Int32 { try self.scalar(name, 0, ProtoJSONScalar.int32) }
    /// A uint32 field.
    public mutating func uint32(_ name: String) throws -> UInt32 { try self.scalar(name, 0, ProtoJSONScalar.uint32) }
    /// A double field.
    public mutating func double(_ name: String) throws -> Double { try self.scalar(name, 0, ProtoJSONScalar.double) }
    /// A float field.
    public mutating func float(_ name: String) throws -> Float { try self.scalar(name, 0, ProtoJSONScalar.float) }

    /// The strings of a repeated string field (kept for hand-written readers).
    public mutating func strings(_ name: String) throws -> [String] { try self.repeated(name, ProtoJSONScalar.string) }

    /// A repeated scalar field, each element read by `element`.
    public mutating func repeated<T>(_ name: String, _ element: (ProtoJSON, String) throws -> T) throws -> [T] {
        guard let value = self.value(name) else { return [] }
        guard case .array(let items) = value else {
            throw ProtoJSONError(location: self.fieldPath(name), message: "expected an array, found \(value.typeName)")
        }
        return try items.enumerated().map { try element($0.element, "\(self.fieldPath(name))[\($0.offset)]") }
    }

    /// The objects of a repeated message field.
    public mutating func objects(_ name: String) throws -> [ProtoJSONFields] {
        try self.repeated(name) { try ProtoJSONFields($0, path: $1) }
    }

    /// A singular message field's object.
    public mutating func object(_ name: String) throws -> ProtoJSONFields? {
        guard let value = self.value(name) else { return nil }
        return try ProtoJSONFields(value, path: self.fieldPath(name))
    }

    /// A singular message field.
    public mutating func message<M: ProtoJSONDecodable>(_ name: String, _ type: M.Type) throws -> M? {
        guard var fields = try self.object(name) else { return nil }
        return try M(protoJSON: &fields)
    }

    /// A repeated message field.
    public mutating func messages<M: ProtoJSONDecodable>(_ name: String, _ type: M.Type) throws -> [M] {
        try self.objects(name).map { var fields = $0; return try M(protoJSON: &fields) }
    }

    /// An enum by value name ("LINE_KIND_SALE"), short name ("SALE", "sale") or number.
    public mutating func enumeration<E: WireEnum>(_ name: String, _ type: E.Type) throws -> E? {
        guard let value = self.value(name) else { return nil }
        return try ProtoJSONScalar.enumeration(value, self.fieldPath(name), E.self)
    }

    /// A repeated enum field.
    public mutating func enums<E: WireEnum>(_ name: String, _ type: E.Type) throws -> [E] {
        try self.repeated(name) { try ProtoJSONScalar.enumeration($0, $1, E.self) }
    }

    /// Refuses a oneof with more than one member set.
    public func requireAtMostOne(_ names: [String]) throws {
        let set = names.filter { self.has($0) }
        guard set.count > 1 else { return }
        throw ProtoJSONError(location: self.fieldPath(set[1]), message: "cannot be set together with \(set[0]) (one of \(names.joined(separator: ", ")))")
    }

    /// Throws for fields nobody asked for (a typo would otherwise be silently dropped).
    public func rejectUnknown() throws {
        for (key, _) in self.members where !self.used.contains(key) {
            throw ProtoJSONError(location: self.fieldPath(key), message: "unknown field")
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
