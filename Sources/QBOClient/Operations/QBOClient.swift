import Foundation
import Logging
import Tracing

/// A client for one QBO company (realm): entity CRUD, voids, queries and batches
/// over the Accounting API v3.
///
/// Every call sends `minorversion` (75 by default), `Accept` and `Content-Type:
/// application/json` and a qbsync `User-Agent`; every write carries the
/// caller's ``RequestID``. A 401 triggers one token refresh (shared with
/// concurrent callers through the ``AccessTokenSource``) and one retry; a second
/// 401 is ``QBOError/Kind/authDead``. Every failure is a ``QBOError``.
///
/// The client holds no mutable state and can be shared by any number of tasks.
public final class QBOClient: Sendable {
    /// Where and how the client talks to QBO.
    public struct Configuration: Sendable {
        /// The qbsync `User-Agent`.
        public static let defaultUserAgent = "qbsync-QBOClient/1.0"

        /// Scheme and host, without a trailing slash: `https://quickbooks.api.intuit.com`.
        public var baseURL: String
        /// The API minor version sent on every call.
        public var minorVersion: Int
        /// The `User-Agent` header.
        public var userAgent: String
        /// Overrides the transport's total timeout for API calls, if set.
        public var requestTimeout: Duration?

        /// Creates a configuration.
        /// - Parameters:
        ///   - baseURL: Scheme and host (and port), e.g. a simulator's `http://127.0.0.1:51234`.
        ///   - minorVersion: The API minor version; 75 by default.
        ///   - userAgent: The `User-Agent` header.
        ///   - requestTimeout: A total timeout for API calls, overriding the transport's.
        public init(baseURL: String, minorVersion: Int = 75, userAgent: String = Configuration.defaultUserAgent, requestTimeout: Duration? = nil) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.minorVersion = minorVersion
            self.userAgent = userAgent
            self.requestTimeout = requestTimeout
        }

