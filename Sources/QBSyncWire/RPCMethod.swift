/// Whether a method answers once or streams.
public enum RPCKind: Sendable, Hashable {
    /// One request, one response.
    case unary
    /// One request, a stream of responses.
    case serverStreaming
}

/// Describes one RPC method: its path and its message types.
///
/// The descriptors of `QuickBooksSync` are generated from
/// `Protos/qbsync/v1/service.proto` into `QuickBooksSync.Method`.
public struct RPCMethod<Request: WireMessage, Response: WireMessage>: Sendable, Hashable {
    /// Fully-qualified path, e.g. `/qbsync.v1.QuickBooksSync/SyncInvoice`.
    public let path: String
    /// Unary or server-streaming.
    public let kind: RPCKind

    /// Creates a descriptor.
    ///
    /// - Parameters:
    ///   - path: `/package.Service/Method`.
    ///   - kind: Unary or server-streaming.
    public init(path: String, kind: RPCKind) {
        self.path = path
        self.kind = kind
    }
}
