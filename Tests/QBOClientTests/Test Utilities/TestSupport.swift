import Foundation
import Logging
import Synchronization
@testable import QBOClient

/// An access token source that hands out a fixed token and counts rejections.
final class FixedTokenSource: AccessTokenSource {
    private let state: Mutex<(token: Secret, rejections: Int)>

    init(_ token: String = "test-access-token") {
        state = Mutex((Secret(token), 0))
    }

    var rejections: Int { state.withLock { $0.rejections } }

    func accessToken() async throws -> Secret { state.withLock { $0.token } }

    func refreshAfterRejection(of rejected: Secret) async throws -> Secret {
        state.withLock { state in
            state.rejections += 1
            return state.token
        }
    }
}

/// A transport that records requests and must never be reached.
final class UnreachableTransport: HTTPTransport {
    private let count = Atomic<Int>(0)
    var calls: Int { count.load(ordering: .relaxed) }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        count.add(1, ordering: .relaxed)
        throw QBOError(kind: .transient, message: "unreachable transport was used")
    }
}

/// Collects every log line (message and metadata, rendered) for leak checks.
final class LogCapture: @unchecked Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }
    var text: String { all.joined(separator: "\n") }

    func logger(_ label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(merged)")
        }
    }
}

/// Runs `body` with a fresh transport and always shuts it down.
func withTransport<T>(
    _ configuration: CurlTransport.Configuration = .init(),
    _ body: (CurlTransport) async throws -> T
) async throws -> T {
    let transport = try CurlTransport(configuration: configuration)
    do {
        let result = try await body(transport)
        await transport.shutdown()
        return result
    } catch {
        await transport.shutdown()
        throw error
    }
}

/// Runs `body` with a scripted server and always stops it.
func withServer<T>(
    unixSocketPath: String? = nil,
    _ handler: @escaping @Sendable (ScriptedHTTPServer.Request) -> ScriptedHTTPServer.Action,
    _ body: (ScriptedHTTPServer) async throws -> T
) async throws -> T {
    let server = try ScriptedHTTPServer(unixSocketPath: unixSocketPath, handler: handler)
    defer { server.stop() }
    return try await body(server)
}

/// Expects `body` to throw a QBOError and returns it.
func expectQBOError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> QBOError? {
    do {
        try await body()
        Issue.record("expected a QBOError, got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as QBOError {
        return error
    } catch {
        Issue.record("expected a QBOError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

import Testing

/// An in-memory transport: records each request and answers from a closure.
final class RecordingTransport: HTTPTransport {
    private let recorded = Mutex<[HTTPRequest]>([])
    private let answer: @Sendable (HTTPRequest) -> HTTPResponse

    init(answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.answer = answer
    }

    /// Answers every request with a fixture body.
    convenience init(status: Int = 200, fixture: String) {
        let body = Fixtures.data(fixture)
        self.init { _ in HTTPResponse(status: status, body: body) }
    }

    var requests: [HTTPRequest] { recorded.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        recorded.withLock { $0.append(request) }
        return answer(request)
    }
}

extension HTTPRequest {
    /// The URL's query items by name.
    var queryItems: [String: String] {
        var items: [String: String] = [:]
        for item in URLComponents(string: url)?.queryItems ?? [] { items[item.name] = item.value ?? "" }
        return items
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A client over `transport` with a fixed token, for tests that are not about auth.
func makeClient(_ transport: any HTTPTransport, baseURL: String = "https://qbo.test", logger: Logger? = nil) -> QBOClient {
    QBOClient(
        realmID: "9341457021722202",
        transport: transport,
        auth: FixedTokenSource(),
        configuration: .init(baseURL: baseURL),
        logger: logger ?? Logger(label: "test")
    )
}

/// A request id for tests.
func rid(_ text: String = "test-request-1") -> RequestID {
    guard let id = try? RequestID(text) else { fatalError("bad test request id") }
    return id
}
