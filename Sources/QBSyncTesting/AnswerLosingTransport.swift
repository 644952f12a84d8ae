import Foundation
import QBOClient
import Synchronization

/// HTTP to QBO that loses the answers of chosen requests after QBO acted on
/// them: the request goes through, and the caller sees a reset with an
/// unknown outcome. The simulator's `lostResponseRate` loses any request;
/// this targets one kind of write (a customer create, a payment update), so
/// a test reaches exactly the retry it is about.
public final class AnswerLosingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let lose: @Sendable (HTTPRequest) -> Bool
    private let remaining: Mutex<Int>

    /// Creates the transport.
    ///
    /// - Parameters:
    ///   - count: How many matching answers to lose (then it passes everything).
    ///   - base: The real transport (libcurl by default).
    ///   - lose: Which requests' answers to lose.
    public init(count: Int, base: (any HTTPTransport)? = nil, lose: @escaping @Sendable (HTTPRequest) -> Bool) throws {
        self.base = try base ?? CurlTransport()
        self.lose = lose
        self.remaining = Mutex(count)
    }

    /// Answers lost so far are counted down from `count`; this is what is left.
    public var answersLeftToLose: Int { self.remaining.withLock { $0 } }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await self.base.send(request)
        guard self.lose(request), response.status < 300 else { return response }
        let lost = self.remaining.withLock { remaining -> Bool in
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        guard lost else { return response }
        throw QBOError(kind: .transient, message: "connection reset after the request was sent (answer lost by the test)", outcomeUnknown: true)
    }

    /// A POST to `/{entity}` (create or update, not a query), e.g. "customer".
    public static func write(_ entity: String) -> @Sendable (HTTPRequest) -> Bool {
        { request in
            guard request.method == .post, let path = URLComponents(string: request.url)?.path.lowercased() else { return false }
            return path.hasSuffix("/\(entity.lowercased())")
        }
    }
}
