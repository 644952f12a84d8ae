import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A small HTTP/1.1 listener for the service's side doors (Intuit's webhooks,
/// Prometheus' scrapes): each request's head and body (at most
/// ``maxBodyBytes``; more is answered 413 unread) go to `answer`, whose
/// answer is written back; keep-alive is honoured. Runs until graceful
/// shutdown, and never drops an accepted connection unserved.
public final class HTTPListener: Sendable {
    /// What to answer.
    public struct Answer: Sendable {
        public var status: HTTPResponseStatus
        public var contentType: String
        public var body: [UInt8]

        public init(_ status: HTTPResponseStatus, _ text: String, contentType: String = "text/plain; charset=utf-8") {
            self.init(status, body: Array(text.utf8), contentType: contentType)
        }

        public init(_ status: HTTPResponseStatus, body: [UInt8], contentType: String) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    private let host: String
    private let requestedPort: Int
    private let maxBodyBytes: Int
    private let logger: Logger
    private let answer: @Sendable (HTTPRequestHead, [UInt8]) async -> Answer
    private let bound = Mutex<Int?>(nil)

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Creates the listener (it binds when run).
    ///
    /// - Parameters:
    ///   - host: Address to listen on.
    ///   - port: TCP port; 0 picks one (see ``port()``).
    ///   - maxBodyBytes: Largest request body read.
    ///   - answer: The answer to one request.
    public init(host: String, port: Int, maxBodyBytes: Int, logger: Logger, answer: @escaping @Sendable (HTTPRequestHead, [UInt8]) async -> Answer) {
        self.host = host
        self.requestedPort = port
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.answer = answer
    }

    /// The port it listens on, once bound (waits up to 10 s).
    public func port() async throws -> Int {
        for _ in 0..<1000 {
            if let port = self.bound.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ChannelError.inappropriateOperationForState
    }

    /// Binds, then serves until graceful shutdown.
    public func run() async throws {
        let accepted = AcceptedConnections<HTTPServerRequestPart, HTTPServerResponsePart>()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: self.host, port: self.requestedPort) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return accepted.adopt(try Connection(wrappingChannelSynchronously: channel))
                }
            }
        self.bound.withLock { $0 = listener.channel.localAddress?.port }
        // Stopping closes the listener and lets the accept loop drain (not a
        // cancellation: an accepted connection left in the stream would trap, apple/swift-nio#2813).
        // A connection made but never handed out (the listener closed or the task was
        // cancelled meanwhile) is closed afterwards instead of trapping when dropped.
        do {
            try await withGracefulShutdownHandler {
                try await listener.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            accepted.take(connection)
                            group.addTask { await self.serve(connection) }
                        }
                        group.cancelAll()
                    }
                }
            } onGracefulShutdown: {
                listener.channel.close(promise: nil)
            }
        } catch {
            await accepted.closeUnserved()
            throw error
        }
        await accepted.closeUnserved()
    }

    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body = []
                        tooLarge = false
                    case .body(var chunk):
                        if body.count + chunk.readableBytes > self.maxBodyBytes { tooLarge = true } else { body += chunk.readBytes(length: chunk.readableBytes) ?? [] }
                    case .end:
                        guard let request = head else { continue }
                        let answer = tooLarge ? Answer(.payloadTooLarge, "body over \(self.maxBodyBytes) bytes") : await self.answer(request, body)
                        var headers = HTTPHeaders([("Content-Type", answer.contentType), ("Content-Length", String(answer.body.count))])
                        headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
                        try await outbound.write(contentsOf: [
                            .head(HTTPResponseHead(version: request.version, status: answer.status, headers: headers)),
                            .body(.byteBuffer(ByteBuffer(bytes: answer.body))), .end(nil),
                        ])
                        if !request.isKeepAlive { return }
                        head = nil
                    }
                }
            }
        } catch {
            self.logger.debug("HTTP connection ended", metadata: ["error": "\(error)"])
        }
    }
}
