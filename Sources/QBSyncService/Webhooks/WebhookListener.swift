import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOServing
import QBSyncCore
import QBSyncRPC
import ServiceLifecycle
import Synchronization

/// Where Intuit's webhooks are received, and the app's verifier token.
public struct WebhookConfiguration: Sendable {
    /// Address to listen on (put TLS in front: Intuit calls HTTPS URLs only).
    public var host: String
    /// TCP port; 0 picks one (see ``WebhookListener/port()``).
    public var port: Int
    /// The path Intuit posts to.
    public var path: String
    /// The verifier token Intuit shows for the app's webhook endpoint.
    public var verifierToken: String

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int, path: String = "/webhooks/quickbooks", verifierToken: String) {
        self.host = host
        self.port = port
        self.path = path
        self.verifierToken = verifierToken
    }
}

/// Receives Intuit's webhooks and asks the engine to read those companies'
/// changes sooner. A body is never trusted: only its signature (HMAC-SHA256
/// with the verifier token) makes it count, and then only the realm ids it
/// names are used; the changes themselves are read through change data
/// capture. Answers at once (Intuit waits 3 s), the check runs after.
public final class WebhookListener: Service, Sendable {
    /// Largest body read; Intuit's notifications are a few KiB.
    static let maxBodyBytes = 1 << 20

    private let configuration: WebhookConfiguration
    private let engine: SyncEngine
    private let logger: Logger
    private let bound = Mutex<Int?>(nil)
    private let refusals = LogThrottle()

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Creates the listener (it binds when run).
    public init(configuration: WebhookConfiguration, engine: SyncEngine, logger: Logger) {
        self.configuration = configuration
        self.engine = engine
        self.logger = logger
    }

    /// The port it listens on, once bound (waits up to 10 s).
    public func port() async throws -> Int {
        for _ in 0..<1000 {
            if let port = self.bound.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ChannelError.inappropriateOperationForState
    }

    public func run() async throws {
        let accepted = AcceptedConnections<HTTPServerRequestPart, HTTPServerResponsePart>()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: self.configuration.host, port: self.configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return accepted.adopt(try Connection(wrappingChannelSynchronously: channel))
                }
            }
        self.bound.withLock { $0 = listener.channel.localAddress?.port }
        self.logger.info("webhook listener up", metadata: ["address": "\(self.configuration.host):\(listener.channel.localAddress?.port ?? 0)\(self.configuration.path)"])
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
                        if body.count + chunk.readableBytes > Self.maxBodyBytes { tooLarge = true } else { body += chunk.readBytes(length: chunk.readableBytes) ?? [] }
                    case .end:
                        guard let request = head else { continue }
                        let (status, text) = tooLarge ? (HTTPResponseStatus.payloadTooLarge, "body over 1 MiB") : self.answer(request, body: body)
                        var headers = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(text.utf8.count))])
                        headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
                        try await outbound.write(contentsOf: [
                            .head(HTTPResponseHead(version: request.version, status: status, headers: headers)),
                            .body(.byteBuffer(ByteBuffer(string: text))), .end(nil),
                        ])
                        if !request.isKeepAlive { return }
                        head = nil
                    }
                }
            }
        } catch {
            self.logger.debug("webhook connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// The answer to one request; a signed notification starts checks of its companies.
    func answer(_ request: HTTPRequestHead, body: [UInt8]) -> (HTTPResponseStatus, String) {
        guard request.uri.split(separator: "?").first.map(String.init) == self.configuration.path else { return (.notFound, "not found") }
        guard request.method == .POST else { return (.methodNotAllowed, "POST only") }
        guard let signature = request.headers["intuit-signature"].first,
              WebhookNotification.isSigned(body, signature: signature, verifierToken: self.configuration.verifierToken)
        else {
            self.refusals.log(self.logger, "webhook refused: missing or wrong intuit-signature (is the verifier token right?)")
            return (.unauthorized, "intuit-signature does not match")
        }
        do {
            let realms = try WebhookNotification.realmIDs(body)
            self.engine.checkDriftSoon(realmIDs: realms)
            return (.ok, "ok")
        } catch {
            return (.badRequest, "\(error)")
        }
    }
}
