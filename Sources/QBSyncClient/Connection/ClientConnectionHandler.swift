import NIOCore
import QBSyncWire
import Synchronization

/// A connection's "still usable" bit, shared with callers on other threads.
final class UsableFlag: Sendable {
    private let value = Atomic<Bool>(true)
    func store(_ usable: Bool) { self.value.store(usable, ordering: .relaxed) }
    var isSet: Bool { self.value.load(ordering: .relaxed) }
}

/// The client's end of one connection, on its event loop: routes inbound
/// frames to the calls waiting for them.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ReceivedFrame
    typealias OutboundOut = ByteBuffer

    enum Call {
        case unary(UnaryCall)
        case stream(StreamCall)

        func receive(_ payload: [UInt8]) {
            switch self {
            case .unary(let call): call.receive(payload)
            case .stream(let call): call.receive(payload)
            }
        }

        func complete(_ error: RPCError?) {
            switch self {
            case .unary(let call): call.complete(error)
            case .stream(let call): call.complete(error)
            }
        }
    }

    private var context: ChannelHandlerContext?
    private var calls: [UInt32: (call: Call, deadline: Scheduled<Void>?)] = [:]
    private var nextStreamID: UInt32 = 1
    private var handshake: EventLoopPromise<Envelope.Hello>?
    private var pings: [UInt64: EventLoopPromise<Void>] = [:]
    private var nextPing: UInt64 = 1
    /// Set once the server said GoAway or the connection broke: no new calls.
    private(set) var closedReason: RPCError? {
        didSet { if self.closedReason != nil { self.usable.store(false) } }
    }
    /// Readable from any thread: callers check it before every call without
    /// a hop to the event loop.
    let usable = UsableFlag()

    init(handshake: EventLoopPromise<Envelope.Hello>) {
        self.handshake = handshake
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    // MARK: Calls (on the event loop)

    /// Registers and sends a call. `frames` is built by `build(streamID)`.
    func start(_ call: Call, timeout: Duration?, build: (UInt32) -> ByteBuffer) -> UInt32? {
        guard let context, self.closedReason == nil else {
            let reason = self.closedReason?.message ?? "connection is closed"
            call.complete(RPCError(code: .unavailable, message: "not sent: \(reason)", cause: CallNotProcessed()))
            return nil
        }
        let id = self.nextStreamID
        guard id < UInt32.max - 1 else {
            self.closedReason = RPCError(code: .unavailable, message: "stream ids exhausted; reconnect")
            call.complete(self.closedReason)
            return nil
        }
        self.nextStreamID += 1
        var deadline: Scheduled<Void>?
        if let timeout {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            // The server enforces the deadline; this timer only covers a
            // server that stopped answering, so it fires a little later.
            let nanos = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            deadline = context.eventLoop.scheduleTask(in: .nanoseconds(nanos + 50_000_000)) {
                loopBound.value.cancel(id, reason: "deadline exceeded", error: RPCError(code: .deadlineExceeded, message: "deadline exceeded (no answer from the server)"))
            }
        }
        self.calls[id] = (call, deadline)
        context.writeAndFlush(Self.wrapOutboundOut(build(id)), promise: nil)
        return id
    }

    /// Sends Cancel for a call and completes it locally with `error`.
    func cancel(_ id: UInt32, reason: String, error: RPCError) {
        guard let entry = self.calls.removeValue(forKey: id) else { return }
        entry.deadline?.cancel()
        entry.call.complete(error)
        self.send(Envelope.Frame(streamID: id, kind: .cancel(Envelope.Cancel(reason: reason))))
    }

    func grant(_ id: UInt32, messages: UInt32) {
        guard self.calls[id] != nil else { return }
        self.send(Envelope.Frame(streamID: id, kind: .windowUpdate(Envelope.WindowUpdate(messages: messages))))
    }

    func ping(_ promise: EventLoopPromise<Void>) {
        let opaque = self.nextPing
        self.nextPing += 1
        self.pings[opaque] = promise
        self.send(Envelope.Frame(streamID: 0, kind: .ping(Envelope.Ping(opaque: opaque))))
    }

    var activeCalls: Int { self.calls.count }

    private func send(_ frame: Envelope.Frame) {
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: 32)
        buffer.writeFrame(frame)
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The server is trusted to send clean strings; a frame that is not
        // is still acted on (its strings as libprotobuf-c decoded them).
        let frame = Self.unwrapInboundIn(data).frame
        switch frame.kind {
        case .hello(let hello):
            self.handshake?.succeed(hello)
            self.handshake = nil
        case .message(let message):
            self.calls[frame.streamID]?.call.receive(message.payload)
        case .status(let status):
            guard let entry = self.calls.removeValue(forKey: frame.streamID) else { return }
            entry.deadline?.cancel()
            entry.call.complete(status.error)
        case .ping(let ping):
            self.send(Envelope.Frame(streamID: 0, kind: .pong(ping)))
        case .pong(let pong):
            self.pings.removeValue(forKey: pong.opaque)?.succeed()
        case .goaway(let goAway):
            self.receivedGoAway(goAway, context: context)
        case .open, .cancel, .windowUpdate, nil:
            self.fail(RPCError(code: .internal, message: "server sent an unexpected frame"), context: context)
        }
    }

    private func receivedGoAway(_ goAway: Envelope.GoAway, context: ChannelHandlerContext) {
        let code = RPCError.Code(rawValue: goAway.code) ?? .unavailable
        let error = RPCError(code: code, message: "server closed the connection (\(goAway.reason)): \(goAway.message)")
        self.closedReason = error
        if let handshake = self.handshake {
            self.handshake = nil
            handshake.fail(error)
        }
        // Calls above last_stream_id were never processed: they may be retried.
        for (id, entry) in self.calls where id > goAway.lastStreamID {
            self.calls.removeValue(forKey: id)
            entry.deadline?.cancel()
            entry.call.complete(RPCError(code: .unavailable, message: "not processed: \(error.message)", cause: CallNotProcessed()))
        }
        if goAway.reason != .shutdown {
            self.fail(error, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? FrameError {
            self.fail(RPCError(code: .internal, message: "bad data from the server: \(error.message)", cause: error), context: context)
        } else {
            // Resets and other socket errors: the server went away; retry elsewhere.
            self.fail(RPCError(code: .unavailable, message: "connection to the server failed: \(error)", cause: error), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.fail(self.closedReason ?? RPCError(code: .unavailable, message: "connection to the server was lost"), context: nil)
        context.fireChannelInactive()
    }

    private func fail(_ error: RPCError, context: ChannelHandlerContext?) {
        if self.closedReason == nil { self.closedReason = error }
        let lost = RPCError(code: .unavailable, message: "connection lost before the call completed: \(error.message)")
        for (_, entry) in self.calls {
            entry.deadline?.cancel()
            entry.call.complete(error.code == .unavailable ? lost : error)
        }
        self.calls.removeAll()
        self.handshake?.fail(error)
        self.handshake = nil
        for (_, promise) in self.pings { promise.fail(error) }
        self.pings.removeAll()
        context?.close(promise: nil)
    }
}

/// Marks a failure of a call the server never processed: safe to send again.
struct CallNotProcessed: Error {}
