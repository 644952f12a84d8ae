/// What went wrong below HTTP: the part of a ``QBOError`` that libcurl reported.
public struct TransportFailure: Sendable, Hashable, CustomStringConvertible {
    /// The failure, in the terms the retry logic cares about.
    public enum Reason: String, Sendable, Hashable {
        /// No connection could be made (refused, unresolvable, TLS handshake failed):
        /// nothing reached the server.
        case connectFailed
        /// The connect or total timeout elapsed.
        case timedOut
        /// The connection was reset or broke while sending or receiving.
        case connectionLost
        /// The server closed the connection without sending any response.
        case emptyReply
        /// The response body exceeded the configured cap and was abandoned.
        case responseTooLarge
        /// The calling task was cancelled and the transfer removed.
        case cancelled
        /// The transport was shut down before the transfer finished.
        case shutDown
        /// Any other libcurl failure; see ``TransportFailure/curlCode``.
        case other
    }

    /// Why the transfer failed.
    public var reason: Reason
    /// libcurl's `CURLcode`, or 0 when the failure was not reported by libcurl.
    public var curlCode: Int
    /// Whether the whole request, body included, had been handed to the server
    /// before the failure. A write with this set may have been applied.
    public var requestFullySent: Bool

    /// Creates a transport failure.
    /// - Parameters:
    ///   - reason: Why the transfer failed.
    ///   - curlCode: libcurl's result code, or 0.
    ///   - requestFullySent: Whether the request reached the server in full.
    public init(reason: Reason, curlCode: Int = 0, requestFullySent: Bool) {
        self.reason = reason
        self.curlCode = curlCode
        self.requestFullySent = requestFullySent
    }

    /// `reason (curl N, sent|not sent)`.
    public var description: String {
        "\(reason.rawValue) (curl \(curlCode), \(requestFullySent ? "request sent" : "request not sent"))"
    }
}
