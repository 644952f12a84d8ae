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
    /// Bytes of the big-endian length prefix before each frame.
    public static let lengthPrefixSize = 4
}
