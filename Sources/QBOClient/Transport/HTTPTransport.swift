/// Something that carries HTTP requests: ``CurlTransport`` in production,
/// anything else (a recording, a fake) in tests of code built on ``QBOClient``.
public protocol HTTPTransport: Sendable {
    /// Sends a request and returns the complete response, whatever its status.
    ///
    /// Implementations throw only ``QBOError`` (transient for network failures,
    /// invalidResponse for oversized bodies, cancelled when the task is cancelled)
    /// and set ``QBOError/outcomeUnknown`` when a request with side effects was
    /// fully sent before the failure.
    /// - Parameter request: The request to send.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
