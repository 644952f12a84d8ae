import NIOCore
import NIOPosix
import QBSyncWire
import Synchronization

/// A client of the qbsync service.
///
/// One connection carries many concurrent calls; a call after the
/// connection broke (server restart, GoAway) reconnects first. Each RPC of
/// `QuickBooksSync` is a typed method (generated from the .proto files);
/// failures are ``RPCError`` with the server's gRPC status code.
///
/// ```swift
/// let client = try await QBSyncClient(socketPath: "/run/qbsync/qbsync.sock")
/// let health = try await client.getHealth(GetHealthRequest())
/// ```
public final class QBSyncClient: Sendable {
    /// The socket this client talks to.
    public let socketPath: String
    /// The client's settings.
    public let configuration: ClientConfiguration
    private let group: any EventLoopGroup
    private let connection = Mutex<ConnectionSlot>(.idle)

    private enum ConnectionSlot {
        case idle
        case connecting(Task<RPCConnection, any Error>)
        case connected(RPCConnection)
        case closed
    }

    /// Connects to the server now, so a bad path or version fails here.
    ///
    /// - Parameters:
    ///   - socketPath: The server's Unix socket.
    ///   - configuration: Timeouts and limits.
    ///   - group: Event loops for the socket (shared singleton by default).
    /// - Throws: ``RPCError`` (UNAVAILABLE when nothing listens, or the
    ///   server's GoAway reason such as a version mismatch).
    public init(
        socketPath: String,
        configuration: ClientConfiguration = ClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(RPCError) {
        self.socketPath = socketPath
        self.configuration = configuration
        self.group = group
        _ = try await self.currentConnection()
    }

    /// Creates a client that connects on its first call.
    ///
    /// - Parameters:
    ///   - lazySocketPath: The server's Unix socket.
    ///   - configuration: Timeouts and limits.
    ///   - group: Event loops for the socket.
    public init(
        lazySocketPath: String,
        configuration: ClientConfiguration = ClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.socketPath = lazySocketPath
        self.configuration = configuration
        self.group = group
    }

    /// Closes the connection; later calls fail with UNAVAILABLE.
    public func close() async {
        let slot = self.connection.withLock { slot -> ConnectionSlot in
            defer { slot = .closed }
            return slot
        }
        switch slot {
        case .connected(let connection): await connection.close()
        case .connecting(let task): (try? await task.value).map { _ = $0 }; try? await task.value.close()
        case .idle, .closed: break
        }
    }

    /// Round trip to the server over the current connection.
    public func ping() async throws(RPCError) {
        let connection = try await self.currentConnection()
        do {
            try await connection.ping()
        } catch {
            throw RPCError(code: .unavailable, message: "ping failed: \(error)", cause: error)
        }
    }

    /// Calls a unary method.
    ///
    /// - Parameters:
    ///   - method: The generated method descriptor.
    ///   - request: The request.
    ///   - options: Deadline and metadata.
    public func unary<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        _ request: Request,
        options: CallOptions = CallOptions()
    ) async throws(RPCError) -> Response {
        let payload = try await self.unary(path: method.path, packed: try Self.pack(request, metadata: options.metadata), options: options)
        do {
            return try Response(unpacking: payload)
        } catch {
            throw RPCError(code: .internal, message: "the server's response is not a valid \(Response.protoMessageName)", cause: error)
        }
    }

    /// Calls a unary method by path with an encoded request; answers the
    /// encoded response. For tools that call methods this build does not know.
    ///
    /// - Parameters:
    ///   - path: `/package.Service/Method`.
    ///   - packed: The request's protobuf encoding.
    ///   - options: Deadline and metadata.
    public func unary(path: String, packed: [UInt8], options: CallOptions = CallOptions()) async throws(RPCError) -> [UInt8] {
        if Task.isCancelled { throw RPCError(code: .cancelled, message: "call cancelled") }
        for (key, value) in options.metadata where key.utf8.contains(0) || value.utf8.contains(0) {
            throw RPCError(code: .invalidArgument, message: "metadata \"\(key.replacingNUL)\" contains a NUL character")
        }
        let timeout = options.timeout ?? self.configuration.defaultTimeout
        var attempt = 0
        while true {
            let connection = try await self.currentConnection()
            do {
                return try await connection.unary(path: path, request: packed, options: options, timeout: timeout).get()
            } catch let error where error.cause is CallNotProcessed && attempt < 2 {
                // The server said it never processed the call (GoAway while it
                // was in flight): sending it again on a new connection is safe.
                attempt += 1
            }
        }
    }

    /// Calls a server-streaming method; the call opens when iteration starts.
    ///
    /// - Parameters:
    ///   - method: The generated method descriptor.
    ///   - request: The request.
    ///   - options: Deadline and metadata.
    public func serverStreaming<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        _ request: Request,
        options: CallOptions = CallOptions()
    ) -> RPCResponseStream<Response> {
        RPCResponseStream(client: self, path: method.path, request: Result { () throws(RPCError) in try Self.pack(request, metadata: options.metadata) }, options: options)
    }

    /// The request's encoding, refused before anything is sent when a string
    /// holds a NUL: libprotobuf-c would cut it there, so the server would
    /// store a different value than the caller gave.
    static func pack<Request: WireMessage>(_ request: Request, metadata: [String: String]) throws(RPCError) -> [UInt8] {
        for (key, value) in metadata where key.utf8.contains(0) || value.utf8.contains(0) {
            throw RPCError(code: .invalidArgument, message: "metadata \"\(key.replacingNUL)\" contains a NUL character")
        }
        if let field = request.fieldWithNUL(prefix: "") {
            let problem = "contains a NUL character; strings must be UTF-8 without NUL characters"
            throw RPCError(code: .invalidArgument, message: "\(field): \(problem)", detail: FieldViolation(field: field, description: problem))
        }
        return request.packed()
    }

    func currentConnection() async throws(RPCError) -> RPCConnection {
        while true {
            let slot = self.connection.withLock { $0 }
            switch slot {
            case .closed:
                throw RPCError(code: .unavailable, message: "client is closed")
            case .connected(let connection):
                if connection.isUsable { return connection }
                self.connection.withLock { current in
                    if case .connected(let same) = current, same === connection { current = .idle }
                }
            case .connecting(let task):
                do {
                    return try await task.value
                } catch let error as RPCError {
                    throw error
                } catch {
                    throw RPCError(code: .unavailable, message: "\(error)", cause: error)
                }
            case .idle:
                let (path, configuration, group) = (self.socketPath, self.configuration, self.group)
                let task = Task { try await RPCConnection.connect(socketPath: path, configuration: configuration, group: group) }
                let installed = self.connection.withLock { current -> Bool in
                    guard case .idle = current else { return false }
                    current = .connecting(task)
                    return true
                }
                guard installed else { task.cancel(); continue }
                do {
                    let connection = try await task.value
                    self.connection.withLock { current in
                        if case .connecting = current { current = .connected(connection) }
                    }
                    return connection
                } catch {
                    self.connection.withLock { current in
                        if case .connecting = current { current = .idle }
                    }
                    if let error = error as? RPCError { throw error }
                    throw RPCError(code: .unavailable, message: "\(error)", cause: error)
                }
            }
        }
    }
}

extension String {
    /// The string with NUL shown as U+2400 (for error messages).
    fileprivate var replacingNUL: String {
        String(String.UnicodeScalarView(self.unicodeScalars.map { $0 == "\0" ? "\u{2400}" : $0 }))
    }
}
