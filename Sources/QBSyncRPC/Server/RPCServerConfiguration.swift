import NIOCore

/// How an ``RPCServer`` listens and what it allows.
public struct RPCServerConfiguration: Sendable {
    /// Path of the Unix domain socket.
    public var socketPath: String
    /// Permission bits of the socket file (default 0660: owner and group).
    public var socketMode: UInt32 = 0o660
    /// When non-empty (with ``allowedGIDs``), only peers whose uid is listed,
    /// or who are in a listed group, may talk; others get GoAway(PERMISSION_DENIED).
    public var allowedUIDs: Set<UInt32> = []
    /// Group ids allowed alongside ``allowedUIDs``: a peer is in a group when
    /// it is its effective gid or one of its supplementary groups (group 0
    /// counts only as the effective gid).
    public var allowedGIDs: Set<UInt32> = []
    /// Connections served at once; more are refused with GoAway(TOO_MANY_CONNECTIONS).
    public var maxConnections = 1024
    /// Calls open at once on one connection; more end RESOURCE_EXHAUSTED.
    public var maxConcurrentStreams = 10_000
    /// Largest inbound frame body, bytes (default 4 MiB).
    public var maxFrameSize = 4 * 1024 * 1024
    /// Stream messages held for a slow client beyond its window before the
    /// handler's writes wait.
    public var maxBufferedMessagesPerStream = 64
    /// How long a new connection may take to send its Hello.
    public var handshakeTimeout: TimeAmount = .seconds(10)
    /// How long an opened call may wait for its request message before it
    /// ends DEADLINE_EXCEEDED (its metadata is then freed).
    public var requestTimeout: TimeAmount = .seconds(10)
    /// Bytes of answers that may wait for a peer that does not read before
    /// the server stops reading from it (default 4 MiB).
    public var outboundBudget = 4 * 1024 * 1024
    /// How long a peer may stay past ``outboundBudget`` before it is
    /// disconnected with GoAway.
    public var outboundGracePeriod: TimeAmount = .seconds(30)
    /// Metadata bytes the open calls of one connection may hold together (default 1 MiB).
    public var maxMetadataBytesPerConnection = 1024 * 1024
    /// How long in-flight calls may run after shutdown begins.
    public var drainTimeout: TimeAmount = .seconds(10)

    /// Creates a configuration with defaults.
    ///
    /// - Parameter socketPath: Path of the Unix domain socket.
    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// Whether a peer passes the allowlist (everyone when it is empty).
    public func allows(_ peer: PeerCredentials?) -> Bool {
        if self.allowedUIDs.isEmpty && self.allowedGIDs.isEmpty { return true }
        guard let peer else { return false }
        return self.allowedUIDs.contains(peer.uid) || self.allowedGIDs.contains(peer.gid)
            || peer.supplementaryGIDs.contains { self.allowedGIDs.contains($0) }
    }
}
