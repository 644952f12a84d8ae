/// A message that also reads and prints protobuf JSON: every generated
/// `qbsync.v1` message.
public typealias JSONWireMessage = WireMessage & Encodable & ProtoJSONDecodable

/// A method whose types are known only at run time: what tools that call by
/// name use (`qbsync call`, the conformance runner). See
/// `QuickBooksSync.methodsByName`.
public struct AnyRPCMethod: Sendable {
    /// The method's name in the .proto, e.g. `SyncInvoice`.
    public let name: String
    /// Fully-qualified path.
    public let path: String
    /// Unary or server-streaming.
    public let kind: RPCKind
    /// The request's type.
    public let requestType: any JSONWireMessage.Type
    /// The response's type (of each message, for a stream).
    public let responseType: any JSONWireMessage.Type

    /// Wraps a typed descriptor.
    public init<Request: JSONWireMessage, Response: JSONWireMessage>(name: String, _ method: RPCMethod<Request, Response>) {
        self.name = name
        self.path = method.path
        self.kind = method.kind
        self.requestType = Request.self
        self.responseType = Response.self
    }

    /// The request read from protobuf JSON (unknown fields refused).
    public func request(fromJSON json: ProtoJSON) throws -> any JSONWireMessage {
        try self.requestType.init(protoJSON: json, path: "")
    }
}

extension WireRegistry {
    /// Decodes a message named by its protobuf type (a status detail's
    /// `type`); nil for a type this build does not know.
    public static func decode(typeName: String, bytes: [UInt8]) throws -> (any JSONWireMessage)? {
        guard let type = self.messageTypes[typeName] else { return nil }
        return try type.init(unpacking: bytes)
    }
}
