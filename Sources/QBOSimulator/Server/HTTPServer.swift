import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOServing

/// The simulator's HTTP/1.1 listener on swift-nio: one child task per connection, requests
/// on a connection answered in order, bodies capped at `maximumBodyBytes` (413 beyond).
final class HTTPServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Requests larger than this are answered 413 and the connection closed.
    static let maximumBodyBytes = 10 * 1024 * 1024

    /// Where to listen.
    enum BindTarget: Sendable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    private let listener: NIOAsyncChannel<Connection, Never>
    /// Connections made and not yet served, closed if the listener ends first.
    private let accepted: AcceptedConnections<HTTPServerRequestPart, HTTPServerResponsePart>
    private let router: RequestRouter
    private let logger: Logger
    /// The TCP port actually bound, when listening on TCP.
    let port: Int?

    private init(listener: NIOAsyncChannel<Connection, Never>, accepted: AcceptedConnections<HTTPServerRequestPart, HTTPServerResponsePart>,
                 router: RequestRouter, logger: Logger) {
        self.listener = listener
        self.accepted = accepted
        self.router = router
        self.logger = logger
        port = listener.channel.localAddress?.port
    }

    static func bind(_ target: BindTarget, router: RequestRouter, logger: Logger) async throws -> HTTPServer {
        let isTCP: Bool
        if case .tcp = target { isTCP = true } else { isTCP = false }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        let accepted = AcceptedConnections<HTTPServerRequestPart, HTTPServerResponsePart>()
        let initializer: @Sendable (Channel) -> EventLoopFuture<Connection> = { channel in
            channel.eventLoop.makeCompletedFuture {
                if isTCP { try channel.syncOptions?.setOption(.socketOption(.tcp_nodelay), value: 1) }
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                return accepted.adopt(try Connection(wrappingChannelSynchronously: channel))
            }
        }
        let listener: NIOAsyncChannel<Connection, Never>
        switch target {
        case .tcp(let host, let port):
            listener = try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        case .unixSocket(let path):
            listener = try await bootstrap.bind(
                unixDomainSocketPath: path, cleanupExistingSocketFile: true, childChannelInitializer: initializer)
        }
        return HTTPServer(listener: listener, accepted: accepted, router: router, logger: logger)
    }

    /// Accepts connections until the listener closes, then ends the open ones.
    ///
    /// The serving task is not cancelled to stop: a connection accepted but
    /// not yet taken from the listener's stream would be dropped with its
    /// outbound writer unfinished, which traps in NIO (apple/swift-nio#2813).
    /// Closing the listener ends the stream after every accepted connection
    /// has been handed out; only then are the connections' tasks cancelled,
    /// each inside its `executeThenClose`.
    func serve() async {
        do {
            try await listener.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        self.accepted.take(connection)
                        group.addTask { await self.serve(connection) }
                    }
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("listener stopped", metadata: ["error": "\(error)"])
        }
        await self.accepted.closeUnserved()
    }

    /// Stops accepting; open connections end when the serving task is cancelled.
    func close() async {
        try? await listener.channel.close()
    }

    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var pending: PendingRequest?
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        pending = PendingRequest(head: head)
                        // libcurl asks before sending a large body and would wait a second for this.
                        if head.headers[canonicalForm: "Expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                            try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
                        }
                    case .body(let chunk):
                        pending?.append(chunk)
                    case .end:
                        guard let request = pending else { continue }
                        pending = nil
                        let outcome: ResponseOutcome =
                            request.isTooLarge ? .respond(Self.tooLarge()) : await router.respond(to: request.complete())
                        guard case .respond(let response) = outcome else { return }
                        let keepAlive = request.head.isKeepAlive && !request.isTooLarge
                        try await outbound.write(
                            contentsOf: Self.parts(of: response, version: request.head.version, keepAlive: keepAlive))
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("connection closed", metadata: ["error": "\(error)"])
        }
    }

    private static func parts(
        of response: SimulatorResponse, version: HTTPVersion, keepAlive: Bool
    ) -> [HTTPServerResponsePart] {
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: version, status: response.status, headers: headers)
        return [.head(head), .body(.byteBuffer(ByteBuffer(bytes: response.body))), .end(nil)]
    }

    /// What QBO's front end answers to an oversized body.
    private static func tooLarge() -> SimulatorResponse {
        let html =
            "<html><head><title>413 Request Entity Too Large</title></head><body><h1>Request Entity Too Large</h1>"
            + "The request body exceeds the \(maximumBodyBytes) bytes allowed.</body></html>"
        return SimulatorResponse(status: .payloadTooLarge, headers: [("Content-Type", "text/html")], body: Array(html.utf8))
    }
}

/// A request whose body is still arriving.
private struct PendingRequest {
    let head: HTTPRequestHead
    private var body: [UInt8] = []
    private(set) var isTooLarge = false

    init(head: HTTPRequestHead) {
        self.head = head
    }

    /// Keeps reading an oversized body (discarding it) so the client is not reset while
    /// still sending and can read the 413.
    mutating func append(_ chunk: ByteBuffer) {
        guard !isTooLarge else { return }
        if body.count + chunk.readableBytes > HTTPServer.maximumBodyBytes {
            isTooLarge = true
            body = []
        } else {
            body.append(contentsOf: chunk.readableBytesView)
        }
    }

    func complete() -> SimulatorRequest {
        SimulatorRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
    }
}