        /// QBO production: `https://quickbooks.api.intuit.com`.
        public static let production = Configuration(baseURL: "https://quickbooks.api.intuit.com")
        /// QBO sandbox companies: `https://sandbox-quickbooks.api.intuit.com`.
        public static let sandbox = Configuration(baseURL: "https://sandbox-quickbooks.api.intuit.com")
    }

    /// The company this client works on.
    public let realmID: String
    /// The client's configuration.
    public let configuration: Configuration
    private let transport: any HTTPTransport
    private let auth: any AccessTokenSource
    private let logger: Logger

    /// Creates a client for one company.
    /// - Parameters:
    ///   - realmID: The company's realm id.
    ///   - transport: Carries the requests (usually a shared ``CurlTransport``).
    ///   - auth: Supplies and refreshes access tokens (usually the company's ``OAuthSession``).
    ///   - configuration: Base URL and protocol settings; production by default.
    ///   - logger: Receives one debug line per call: method, path, status, duration, requestid.
    public init(
        realmID: String,
        transport: any HTTPTransport,
        auth: any AccessTokenSource,
        configuration: Configuration = .production,
        logger: Logger = Logger(label: "qbsync.qbo")
    ) {
        self.realmID = realmID
        self.transport = transport
        self.auth = auth
        self.configuration = configuration
        self.logger = logger
    }

    /// The URL of a company resource with the standard query parameters.
    func url(path: String, parameters: [(String, String)]) -> String {
        var query = [("minorversion", String(configuration.minorVersion))] + parameters
        query = query.filter { !$0.1.isEmpty }
        let encodedQuery = query.map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        return "\(configuration.baseURL)/v3/company/\(PercentEncoding.encode(realmID))/\(path)?\(encodedQuery)"
    }

    /// Sends one API call with auth, the 401 refresh-and-retry, logging and
    /// error mapping. Returns only 2xx responses.
    func perform(
        _ method: HTTPRequest.Method,
        path: String,
        parameters: [(String, String)] = [],
        body: Data = Data(),
        requestID: RequestID? = nil
    ) async throws -> (HTTPResponse, HTTPRequest) {
        var allParameters = parameters
        if let requestID { allParameters.append(("requestid", requestID.value)) }
        var request = HTTPRequest(
            method: method,
            url: url(path: path, parameters: allParameters),
            headers: [
                HTTPHeader("Accept", "application/json"),
                HTTPHeader("Content-Type", "application/json"),
                HTTPHeader("User-Agent", configuration.userAgent),
            ],
            body: body
        )
        request.timeout = configuration.requestTimeout

        var token = try await auth.accessToken()
        var response = try await send(&request, token: token, requestID: requestID)
        if response.status == 401 {
            // A 401 means the request was not applied, so repeating it is safe.
            token = try await auth.refreshAfterRejection(of: token)
            response = try await send(&request, token: token, requestID: requestID)
            if response.status == 401 {
                var error = QBOError(response: response, request: request)
                error.kind = .authDead
                error.message = "QBO rejected a freshly refreshed token: \(error.message)"
                throw error
            }
        }
        guard (200..<300).contains(response.status) else {
            throw QBOError(response: response, request: request)
        }
        return (response, request)
    }

    private func send(_ request: inout HTTPRequest, token: Secret, requestID: RequestID?) async throws -> HTTPResponse {
        request.authorization = Secret("Bearer \(token.exposedValue)")
        let request = request
        // A client span per request (the bootstrapped tracer's; nothing without one),
        // named and described without the query string, the token or the body.
        return try await withSpan("QBO \(request.method.rawValue)", ofKind: .client) { span in
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["url.path"] = request.pathForLogging
            span.attributes["qbo.requestid"] = requestID?.value
            let response = try await self.send(request, requestID: requestID)
            span.attributes["http.response.status_code"] = response.status
            span.attributes["qbo.intuit_tid"] = response.header("intuit_tid")
            if response.status >= 400 { span.setStatus(SpanStatus(code: .error, message: "HTTP \(response.status)")) }
            return response
        }
    }

    private func send(_ request: HTTPRequest, requestID: RequestID?) async throws -> HTTPResponse {
        let started = ContinuousClock.now
        do {
            let response = try await transport.send(request)
            logger.debug("QBO call", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.pathForLogging)",
                "status": "\(response.status)", "duration": "\(response.duration)",
                "requestid": "\(requestID?.value ?? "-")", "intuit_tid": "\(response.header("intuit_tid") ?? "-")",
            ])
            return response
        } catch let error as QBOError {
            logger.debug("QBO call failed", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.pathForLogging)",
                "duration": "\(ContinuousClock.now - started)", "requestid": "\(requestID?.value ?? "-")",
                "kind": "\(error.kind)", "outcomeUnknown": "\(error.outcomeUnknown)",
            ])
            throw error
        }
    }

    /// Decodes a 2xx body. A body that holds a fault becomes that fault; one that
    /// cannot be read at all is ``QBOError/Kind/invalidResponse``, with the
    /// outcome unknown for writes (QBO may have acted before the answer broke).
    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, request: HTTPRequest) throws -> T {
        do {
            return try QBOCoding.decode(T.self, from: response.body)
        } catch {
            if FaultBody.parse(response.body) != nil {
                throw QBOError(response: response, request: request)
            }
            var failure = (error as? QBOError) ?? QBOError(
                kind: .invalidResponse,
                message: "response is not the expected JSON: \(Self.describe(decodingError: error))"
            )
            failure.httpStatus = response.status
            failure.outcomeUnknown = request.mayHaveSideEffects
            failure.intuitTID = response.header("intuit_tid")
            throw failure
        }
    }

    /// Encodes a request body.
    func encode(_ value: some Encodable) throws -> Data {
        do {
            return try QBOCoding.encoder.encode(value)
        } catch {
            throw QBOError(kind: .invalidRequest, message: "request body could not be encoded: \(error)")
        }
    }

    private static func describe(decodingError error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "unreadable" }
        switch decodingError {
        case .keyNotFound(let key, let context):
            return "missing \(key.stringValue) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        @unknown default:
            return "unreadable"
        }
    }
}
