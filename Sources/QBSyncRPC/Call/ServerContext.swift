import QBSyncWire

/// What a handler knows about the call it serves.
public struct ServerContext: Sendable {
    /// The method path, e.g. `/qbsync.v1.QuickBooksSync/SyncInvoice`.
    public let method: String
    /// Caller metadata from the OpenCall frame.
    public let metadata: [String: String]
    /// When the caller stops waiting; the server ends the call with
    /// DEADLINE_EXCEEDED then and cancels the handler's task.
    public let deadline: ContinuousClock.Instant?
    /// Who is calling (SO_PEERCRED), when known.
    public let peer: PeerCredentials?

    /// Creates a context (the server does this; tests may too).
    public init(
        method: String,
        metadata: [String: String] = [:],
        deadline: ContinuousClock.Instant? = nil,
        peer: PeerCredentials? = nil
    ) {
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
        self.peer = peer
    }
}

/// The process on the other end of a Unix socket, from SO_PEERCRED.
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    /// Process id.
    public var pid: Int32
    /// Effective user id.
    public var uid: UInt32
    /// Effective group id.
    public var gid: UInt32
    /// Supplementary groups (SO_PEERGROUPS), as the peer held them when it connected.
    public var supplementaryGIDs: [UInt32]

    /// Creates credentials.
    public init(pid: Int32, uid: UInt32, gid: UInt32, supplementaryGIDs: [UInt32] = []) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.supplementaryGIDs = supplementaryGIDs
    }

    public var description: String { "pid=\(self.pid) uid=\(self.uid) gid=\(self.gid)" }
}
