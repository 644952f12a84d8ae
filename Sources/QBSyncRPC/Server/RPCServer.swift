import Logging
import NIOCore
import NIOPosix
import QBSyncWire
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The qbsync RPC server: framed protobuf calls over a Unix domain socket.
///
/// A `Service` in the swift-service-lifecycle sense: ``run()`` binds the
/// socket (replacing a stale file, refusing a live server's), serves until
/// graceful shutdown or cancellation, then sends GoAway, lets unary calls
/// finish within the drain timeout, and removes the socket file.
public actor RPCServer: Service {
    enum State {
        case initial
        case running(listener: any Channel, identity: (device: UInt64, inode: UInt64)?)
        case shuttingDown
        case shutdown
    }

    private let configuration: RPCServerConfiguration
    private let router: RPCRouter
    private let group: any EventLoopGroup
    private let logger: Logger
    private let connections = ConnectionRegistry()
    private let logThrottle = LogThrottle()
    private let census = HandlerCensus()

    /// Connection handlers still in memory (closed ones must be freed).
    nonisolated var liveConnectionHandlers: Int { self.census.live.load(ordering: .relaxed) }

    /// Connections not read from now because their peer left more than the
    /// outbound budget unread.
    public nonisolated var connectionsNotRead: Int { self.census.notRead.load(ordering: .relaxed) }
    private var state = State.initial
    private var runningWaiters: [CheckedContinuation<Void, any Error>] = []
    private var shutdownWaiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a server; nothing is bound until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: Socket path, permissions and limits.
    ///   - router: The handlers, by method path.
    ///   - group: Event loops for the socket I/O.
    ///   - logger: Where connection-level events are logged.
    public init(
        configuration: RPCServerConfiguration,
        router: RPCRouter,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "qbsync.rpc")
    ) {
        self.configuration = configuration
        self.maxConnections = configuration.maxConnections
        self.router = router
        self.group = group
        self.logger = logger
    }

    /// Binds, serves until shutdown, then drains.
    ///
    /// - Throws: ``RPCServerError`` when the socket cannot be bound (a live
    ///   server owns it, or the path is not a socket).
    public func run() async throws {
        do {
            try await self.start()
        } catch {
            self.failRunningWaiters(error)
            throw error
        }
        await withTaskCancellationOrGracefulShutdownHandler {
            await self.waitUntilShutdown()
        } onCancelOrGracefulShutdown: {
            Task { await self.shutdown() }
        }
    }

    /// Returns once the socket is bound and accepting (for tests and start-up messages).
    public func waitUntilRunning() async throws {
        switch self.state {
        case .running: return
        case .shuttingDown, .shutdown: throw RPCServerError("server is shut down")
        case .initial:
            try await withCheckedThrowingContinuation { self.runningWaiters.append($0) }
        }
    }

    /// Connections currently open.
    public var connectionCount: Int { self.connections.count }

    /// Connections served at once: the configured maximum, or fewer when the
    /// file-descriptor limit leaves less room (known once running).
    public private(set) var maxConnections: Int

    /// Begins graceful shutdown: stop accepting, GoAway, drain, close.
    /// Returns once the server is fully shut down.
    public func shutdown() async {
        switch self.state {
        case .initial:
            self.state = .shutdown
            self.failRunningWaiters(RPCServerError("server shut down before it started"))
            self.finishShutdown()
            return
        case .shuttingDown:
            await self.waitUntilShutdown()
            return
        case .shutdown:
            return
        case .running(let listener, let identity):
            self.state = .shuttingDown
            try? await listener.close()
            SocketFile.remove(self.configuration.socketPath, ifIdentity: identity)
            self.logger.info("shutting down", metadata: ["connections": "\(self.connections.count)"])
            await self.connections.drainAll(timeout: self.configuration.drainTimeout)
            self.state = .shutdown
            self.finishShutdown()
        }
    }

    private func start() async throws {
        guard case .initial = self.state else { throw RPCServerError("server was already started") }
        let path = self.configuration.socketPath
        try SocketFile.prepare(path)
        let configuration = self.configuration
        let router = self.router
        let logger = self.logger
        let capacity = FileDescriptorLimit.connectionCapacity(requested: configuration.maxConnections)
        if capacity.connections < configuration.maxConnections {
            self.logger.warning(
                "serving fewer connections than configured: the file-descriptor limit leaves room for \(capacity.connections)",
                metadata: ["max_connections": "\(configuration.maxConnections)", "nofile_soft_limit": "\(capacity.softLimit ?? 0)"]
            )
        }
        self.maxConnections = capacity.connections
        let maxConnections = capacity.connections
        let connections = self.connections
        let logThrottle = self.logThrottle
        let census = self.census
        let budget = max(configuration.outboundBudget, 2)
        let bootstrap = ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: budget / 2, high: budget))
            .childChannelInitializer { channel in
                PeerCredentials.of(channel).flatMap { peer in
                    Self.initialize(
                        channel, peer: peer, configuration: configuration, maxConnections: maxConnections, router: router,
                        connections: connections, logThrottle: logThrottle, census: census, logger: logger
                    )
                }
            }
        // umask is process-wide; bind runs now, so the socket file is created
        // with the configured mode rather than briefly wider.
        let previousMask = umask(mode_t(~configuration.socketMode & 0o777))
        let listener: any Channel
        do {
            listener = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).get()
            umask(previousMask)
        } catch {
            umask(previousMask)
            throw RPCServerError("cannot listen on \(path): \(error)")
        }
        chmod(path, mode_t(configuration.socketMode))
        self.state = .running(listener: listener, identity: SocketFile.identity(path))
        self.logger.info("listening", metadata: ["socket": "\(path)"])
        for waiter in self.runningWaiters { waiter.resume() }
        self.runningWaiters.removeAll()
    }

    private static func initialize(
        _ channel: any Channel,
        peer: PeerCredentials?,
        configuration: RPCServerConfiguration,
        maxConnections: Int,
        router: RPCRouter,
        connections: ConnectionRegistry,
        logThrottle: LogThrottle,
        census: HandlerCensus,
        logger: Logger
    ) -> EventLoopFuture<Void> {
        var logger = logger
        logger[metadataKey: "peer"] = "\(peer.map { "\($0)" } ?? "unknown")"
        let rejection: Envelope.GoAway?
        if !configuration.allows(peer) {
            logThrottle.log(logger, "peer not on the allowlist; refused")
            rejection = Envelope.GoAway(reason: .permissionDenied, code: RPCError.Code.permissionDenied.rawValue,
                                        message: "peer \(peer.map { "uid \($0.uid) gid \($0.gid)" } ?? "with unknown credentials") is not allowed")
        } else if connections.count >= maxConnections {
            logThrottle.log(logger, "connection limit reached; refused", metadata: ["limit": "\(maxConnections)"])
            rejection = Envelope.GoAway(reason: .tooManyConnections, code: RPCError.Code.resourceExhausted.rawValue,
                                        message: "the server serves at most \(maxConnections) connections")
        } else {
            rejection = nil
        }
        if let rejection {
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RejectingHandler(goAway: rejection))
            }
        }
        return channel.eventLoop.makeCompletedFuture {
            let handler = ServerConnectionHandler(router: router, configuration: configuration, peer: peer, logger: logger, logThrottle: logThrottle, census: census)
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: configuration.maxFrameSize)))
            try channel.pipeline.syncOperations.addHandler(handler)
            connections.add(channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        }
    }

    private func waitUntilShutdown() async {
        if case .shutdown = self.state { return }
        await withCheckedContinuation { self.shutdownWaiters.append($0) }
    }

    private func finishShutdown() {
        for waiter in self.shutdownWaiters { waiter.resume() }
        self.shutdownWaiters.removeAll()
        self.logger.info("shut down")
    }

    private func failRunningWaiters(_ error: any Error) {
        for waiter in self.runningWaiters { waiter.resume(throwing: error) }
        self.runningWaiters.removeAll()
    }
}

/// Sends one GoAway to a refused peer and closes.
private final class RejectingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let goAway: Envelope.GoAway

    init(goAway: Envelope.GoAway) {
        self.goAway = goAway
    }

    private var sent = false

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.refuse(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.refuse(context: context)
    }

    private func refuse(context: ChannelHandlerContext) {
        guard !self.sent else { return }
        self.sent = true
        var buffer = context.channel.allocator.buffer(capacity: 128)
        buffer.writeFrame(Envelope.Frame(streamID: 0, kind: .goaway(self.goAway)))
        let channel = context.channel
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
