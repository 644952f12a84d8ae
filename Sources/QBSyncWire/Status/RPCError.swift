/// The one error type of qbsync's RPC layer.
///
/// Modeled on grpc-swift's `RPCError`: an extensible ``Code`` (gRPC's
/// canonical numbering), a message for people, typed details for programs,
/// and the underlying `cause` when there is one.
public struct RPCError: Error, Sendable, CustomStringConvertible {
    /// A gRPC canonical status code, 1-16 (0, OK, is not an error).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The number on the wire.
        public let rawValue: UInt32

        /// Creates a code from its wire number; nil for OK (0) and for numbers above 16.
        public init?(rawValue: UInt32) {
            guard (1...16).contains(rawValue) else { return nil }
            self.rawValue = rawValue
        }

        private init(_ rawValue: UInt32) { self.rawValue = rawValue }

        /// The caller cancelled the call.
        public static let cancelled = Code(1)
        /// An error with no better code.
        public static let unknown = Code(2)
        /// The request is invalid; the message names the field.
        public static let invalidArgument = Code(3)
        /// The deadline passed before the call completed.
        public static let deadlineExceeded = Code(4)
        /// The thing asked for does not exist.
        public static let notFound = Code(5)
        /// The thing to create already exists.
        public static let alreadyExists = Code(6)
        /// The caller may not do this.
        public static let permissionDenied = Code(7)
        /// A limit was hit: frame size, streams, buffers.
        public static let resourceExhausted = Code(8)
        /// The system is not in a state that allows this (e.g. a sign flip after sync).
        public static let failedPrecondition = Code(9)
        /// Aborted by a conflict; retrying may succeed.
        public static let aborted = Code(10)
        /// A value is out of its valid range.
        public static let outOfRange = Code(11)
        /// The method is not implemented by this server.
        public static let unimplemented = Code(12)
        /// A bug or broken invariant on the server.
        public static let `internal` = Code(13)
        /// The service is unreachable or shutting down; retry later.
        public static let unavailable = Code(14)
        /// Unrecoverable data loss.
        public static let dataLoss = Code(15)
        /// The caller is not authenticated.
        public static let unauthenticated = Code(16)

        public var description: String {
            switch self.rawValue {
            case 1: "CANCELLED"
            case 2: "UNKNOWN"
            case 3: "INVALID_ARGUMENT"
            case 4: "DEADLINE_EXCEEDED"
            case 5: "NOT_FOUND"
            case 6: "ALREADY_EXISTS"
            case 7: "PERMISSION_DENIED"
            case 8: "RESOURCE_EXHAUSTED"
            case 9: "FAILED_PRECONDITION"
            case 10: "ABORTED"
            case 11: "OUT_OF_RANGE"
            case 12: "UNIMPLEMENTED"
            case 13: "INTERNAL"
            case 14: "UNAVAILABLE"
            case 15: "DATA_LOSS"
            default: "UNAUTHENTICATED"
            }
        }
    }

    /// What went wrong, by category.
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// Typed details for programs (see ``detail(_:)``).
    public var details: [Envelope.StatusDetail]
    /// The underlying error, when there is one. Never sent on the wire.
    public var cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The status code.
    ///   - message: A sentence for people.
    ///   - details: Typed details.
    ///   - cause: The underlying error.
    public init(code: Code, message: String, details: [Envelope.StatusDetail] = [], cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.cause = cause
    }

    /// Creates an error carrying one typed detail.
    public init<Detail: WireMessage>(code: Code, message: String, detail: Detail) {
        self.init(code: code, message: message, details: [Envelope.StatusDetail(detail)])
    }

    /// The first detail of the given type, decoded.
    public func detail<Detail: WireMessage>(_ type: Detail.Type) -> Detail? {
        for detail in self.details where detail.type == Detail.protoMessageName {
            if let decoded = try? Detail(unpacking: detail.value) { return decoded }
        }
        return nil
    }

    public var description: String {
        "\(self.code): \(self.message)"
    }
}

extension Envelope.StatusDetail {
    /// Wraps a message as a typed status detail.
    public init<Detail: WireMessage>(_ detail: Detail) {
        self.init(type: Detail.protoMessageName, value: detail.packed())
    }
}

extension Envelope.Status {
    /// The status for a successful call.
    public static let ok = Envelope.Status(code: 0, message: "")

    /// The status that ends a call with `error`.
    public init(_ error: RPCError) {
        self.init(code: error.code.rawValue, message: error.message, details: error.details)
    }

    /// The error this status carries; nil for OK. Codes above 16 become UNKNOWN.
    public var error: RPCError? {
        guard self.code != 0 else { return nil }
        guard let code = RPCError.Code(rawValue: self.code) else {
            return RPCError(code: .unknown, message: "status code \(self.code): \(self.message)", details: self.details)
        }
        return RPCError(code: code, message: self.message, details: self.details)
    }
}

/// Cuts text that is echoed to a peer (status and GoAway messages) so that
/// every frame carrying it fits the smallest frame a peer may accept.
enum EchoedText {
    /// Detail bytes a status keeps at most; beyond, the details are dropped.
    static let maxDetailBytes = 2048

    /// `text` cut to at most `limit` UTF-8 bytes at a character boundary, marked with "…".
    static func fitted(_ text: String, limit: Int = WireProtocol.maxStatusMessageBytes) -> String {
        guard text.utf8.count > limit else { return text }
        var kept = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= limit - 3 else { break }
            kept.append(character)
            bytes += size
        }
        return kept + "…"
    }
}

extension Envelope.Status {
    /// This status cut to fit any peer's frame limit: the message to
    /// ``WireProtocol/maxStatusMessageBytes``, details dropped beyond 2 KiB.
    public func fittingAnyFrame() -> Envelope.Status {
        var status = self
        status.message = EchoedText.fitted(status.message)
        if status.details.reduce(0, { $0 + $1.type.utf8.count + $1.value.count }) > EchoedText.maxDetailBytes {
            status.details = []
        }
        return status
    }
}

extension Envelope.GoAway {
    /// This GoAway with its message cut to ``WireProtocol/maxStatusMessageBytes``.
    public func fittingAnyFrame() -> Envelope.GoAway {
        var goAway = self
        goAway.message = EchoedText.fitted(goAway.message)
        return goAway
    }
}
