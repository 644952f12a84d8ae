/// Per-call settings.
public struct CallOptions: Sendable {
    /// How long the caller waits; the server ends the call DEADLINE_EXCEEDED
    /// then, and so does the client if the server does not answer in time.
    /// nil means the client's default timeout.
    public var timeout: Duration?
    /// Metadata sent with the call.
    public var metadata: [String: String]

    /// Creates options.
    ///
    /// - Parameters:
    ///   - timeout: Deadline relative to now; nil for the client's default.
    ///   - metadata: Metadata sent with the call (lower-case ASCII keys).
    public init(timeout: Duration? = nil, metadata: [String: String] = [:]) {
        self.timeout = timeout
        self.metadata = metadata
    }
}

/// Settings of a ``QBSyncClient``.
public struct ClientConfiguration: Sendable {
    /// Timeout for calls whose options give none; nil means no deadline.
    public var defaultTimeout: Duration? = .seconds(30)
    /// Timeout for streaming calls whose options give none; nil means none.
    public var defaultStreamTimeout: Duration? = nil
    /// How long connecting (socket plus Hello exchange) may take.
    public var connectTimeout: Duration = .seconds(5)
    /// Largest frame the client accepts, bytes.
    public var maxFrameSize = 4 * 1024 * 1024
    /// Response messages the server may send ahead on a stream before the
    /// client has consumed them (flow control window).
    public var streamWindow: UInt32 = 64

    /// Creates the default configuration.
    public init() {}
}
