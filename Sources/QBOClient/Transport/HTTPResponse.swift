import Foundation

/// A complete HTTP response: status, headers and the whole body (bounded by the
/// transport's size cap).
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Response headers with lower-cased names, in arrival order.
    public var headers: [HTTPHeader]
    /// The response body.
    public var body: Data
    /// How many new connections the transfer opened (`CURLINFO_NUM_CONNECTS`):
    /// 0 when a kept-alive connection was reused.
    public var newConnections: Int
    /// Wall time from submission to completion.
    public var duration: Duration

    /// Creates a response.
    /// - Parameters:
    ///   - status: The HTTP status code.
    ///   - headers: Headers with lower-cased names.
    ///   - body: The body bytes.
    ///   - newConnections: Connections opened for this transfer.
    ///   - duration: Time taken.
    public init(status: Int, headers: [HTTPHeader] = [], body: Data = Data(), newConnections: Int = 0, duration: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.newConnections = newConnections
        self.duration = duration
    }

    /// The first value of a header, matched case-insensitively.
    /// - Parameter name: The header name.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }
}

extension HTTPResponse: CustomStringConvertible {
    /// `HTTP 200, 1234 bytes` — never the body, which may quote credentials.
    public var description: String { "HTTP \(status), \(body.count) bytes" }
}
