import QBSyncWire

/// The protocol rules of one server connection, as a value type.
///
/// It decides what each inbound frame means (start a call, reject a stream,
/// end the connection) without doing any I/O, so every rule of
/// docs/protocol.md is testable on its own. ``ServerConnectionHandler``
/// carries out the actions it returns.
struct ConnectionStateMachine {
    enum Phase: Equatable {
        /// Waiting for the client's Hello; nothing else is accepted.
        case awaitingHello
        /// Serving calls.
        case ready
        /// GoAway(SHUTDOWN) sent: running calls finish, new ones are refused.
        case draining
        /// GoAway for an error sent, or the connection closed.
        case closed
    }

    struct Limits {
        var maxConcurrentStreams: Int
        var maxFrameSize: Int
        var defaultWindow: UInt32
    }

    /// A call the server knows about.
    struct Stream {
        var method: String
        var timeoutMicros: UInt64
        var metadata: [Envelope.MetadataEntry]
        var initialWindow: UInt32
        /// The request message arrived and the handler is running.
        var started = false
        /// The client marked the end of its messages.
        var endOfStream = false
    }

    enum Action: Equatable {
        case none
        /// Answer the client's Hello with ours.
        case sendHello(Envelope.Hello)
        /// Answer a ping.
        case sendPong(UInt64)
        /// Send GoAway and close the connection.
        case goAway(Envelope.GoAway)
        /// End one stream with this status; no handler was running for it.
        case rejectStream(UInt32, Envelope.Status)
        /// Start the handler for a stream with its single request message.
        case startCall(UInt32, request: [UInt8])
        /// Cancel the stream's running handler and end the stream with this status.
        case cancelCall(UInt32, Envelope.Status)
        /// The client granted more response messages on a running stream.
        case grantWindow(UInt32, UInt32)
    }

    private(set) var phase: Phase = .awaitingHello
    private(set) var lastStreamID: UInt32 = 0
    private(set) var streams: [UInt32: Stream] = [:]
    /// Largest frame the client accepts, from its Hello.
    private(set) var peerMaxFrameSize = WireProtocol.defaultMaxFrameSize
    let limits: Limits

    init(limits: Limits) {
        self.limits = limits
    }

    var serverHello: Envelope.Hello {
        Envelope.Hello(
            protocolVersion: WireProtocol.version,
            maxFrameSize: UInt32(self.limits.maxFrameSize),
            maxConcurrentStreams: UInt32(self.limits.maxConcurrentStreams),
            agent: "qbsync-server/1"
        )
    }

    mutating func receive(_ frame: Envelope.Frame) -> Action {
        guard self.phase != .closed else { return .none }
        guard let kind = frame.kind else {
            return self.fail(.protocolError, "frame on stream \(frame.streamID) has no kind set")
        }
        if self.phase == .awaitingHello {
            guard case .hello(let hello) = kind, frame.streamID == 0 else {
                return self.fail(.protocolError, "the first frame must be a Hello on stream 0")
            }
            guard hello.protocolVersion == WireProtocol.version else {
                return self.fail(
                    .versionMismatch,
                    "this server speaks protocol version \(WireProtocol.version); the client offered \(hello.protocolVersion)",
                    code: .failedPrecondition
                )
            }
            if hello.maxFrameSize > 0 && hello.maxFrameSize < WireProtocol.minimumMaxFrameSize {
                return self.fail(.protocolError, "max_frame_size \(hello.maxFrameSize) is below the minimum of \(WireProtocol.minimumMaxFrameSize) bytes")
            }
            self.phase = .ready
            if hello.maxFrameSize > 0 { self.peerMaxFrameSize = Int(hello.maxFrameSize) }
            return .sendHello(self.serverHello)
        }
        switch kind {
        case .hello:
            return self.fail(.protocolError, "Hello received twice")
        case .ping(let ping):
            return .sendPong(ping.opaque)
        case .pong:
            return .none
        case .goaway, .status:
            return self.fail(.protocolError, "clients may not send \(kind.name) frames")
        case .open(let open):
            return self.open(frame.streamID, open)
        case .message(let message):
            return self.message(frame.streamID, message)
        case .cancel(let cancel):
            return self.cancel(frame.streamID, cancel)
        case .windowUpdate(let update):
            guard self.streams[frame.streamID]?.started == true else { return .none }
            return .grantWindow(frame.streamID, update.messages)
        }
    }

