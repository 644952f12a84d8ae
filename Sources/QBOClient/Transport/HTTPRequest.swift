import Foundation

/// One HTTP request as a transport sends it: method, URL, headers, body and limits.
///
/// The `Authorization` header is held apart as a ``Secret`` so that printing a
/// request never shows a credential; the description shows the method and the
/// URL path only, because the query may carry customer data.
public struct HTTPRequest: Sendable {
    /// The HTTP methods QBO's API and token endpoint use.
    public enum Method: String, Sendable {
        /// Reads and queries.
        case get = "GET"
        /// Creates, updates, deletes, voids, batches and token refreshes.
        case post = "POST"
    }

    /// The request method.
    public var method: Method
    /// The absolute URL, query included, already percent-encoded.
    public var url: String
    /// Headers other than `Authorization`, in order.
    public var headers: [HTTPHeader]
    /// The `Authorization` header's value (`Bearer ...` or `Basic ...`), if any.
    public var authorization: Secret?
    /// The request body; empty for GET.
    public var body: Data
    /// Whether sending this request can change state on the server. Transport
    /// failures of such requests after the body was sent set ``QBOError/outcomeUnknown``.
    public var mayHaveSideEffects: Bool
    /// Overrides the transport's connect timeout for this request.
    public var connectTimeout: Duration?
    /// Overrides the transport's total timeout for this request.
    public var timeout: Duration?
    /// Overrides the transport's response size cap for this request, in bytes.
    public var maxResponseBytes: Int?

    /// Creates a request.
    /// - Parameters:
    ///   - method: GET or POST.
    ///   - url: The absolute, percent-encoded URL.
    ///   - headers: Headers other than `Authorization`.
    ///   - authorization: The `Authorization` header's value, kept secret.
    ///   - body: The body bytes.
    ///   - mayHaveSideEffects: Whether the request can change server state; defaults to `method == .post`.
    public init(
        method: Method,
        url: String,
        headers: [HTTPHeader] = [],
        authorization: Secret? = nil,
        body: Data = Data(),
        mayHaveSideEffects: Bool? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.authorization = authorization
        self.body = body
        self.mayHaveSideEffects = mayHaveSideEffects ?? (method == .post)
    }

    /// The URL's path, without scheme, host or query: safe to log.
    public var pathForLogging: String {
        guard let components = URLComponents(string: url) else { return "<unparsable url>" }
        return components.percentEncodedPath
    }
}

extension HTTPRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `POST /v3/company/123/invoice` — no query, headers or body.
    public var description: String { "\(method.rawValue) \(pathForLogging)" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror that shows only the method and path.
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method.rawValue, "path": pathForLogging], displayStyle: .struct)
    }
}

/// One HTTP header field.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name as sent or received (responses use lower case).
    public var name: String
    /// The field value, without surrounding whitespace.
    public var value: String

    /// Creates a header field.
    /// - Parameters:
    ///   - name: The field name.
    ///   - value: The field value.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
