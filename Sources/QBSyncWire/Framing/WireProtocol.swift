/// Constants of the wire protocol described in docs/protocol.md.
public enum WireProtocol {
    /// The protocol version this build speaks.
    public static let version: UInt32 = 1
    /// Largest frame accepted when the peer does not say otherwise: 4 MiB.
    public static let defaultMaxFrameSize = 4 * 1024 * 1024
    /// Smallest `max_frame_size` a peer may announce, so that any status fits.
    public static let minimumMaxFrameSize: UInt32 = 4096
    /// Response messages the server may send on a stream before a WindowUpdate.
    public static let defaultInitialWindow: UInt32 = 64
    /// Largest body of a frame that carries no `message` (hello, open,
    /// cancel, ping, window update, ...): 64 KiB. Only request and response
    /// messages may be large; this keeps metadata and method paths small.
    public static let maxControlFrameSize = 64 * 1024
    /// Most bytes of metadata (keys plus values) one call may carry: 16 KiB.
    public static let maxMetadataBytesPerCall = 16 * 1024
    /// Longest method path accepted, in bytes; longer ones are UNIMPLEMENTED unread.
    public static let maxMethodPathBytes = 256
    /// Bytes of a status message echoed to the peer at most: every status
    /// frame fits the smallest `max_frame_size` a peer may announce.
    public static let maxStatusMessageBytes = 1024
    /// Bytes of the big-endian length prefix before each frame.
    public static let lengthPrefixSize = 4
}
