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
        /// Metadata bytes (keys plus values) one call may carry.
        var maxMetadataBytesPerCall = WireProtocol.maxMetadataBytesPerCall
        /// Metadata bytes all open calls of the connection may hold together.
        var maxMetadataBytesPerConnection = 1024 * 1024
    }

    /// A call the server knows about.
    struct Stream {
        var method: String
        var timeoutMicros: UInt64
        var metadata: [Envelope.MetadataEntry]
        /// Bytes of keys and values in `metadata`, counted against the connection's budget.
        var metadataBytes: Int
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
        /// A call was opened; its request message is due within the request timeout.
        case awaitRequest(UInt32)
        /// Start the handler for a stream with its single request message.
        case startCall(UInt32, request: [UInt8])
        /// Cancel the stream's running handler and end the stream with this status.
        case cancelCall(UInt32, Envelope.Status)
        /// The client granted more response messages on a running stream.
        case grantWindow(UInt32, UInt32)
    }

    private(set) var phase: Phase = .awaitingHello
    private(set) var lastStreamID: UInt32 = 0
    private(set) var streams: [UInt32: Stream]
    /// Metadata bytes held by open streams (see ``Limits/maxMetadataBytesPerConnection``).
    private(set) var metadataBytes = 0
    /// Largest frame the client accepts, from its Hello.
    private(set) var peerMaxFrameSize = WireProtocol.defaultMaxFrameSize
    let limits: Limits

    init(limits: Limits) {
        self.limits = limits
        self.streams = [:]
    }

    var serverHello: Envelope.Hello {
        Envelope.Hello(
            protocolVersion: WireProtocol.version,
            maxFrameSize: UInt32(self.limits.maxFrameSize),
            maxConcurrentStreams: UInt32(self.limits.maxConcurrentStreams),
            agent: "qbsync-server/1"
        )
    }

    mutating func receive(_ received: ReceivedFrame) -> Action {
        let frame = received.frame
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
            if let invalid = received.invalidString {
                return self.fail(.protocolError, "frame field \(invalid)")
            }
            if hello.maxFrameSize > 0 && hello.maxFrameSize < WireProtocol.minimumMaxFrameSize {
                return self.fail(.protocolError, "max_frame_size \(hello.maxFrameSize) is below the minimum of \(WireProtocol.minimumMaxFrameSize) bytes")
            }
            self.phase = .ready
            if hello.maxFrameSize > 0 { self.peerMaxFrameSize = Int(hello.maxFrameSize) }
            return .sendHello(self.serverHello)
        }
        if let invalid = received.invalidString {
            // A string in the frame is not clean UTF-8; libprotobuf-c's
            // decoded copy of it is not to be trusted. An open refuses just
            // its call; a cancel still cancels; anything else ends the connection.
            switch frame.kind {
            case .open(let open):
                return self.open(frame.streamID, open, invalid: invalid)
            case .cancel:
                return self.cancel(frame.streamID, Envelope.Cancel(reason: "(reason not shown: \(invalid.explanation))"))
            default:
                return self.fail(.protocolError, "frame field \(invalid)")
            }
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
        self.forget(streamID)
    }

    @discardableResult
    private mutating func forget(_ streamID: UInt32) -> Stream? {
        guard let stream = self.streams.removeValue(forKey: streamID) else { return nil }
        self.metadataBytes -= stream.metadataBytes
        return stream
    }

    /// Whether the stream was opened and its request has not arrived.
    func isAwaitingRequest(_ streamID: UInt32) -> Bool {
        self.streams[streamID].map { !$0.started } ?? false
    }

    /// Streams opened whose request never arrived; dropped when shutting down.
    mutating func removeUnstartedStreams() -> [UInt32] {
        let ids = self.streams.filter { !$0.value.started }.map(\.key).sorted()
        for id in ids { self.forget(id) }
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

    private mutating func open(_ id: UInt32, _ open: Envelope.OpenCall, invalid: WireDecodingError.InvalidString? = nil) -> Action {
        guard id != 0 else { return self.fail(.protocolError, "calls cannot be opened on stream 0") }
        if self.forget(id) != nil {
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
        if let invalid {
            if invalid.field == "open.method" {
                return .rejectStream(id, Self.status(.unimplemented, "the method path \(invalid.explanation); no such method"))
            }
            return .rejectStream(id, Self.status(.invalidArgument, "\(invalid); metadata must be UTF-8 without NUL characters"))
        }
        guard open.method.utf8.count <= WireProtocol.maxMethodPathBytes else {
            return .rejectStream(id, Self.status(
                .unimplemented,
                "method path of \(open.method.utf8.count) bytes is longer than any method (limit \(WireProtocol.maxMethodPathBytes) bytes)"
            ))
        }
        var metadataBytes = 0
        for (index, entry) in open.metadata.enumerated() {
            metadataBytes += entry.key.utf8.count + entry.value.utf8.count
            if let problem = Self.metadataKeyProblem(entry.key) {
                return .rejectStream(id, Self.status(.invalidArgument, "metadata[\(index)].key \(problem)"))
            }
        }
        guard metadataBytes <= self.limits.maxMetadataBytesPerCall else {
            return .rejectStream(id, Self.status(
                .resourceExhausted,
                "call metadata of \(metadataBytes) bytes exceeds the limit of \(self.limits.maxMetadataBytesPerCall) bytes per call"
            ))
        }
        guard self.metadataBytes + metadataBytes <= self.limits.maxMetadataBytesPerConnection else {
            return .rejectStream(id, Self.status(
                .resourceExhausted,
                "open calls on this connection hold \(self.metadataBytes) bytes of metadata; this call's \(metadataBytes) would exceed the limit of \(self.limits.maxMetadataBytesPerConnection)"
            ))
        }
        self.metadataBytes += metadataBytes
        self.streams[id] = Stream(
            method: open.method,
            timeoutMicros: open.timeoutMicros,
            metadata: open.metadata,
            metadataBytes: metadataBytes,
            initialWindow: open.initialWindow == 0 ? self.limits.defaultWindow : open.initialWindow
        )
        return .awaitRequest(id)
    }

    /// Metadata keys are 1-64 bytes of lower-case ASCII letters, digits, '-', '_' and '.'.
    static func metadataKeyProblem(_ key: String) -> String? {
        guard !key.isEmpty else { return "is empty" }
        guard key.utf8.count <= 64 else { return "is longer than 64 bytes" }
        let allowed = key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        return allowed ? nil : "may contain only lower-case letters, digits, '-', '_' and '.'"
    }

    private mutating func message(_ id: UInt32, _ message: Envelope.Message) -> Action {
        guard var stream = self.streams[id] else {
            if id > self.lastStreamID {
                return .rejectStream(id, Self.status(.failedPrecondition, "message on stream \(id), which was never opened"))
            }
            return .none  // The call already ended; the client may not know yet.
        }
        if stream.started {
            self.forget(id)
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
        guard let stream = self.forget(id) else {
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