    /// The call on `streamID` ended (handler returned, deadline, cancel); forget it.
    mutating func streamClosed(_ streamID: UInt32) {
        self.streams.removeValue(forKey: streamID)
    }

    /// Streams opened whose request never arrived; dropped when shutting down.
    mutating func removeUnstartedStreams() -> [UInt32] {
        let ids = self.streams.filter { !$0.value.started }.map(\.key).sorted()
        for id in ids { self.streams.removeValue(forKey: id) }
        return ids
    }

    /// Starts draining: returns the GoAway to send.
    mutating func beginShutdown() -> Envelope.GoAway? {
        guard self.phase == .ready || self.phase == .awaitingHello else { return nil }
        self.phase = .draining
        return Envelope.GoAway(
            lastStreamID: self.lastStreamID,
            reason: .shutdown,
            code: RPCError.Code.unavailable.rawValue,
            message: "server is shutting down; calls above stream \(self.lastStreamID) were not processed"
        )
    }

    mutating func connectionClosed() {
        self.phase = .closed
    }

    /// The GoAway for a connection-level error; the connection ends.
    mutating func fail(
        _ reason: Envelope.GoAwayReason,
        _ message: String,
        code: RPCError.Code = .internal
    ) -> Action {
        self.phase = .closed
        return .goAway(Envelope.GoAway(lastStreamID: self.lastStreamID, reason: reason, code: code.rawValue, message: message))
    }

    private mutating func open(_ id: UInt32, _ open: Envelope.OpenCall) -> Action {
        guard id != 0 else { return self.fail(.protocolError, "calls cannot be opened on stream 0") }
        if self.streams.removeValue(forKey: id) != nil {
            // The id now names two calls the client cannot tell apart: end both.
            return .cancelCall(id, Self.status(.alreadyExists, "stream \(id) is already open; the call on it is ended"))
        }
        guard id > self.lastStreamID else {
            return self.fail(.protocolError, "stream id \(id) is not above the last opened id \(self.lastStreamID)")
        }
        self.lastStreamID = id
        guard self.phase == .ready else {
            return .rejectStream(id, Self.status(.unavailable, "server is shutting down; retry on a new connection"))
        }
        guard self.streams.count < self.limits.maxConcurrentStreams else {
            return .rejectStream(
                id,
                Self.status(.resourceExhausted, "too many concurrent calls on this connection (limit \(self.limits.maxConcurrentStreams))")
            )
        }
        self.streams[id] = Stream(
            method: open.method,
            timeoutMicros: open.timeoutMicros,
            metadata: open.metadata,
            initialWindow: open.initialWindow == 0 ? self.limits.defaultWindow : open.initialWindow
        )
        return .none
    }

    private mutating func message(_ id: UInt32, _ message: Envelope.Message) -> Action {
        guard var stream = self.streams[id] else {
            if id > self.lastStreamID {
                return .rejectStream(id, Self.status(.failedPrecondition, "message on stream \(id), which was never opened"))
            }
            return .none  // The call already ended; the client may not know yet.
        }
        if stream.started {
            self.streams.removeValue(forKey: id)
            let reason = stream.endOfStream
                ? "message after end of stream on stream \(id)"
                : "a second request message on stream \(id); methods take exactly one"
            return .cancelCall(id, Self.status(.failedPrecondition, reason))
        }
        stream.started = true
        stream.endOfStream = message.endOfStream
        self.streams[id] = stream
        return .startCall(id, request: message.payload)
    }

    private mutating func cancel(_ id: UInt32, _ cancel: Envelope.Cancel) -> Action {
        guard let stream = self.streams.removeValue(forKey: id) else {
            return .none  // Unknown or finished stream: a harmless race.
        }
        let reason = cancel.reason.isEmpty ? "cancelled by the client" : "cancelled by the client: \(cancel.reason)"
        if stream.started {
            return .cancelCall(id, Self.status(.cancelled, reason))
        }
        return .rejectStream(id, Self.status(.cancelled, reason))
    }

    static func status(_ code: RPCError.Code, _ message: String) -> Envelope.Status {
        Envelope.Status(code: code.rawValue, message: message)
    }
}

extension Envelope.Frame.Kind {
    var name: String {
        switch self {
        case .hello: "hello"
        case .open: "open"
        case .message: "message"
        case .status: "status"
        case .cancel: "cancel"
        case .ping: "ping"
        case .pong: "pong"
        case .goaway: "goaway"
        case .windowUpdate: "window_update"
        }
    }
}
