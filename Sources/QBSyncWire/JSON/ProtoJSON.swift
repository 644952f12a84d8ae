import Foundation

/// A JSON value as read for protobuf JSON decoding; numbers keep their
/// text so amounts and decimal strings are never rounded through Double.
public enum ProtoJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([ProtoJSON])
    case object([(String, ProtoJSON)])

    public static func == (lhs: ProtoJSON, rhs: ProtoJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)), (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Why an input could not be read; `where` names the line and field.
public struct ProtoJSONError: Error, CustomStringConvertible {
    public var location: String
    public var message: String
    public var description: String { self.location.isEmpty ? self.message : "\(self.location): \(self.message)" }

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - location: Where (a field path, a file and line).
    ///   - message: What is wrong.
    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }
}

