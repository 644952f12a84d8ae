import DequeModule
import Logging
import NIOCore
import QBSyncWire
import Synchronization

/// Serves one client connection on its event loop.
///
/// Frames go through ``ConnectionStateMachine``; each call runs its handler
/// in its own Task, which hands results back through a ``CallSink``. All
/// mutable state lives on the event loop, so none of it needs a lock.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ReceivedFrame
    typealias OutboundOut = ByteBuffer

    /// Runtime resources of a running call (the protocol state is in the state machine).
    private struct Call {
        var task: Task<Void, Never>?
        var deadline: Scheduled<Void>?
        var deadlineInstant: NIODeadline?
        var kind: RPCKind
        /// Response messages the client still allows (flow control).
        var window: UInt32
        /// Messages waiting for window or socket room, then maybe the final status.
        var pending: Deque<ByteBuffer> = []
        var finalFrame: ByteBuffer?
        /// The handler's writer waiting for room in `pending`.
        var waitingWriter: (@Sendable (Result<Void, RPCError>) -> Void)?
        /// The handler asked to stop waiting: writes fail at once.
        var interrupted = false
    }

    private static let interruptedError = RPCError(code: .aborted, message: "writes to this stream were interrupted by its handler")

    private var state: ConnectionStateMachine
    private var calls: [UInt32: Call] = [:]
    private let router: RPCRouter
    private let configuration: RPCServerConfiguration
    private var logger: Logger
    private let peer: PeerCredentials?
    private var context: ChannelHandlerContext?
    private var executor: EventLoopTaskExecutor?
    private var handshakeTimer: Scheduled<Void>?
    /// Calls opened whose request message has not arrived, with their timeout.
    private var requestTimers: [UInt32: Scheduled<Void>] = [:]
    /// Set while the peer does not read: when it fires, the connection ends.
    private var stalledTimer: Scheduled<Void>?
    private let logThrottle: LogThrottle
    private var flushPending = false
    /// Frames of the connection's own, gathered until the next flush (see `write`).
    private var outbound: ByteBuffer?
    private var flushScheduled = false
    /// Called once when the connection has no calls left after a shutdown began.
    private var onDrained: (() -> Void)?

    private let census: HandlerCensus

    init(
        router: RPCRouter,
        configuration: RPCServerConfiguration,
        peer: PeerCredentials?,
        logger: Logger,
        logThrottle: LogThrottle,
        census: HandlerCensus
    ) {
        self.router = router
        self.configuration = configuration
        self.peer = peer
        self.logger = logger
        self.logThrottle = logThrottle
        self.state = ConnectionStateMachine(limits: .init(
            maxConcurrentStreams: configuration.maxConcurrentStreams,
            maxFrameSize: configuration.maxFrameSize,
            defaultWindow: WireProtocol.defaultInitialWindow,
            maxMetadataBytesPerConnection: configuration.maxMetadataBytesPerConnection
        ))
        self.census = census
        census.live.add(1, ordering: .relaxed)
    }

    deinit {
        self.census.live.subtract(1, ordering: .relaxed)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.executor = EventLoopTaskExecutor(eventLoop: context.eventLoop)
    }

    /// The pipeline is going away: drop the context, or the handler and the
    /// context would keep each other (and everything the connection held) alive.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelTimers()
        self.setReadingPaused(false)
        self.context = nil
        self.executor = nil
    }

    private func cancelTimers() {
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
        self.stalledTimer?.cancel()
        self.stalledTimer = nil
        for timer in self.requestTimers.values { timer.cancel() }
        self.requestTimers.removeAll()
    }

    func channelActive(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.handshakeTimer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(self.configuration.handshakeTimeout.nanoseconds))) {
            loopBound.value.handshakeTimedOut()
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let action = self.state.receive(Self.unwrapInboundIn(data))
        self.perform(action, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.flushIfNeeded(context: context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.state.connectionClosed()
        self.cancelTimers()
        for (_, call) in self.calls {
            call.deadline?.cancel()
            call.task?.cancel()
            call.waitingWriter?(.failure(RPCError(code: .unavailable, message: "connection closed")))
        }
        self.calls.removeAll()
        self.checkDrained()
        context.fireChannelInactive()
    }

    /// Honours the outbound budget: while more than
    /// ``RPCServerConfiguration/outboundBudget`` bytes wait for the peer to
    /// read, nothing more is read from it (no new calls, no pings to answer);
    /// a peer that stays that way for the grace period is disconnected.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.stalledTimer?.cancel()
            self.stalledTimer = nil
            self.setReadingPaused(false)
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            context.read()
            for id in self.calls.keys { self.drain(id, context: context) }
            self.flushIfNeeded(context: context)
        } else {
            self.setReadingPaused(true)
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
            if self.stalledTimer == nil {
                let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
                self.stalledTimer = context.eventLoop.scheduleTask(in: self.configuration.outboundGracePeriod) {
                    loopBound.value.peerStalled()
                }
            }
        }
        context.fireChannelWritabilityChanged()
    }

    private var readingPaused = false

    private func setReadingPaused(_ paused: Bool) {
        guard paused != self.readingPaused else { return }
        self.readingPaused = paused
        if paused {
            self.census.notRead.add(1, ordering: .relaxed)
        } else {
            self.census.notRead.subtract(1, ordering: .relaxed)
        }
    }

    private func peerStalled() {
        self.stalledTimer = nil
        guard let context = self.context, !context.channel.isWritable else { return }
        let seconds = Double(self.configuration.outboundGracePeriod.nanoseconds) / 1e9
        let action = self.state.fail(
            .protocolError,
            "the client did not read its answers for \(seconds) seconds with more than \(self.configuration.outboundBudget) bytes waiting",
            code: .resourceExhausted
        )
        self.perform(action, context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let action: ConnectionStateMachine.Action
        switch error {
        case let error as FrameError where error.kind == .tooLarge:
            action = self.state.fail(.frameTooLarge, error.message, code: .resourceExhausted)
        case let error as FrameError where error.kind == .truncated:
            self.logger.debug("client closed inside a frame", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        case let error as FrameError:
            action = self.state.fail(.protocolError, error.message)
        case let error as ByteToMessageDecoderError:
            action = self.state.fail(.protocolError, "undecodable input: \(error)")
        default:
            self.logger.debug("connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        self.perform(action, context: context)
    }

    // MARK: Actions

    private func perform(_ action: ConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .sendHello(let hello):
            self.handshakeTimer?.cancel()
            self.handshakeTimer = nil
            self.write(Envelope.Frame(streamID: 0, kind: .hello(hello)), context: context)
        case .sendPong(let opaque):
            self.write(Envelope.Frame(streamID: 0, kind: .pong(Envelope.Ping(opaque: opaque))), context: context)
        case .goAway(let goAway):
            let goAway = goAway.fittingAnyFrame()
            self.logThrottle.log(self.logger, "closing connection", metadata: ["reason": "\(goAway.reason)", "message": "\(goAway.message)"])
            self.write(Envelope.Frame(streamID: 0, kind: .goaway(goAway)), context: context)
            self.flushIfNeeded(context: context)
            context.close(promise: nil)
        case .rejectStream(let id, let status):
            self.requestTimers.removeValue(forKey: id)?.cancel()
            self.write(Envelope.Frame(streamID: id, kind: .status(status.fittingAnyFrame())), context: context)
            self.checkDrained()
        case .awaitRequest(let id):
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            self.requestTimers[id] = context.eventLoop.scheduleTask(in: self.configuration.requestTimeout) {
                loopBound.value.requestTimedOut(id)
            }
        case .startCall(let id, let request):
            self.requestTimers.removeValue(forKey: id)?.cancel()
            self.startCall(id, request: request, context: context)
        case .cancelCall(let id, let status):
            self.requestTimers.removeValue(forKey: id)?.cancel()
            self.endCall(id, status: status, context: context)
        case .grantWindow(let id, let messages):
            guard var call = self.calls[id] else { return }
            let (sum, overflow) = call.window.addingReportingOverflow(messages)
            call.window = overflow ? .max : sum
            self.calls[id] = call
            self.drain(id, context: context)
        }
    }

    private func startCall(_ id: UInt32, request: [UInt8], context: ChannelHandlerContext) {
        guard let stream = self.state.streams[id] else { return }
        guard let registration = self.router.registration(for: stream.method) else {
            self.state.streamClosed(id)
            let status = ConnectionStateMachine.status(.unimplemented, "method \(stream.method) is not implemented by this server")
            self.write(Envelope.Frame(streamID: id, kind: .status(status.fittingAnyFrame())), context: context)
            return
        }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        var deadlineInstant: ContinuousClock.Instant?
        var deadline: Scheduled<Void>?
        if stream.timeoutMicros > 0 {
            let micros = min(stream.timeoutMicros, UInt64(Int64.max / 1000))
            deadlineInstant = .now + .microseconds(Int64(micros))
            deadline = context.eventLoop.scheduleTask(in: .microseconds(Int64(micros))) {
                loopBound.value.deadlineExceeded(id)
            }
        }
        let callContext = ServerContext(
            method: stream.method,
            metadata: Dictionary(stream.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }),
            deadline: deadlineInstant,
            peer: self.peer
        )
        let sink = CallSink(
            streamID: id,
            method: stream.method,
            connection: loopBound,
            maxFrameSize: self.state.peerMaxFrameSize,
            logger: self.logger
        )
        self.calls[id] = Call(
            task: nil,
            deadline: deadline,
            deadlineInstant: stream.timeoutMicros > 0 ? .now() + .microseconds(Int64(min(stream.timeoutMicros, UInt64(Int64.max / 1000)))) : nil,
            kind: registration.kind,
            window: stream.initialWindow
        )
        let handler = registration.handler
        // The handler starts right here, on this event loop, and runs until
        // its first suspension (for SyncInvoice: validation, then handing the
        // change to the store's writer). Queued behind everything else on the
        // loop instead, each call waited about 120 µs at 32 concurrent callers
        // before it even began. A handler that finishes without suspending
        // ends its call re-entrantly through `finishCall`, which the entry in
        // `calls` made above allows.
        let task = Task.immediate(executorPreference: self.executor) {
            await handler(request, callContext, sink)
        }
        // The task may have finished already (its result hops back to this loop
        // later), so only attach it if the call is still live.
        if self.calls[id] != nil { self.calls[id]?.task = task }
    }

    private func deadlineExceeded(_ id: UInt32) {
        guard let context = self.context, self.calls[id] != nil else { return }
        self.state.streamClosed(id)
        self.endCall(id, status: ConnectionStateMachine.status(.deadlineExceeded, "deadline exceeded"), context: context)
        self.flushIfNeeded(context: context)
    }

    /// An opened call whose request never came: end it, freeing its metadata.
    private func requestTimedOut(_ id: UInt32) {
        self.requestTimers.removeValue(forKey: id)
        guard let context = self.context, self.state.isAwaitingRequest(id) else { return }
        self.state.streamClosed(id)
        let seconds = Double(self.configuration.requestTimeout.nanoseconds) / 1e9
        self.write(
            Envelope.Frame(streamID: id, kind: .status(ConnectionStateMachine.status(.deadlineExceeded, "no request message within \(seconds) seconds of opening the call"))),
            context: context
        )
        self.flushIfNeeded(context: context)
        self.checkDrained()
    }

    private func handshakeTimedOut() {
        guard let context = self.context, self.state.phase == .awaitingHello else { return }
        let seconds = Double(self.configuration.handshakeTimeout.nanoseconds) / 1e9
        self.perform(self.state.fail(.handshakeTimeout, "no Hello within \(seconds) seconds"), context: context)
    }

    /// Cancels a running call and ends its stream with `status`.
    private func endCall(_ id: UInt32, status: Envelope.Status, context: ChannelHandlerContext) {
        if let call = self.calls.removeValue(forKey: id) {
            call.deadline?.cancel()
            call.task?.cancel()
            call.waitingWriter?(.failure(status.error ?? RPCError(code: .cancelled, message: "call ended")))
        }
        self.write(Envelope.Frame(streamID: id, kind: .status(status.fittingAnyFrame())), context: context)
        self.checkDrained()
    }

    // MARK: From handler tasks (already on the event loop)

    func finishCall(_ id: UInt32, final: ByteBuffer, discardingPending: Bool = false) {
        guard let context = self.context, var call = self.calls[id] else { return }
        if discardingPending { call.pending.removeAll() }
        if let instant = call.deadlineInstant, instant < .now() {
            // The answer came too late; the caller has been told, or is about to be, that it expired.
            self.state.streamClosed(id)
            self.endCall(id, status: ConnectionStateMachine.status(.deadlineExceeded, "deadline exceeded"), context: context)
            self.scheduleFlush(context: context)
            return
        }
        call.deadline?.cancel()
        call.deadline = nil
        call.finalFrame = final
        self.calls[id] = call
        // The stream stays open in the state machine until the final frame is
        // written: messages queued behind the window still need its updates.
        self.drain(id, context: context)
        self.scheduleFlush(context: context)
    }

    func enqueue(_ id: UInt32, frames: [ByteBuffer], completion: @escaping @Sendable (Result<Void, RPCError>) -> Void) {
        guard let context = self.context, var call = self.calls[id], call.finalFrame == nil else {
            completion(.failure(RPCError(code: .cancelled, message: "the call has ended")))
            return
        }
        call.pending.append(contentsOf: frames)
        self.calls[id] = call
        self.drain(id, context: context)
        self.scheduleFlush(context: context)
        // Interrupted: the frames are queued like any others (a handler
        // counts what it dropped with `discardPending`), but nothing waits.
        if self.calls[id]?.interrupted == true {
            completion(.failure(Self.interruptedError))
            return
        }
        if let call = self.calls[id], call.pending.count > self.configuration.maxBufferedMessagesPerStream {
            self.calls[id]?.waitingWriter = completion
        } else {
            completion(.success(()))
        }
    }

    /// Fails the call's waiting writer and every later write (see ``RPCWriter/interrupt()``).
    func interruptWriter(_ id: UInt32) {
        guard var call = self.calls[id] else { return }
        call.interrupted = true
        let writer = call.waitingWriter
        call.waitingWriter = nil
        self.calls[id] = call
        writer?(.failure(Self.interruptedError))
    }

    /// Drops a call's messages not yet written (see ``RPCWriter/discardUnsent()``).
    func discardPending(_ id: UInt32) -> Int {
        guard var call = self.calls[id] else { return 0 }
        let dropped = call.pending.count
        call.pending.removeAll()
        let writer = call.waitingWriter
        call.waitingWriter = nil
        self.calls[id] = call
        writer?(.success(()))
        return dropped
    }

    /// Writes what the window and the socket allow; ends the call after its final frame.
    private func drain(_ id: UInt32, context: ChannelHandlerContext) {
        guard var call = self.calls[id] else { return }
        while call.window > 0, context.channel.isWritable, let next = call.pending.popFirst() {
            call.window -= 1
            self.writeBuffer(next, context: context)
            self.flushPending = true
        }
        if call.pending.count <= self.configuration.maxBufferedMessagesPerStream, let writer = call.waitingWriter {
            call.waitingWriter = nil
            writer(.success(()))
        }
        if call.pending.isEmpty, let final = call.finalFrame {
            // A unary response and its status travel together in `final`.
            self.writeBuffer(final, context: context)
            self.flushPending = true
            self.calls.removeValue(forKey: id)
            self.state.streamClosed(id)
            self.checkDrained()
            return
        }
        self.calls[id] = call
    }

    // MARK: Shutdown

    /// Sends GoAway, ends streaming calls, and calls `drained` once no call is left.
    func beginShutdown(drained: @escaping () -> Void) {
        guard let context = self.context else { return drained() }
        self.onDrained = drained
        if let goAway = self.state.beginShutdown() {
            self.write(Envelope.Frame(streamID: 0, kind: .goaway(goAway)), context: context)
        }
        // Calls whose request never came have no handler to wait for.
        for id in self.state.removeUnstartedStreams() {
            self.requestTimers.removeValue(forKey: id)?.cancel()
            self.write(
                Envelope.Frame(streamID: id, kind: .status(ConnectionStateMachine.status(.unavailable, "server is shutting down before the call's request arrived"))),
                context: context
            )
        }
        // Subscriptions never end by themselves: cancel them now so the drain
        // waits only for unary calls. A handler may answer its cancellation
        // with its own status (the event stream sends where to resume); one
        // that has not within a second is ended UNAVAILABLE.
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        for (id, call) in self.calls where call.kind == .serverStreaming && call.finalFrame == nil {
            call.task?.cancel()
            call.waitingWriter?(.failure(RPCError(code: .unavailable, message: "server is shutting down")))
            self.calls[id]?.waitingWriter = nil
            context.eventLoop.scheduleTask(in: .seconds(1)) {
                let handler = loopBound.value
                guard let context = handler.context, handler.calls[id] != nil else { return }
                handler.state.streamClosed(id)
                handler.endCall(id, status: ConnectionStateMachine.status(.unavailable, "server is shutting down"), context: context)
                handler.flushIfNeeded(context: context)
            }
        }
        self.flushIfNeeded(context: context)
        self.checkDrained()
    }

    /// Ends every call still running and closes the connection.
    func forceClose() {
        guard let context = self.context else { return }
        for id in Array(self.calls.keys) {
            self.state.streamClosed(id)
            self.endCall(id, status: ConnectionStateMachine.status(.unavailable, "server shut down before the call finished"), context: context)
        }
        self.flushIfNeeded(context: context)
        context.close(promise: nil)
    }

    private func checkDrained() {
        guard self.calls.isEmpty, self.state.streams.isEmpty, let drained = self.onDrained else { return }
        self.onDrained = nil
        if let context = self.context {
            self.flushIfNeeded(context: context)
            context.close(promise: nil)
        }
        drained()
    }

    // MARK: Writing

    /// Appends a frame of the connection's own (hello, pong, status, goaway)
    /// to one buffer that goes out with the next flush. A ping flood then
    /// costs one buffer per read, not one buffer and pending write per pong
    /// (about 250 bytes of heap for 13 bytes of pong), so the outbound budget
    /// bounds memory, not just bytes.
    private func write(_ frame: Envelope.Frame, context: ChannelHandlerContext) {
        if self.outbound == nil { self.outbound = context.channel.allocator.buffer(capacity: 256) }
        self.outbound!.writeFrame(frame)
        self.flushPending = true
    }

    /// Writes a call's frame (built by its sink), after what `write` gathered, in order.
    private func writeBuffer(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        self.spillOutbound(context: context)
        context.write(Self.wrapOutboundOut(buffer), promise: nil)
        self.flushPending = true
    }

    private func spillOutbound(context: ChannelHandlerContext) {
        guard let buffer = self.outbound else { return }
        self.outbound = nil
        context.write(Self.wrapOutboundOut(buffer), promise: nil)
    }

    /// Flushes once per event-loop tick, so responses finishing together share a syscall.
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard self.flushPending, !self.flushScheduled else { return }
        self.flushScheduled = true
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = loopBound.value
            handler.flushScheduled = false
            guard let context = handler.context else { return }
            handler.flushIfNeeded(context: context)
        }
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard self.flushPending else { return }
        self.flushPending = false
        self.spillOutbound(context: context)
        context.flush()
    }
}

/// Counts a server's connection handlers that are still alive, so tests can
/// prove that a closed connection frees its handler and all it held.
final class HandlerCensus: Sendable {
    let live = Atomic<Int>(0)
    /// Connections whose reading is paused because they left answers unread.
    let notRead = Atomic<Int>(0)
}
