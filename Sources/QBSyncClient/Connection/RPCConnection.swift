import NIOCore
import NIOPosix
import QBSyncWire
import Synchronization

/// One socket to the server, shared by many concurrent calls.
final class RPCConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ClientConnectionHandler>
    private let usable: UsableFlag
    let serverHello: Envelope.Hello

    private init(channel: any Channel, handler: NIOLoopBound<ClientConnectionHandler>, usable: UsableFlag, serverHello: Envelope.Hello) {
        self.channel = channel
        self.handler = handler
        self.usable = usable
        self.serverHello = serverHello
    }

    /// Connects and exchanges Hellos.
    static func connect(
        socketPath: String,
        configuration: ClientConfiguration,
        group: any EventLoopGroup
    ) async throws(RPCError) -> RPCConnection {
        let eventLoop = group.next()
        let handshake = eventLoop.makePromise(of: Envelope.Hello.self)
        let connectMillis = Int64(configuration.connectTimeout.components.seconds * 1000)
            + configuration.connectTimeout.components.attoseconds / 1_000_000_000_000_000
        do {
            let channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(.milliseconds(connectMillis))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(FrameDecoder(maxFrameSize: configuration.maxFrameSize))
                        )
                        try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(handshake: handshake))
                    }
                }
                .connect(unixDomainSocketPath: socketPath)
                .get()
            var hello = ByteBuffer()
            hello.writeFrame(Envelope.Frame(streamID: 0, kind: .hello(Envelope.Hello(
                protocolVersion: WireProtocol.version,
                maxFrameSize: UInt32(configuration.maxFrameSize),
                agent: "qbsync-swift-client/1"
            ))))
            channel.writeAndFlush(hello, promise: nil)
            let timeout = eventLoop.scheduleTask(in: .milliseconds(connectMillis)) {
                handshake.fail(RPCError(code: .unavailable, message: "no Hello from the server within the connect timeout"))
            }
            defer { timeout.cancel() }
            let serverHello: Envelope.Hello
            do {
                serverHello = try await handshake.futureResult.get()
            } catch {
                channel.close(promise: nil)
                throw error
            }
            let (handler, usable) = try await channel.pipeline.handler(type: ClientConnectionHandler.self).map {
                (NIOLoopBound($0, eventLoop: eventLoop), $0.usable)
            }.get()
            return RPCConnection(channel: channel, handler: handler, usable: usable, serverHello: serverHello)
        } catch let error as RPCError {
            handshake.fail(error)
            throw error
        } catch {
            handshake.fail(error)
            throw RPCError(code: .unavailable, message: "cannot connect to \(socketPath): \(error)", cause: error)
        }
    }

    /// False after GoAway or a broken socket: new calls need a new connection.
    var isUsable: Bool {
        self.channel.isActive && self.usable.isSet
    }

    func close() async {
        try? await self.channel.close()
    }

    /// Runs a unary call.
    func unary(path: String, request: [UInt8], options: CallOptions, timeout: Duration?) async -> Result<[UInt8], RPCError> {
        let call = UnaryCall()
        let handler = self.handler
        let eventLoop = self.channel.eventLoop
        let streamID = StreamIDBox()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                call.install(continuation)
                eventLoop.execute {
                    let id = handler.value.start(.unary(call), timeout: timeout) { id in
                        Self.openFrames(id, path: path, request: request, options: options, timeout: timeout, window: 1)
                    }
                    streamID.value.withLock { $0 = id }
                }
            }
        } onCancel: {
            eventLoop.execute {
                guard let id = streamID.value.withLock({ $0 }) else {
                    call.complete(RPCError(code: .cancelled, message: "call cancelled"))
                    return
                }
                handler.value.cancel(id, reason: "task cancelled", error: RPCError(code: .cancelled, message: "call cancelled"))
            }
        }
    }

    /// Opens a streaming call; responses arrive in `call`.
    func openStream(path: String, request: [UInt8], options: CallOptions, timeout: Duration?, call: StreamCall) async -> UInt32? {
        let handler = self.handler
        return try? await self.channel.eventLoop.submit {
            handler.value.start(.stream(call), timeout: timeout) { id in
                Self.openFrames(id, path: path, request: request, options: options, timeout: timeout, window: call.window)
            }
        }.get()
    }

    func cancel(_ id: UInt32, reason: String) {
        let handler = self.handler
        self.channel.eventLoop.execute {
            handler.value.cancel(id, reason: reason, error: RPCError(code: .cancelled, message: "call cancelled"))
        }
    }

    func grant(_ id: UInt32, messages: UInt32) {
        let handler = self.handler
        self.channel.eventLoop.execute { handler.value.grant(id, messages: messages) }
    }

    /// Round trip to the server.
    func ping() async throws {
        let promise = self.channel.eventLoop.makePromise(of: Void.self)
        let handler = self.handler
        self.channel.eventLoop.execute { handler.value.ping(promise) }
        try await promise.futureResult.get()
    }

    private static func openFrames(
        _ id: UInt32,
        path: String,
        request: [UInt8],
        options: CallOptions,
        timeout: Duration?,
        window: UInt32
    ) -> ByteBuffer {
        var micros: UInt64 = 0
        if let timeout {
            let (seconds, attos) = timeout.components
            micros = UInt64(max(1, seconds * 1_000_000 + attos / 1_000_000_000_000))
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(request.count + path.utf8.count + 64)
        buffer.writeFrame(Envelope.Frame(streamID: id, kind: .open(Envelope.OpenCall(
            method: path,
            timeoutMicros: micros,
            metadata: options.metadata.sorted { $0.key < $1.key }.map { Envelope.MetadataEntry(key: $0.key, value: $0.value) },
            initialWindow: window
        ))))
        buffer.writeFrame(Envelope.Frame(streamID: id, kind: .message(Envelope.Message(payload: request, endOfStream: true))))
        return buffer
    }
}

/// The stream id of a call being started, shared with its cancel handler.
private final class StreamIDBox: Sendable {
    let value = Mutex<UInt32?>(nil)
}
