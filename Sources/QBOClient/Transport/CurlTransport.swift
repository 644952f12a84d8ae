import Foundation
import Logging

/// The production ``HTTPTransport``: libcurl's multi interface on one I/O thread.
///
/// Any number of requests can be in flight from any number of tasks; none of them
/// holds a thread while waiting. Connections are kept alive and reused across
/// requests (see ``connectionsOpened``). Each request has a connect timeout, a
/// total timeout and a response size cap, and cancelling the calling task
/// abandons its transfer.
///
/// Call ``shutdown()`` when done: it fails unfinished requests and stops the thread.
public final class CurlTransport: HTTPTransport {
    /// Limits and routing shared by all requests of a transport.
    public struct Configuration: Sendable {
        /// Time allowed to establish a connection (`CURLOPT_CONNECTTIMEOUT_MS`).
        public var connectTimeout: Duration
        /// Time allowed for a whole request (`CURLOPT_TIMEOUT_MS`). QBO gives up at 120 s.
        public var timeout: Duration
        /// The largest response body accepted, in bytes; larger ones fail with
        /// ``QBOError/Kind/invalidResponse`` without being buffered.
        public var maxResponseBytes: Int
        /// Connect through this Unix domain socket instead of TCP (`CURLOPT_UNIX_SOCKET_PATH`);
        /// the URL's host still goes in the `Host` header.
        public var unixSocketPath: String?
        /// Parallel connections per host; 0 for no limit. QBO allows 10
        /// concurrent requests per realm and app, and every realm is on the
        /// same host: a process syncing many realms caps them per realm
        /// instead (the sync engine's rate limiter) and passes 0.
        public var maxConnectionsPerHost: Int
        /// Connections kept open across all hosts.
        public var maxTotalConnections: Int

        /// Creates a configuration; the defaults suit QBO.
        /// - Parameters:
        ///   - connectTimeout: Time allowed to connect; 10 s by default.
        ///   - timeout: Time allowed per request; 120 s by default.
        ///   - maxResponseBytes: The body size cap; 10 MiB by default.
        ///   - unixSocketPath: A Unix socket to connect through instead of TCP.
        ///   - maxConnectionsPerHost: Parallel connections per host; 10 by default.
        ///   - maxTotalConnections: Connections kept open overall; 32 by default.
        public init(
            connectTimeout: Duration = .seconds(10),
            timeout: Duration = .seconds(120),
            maxResponseBytes: Int = 10 * 1024 * 1024,
            unixSocketPath: String? = nil,
            maxConnectionsPerHost: Int = 10,
            maxTotalConnections: Int = 32
        ) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
            self.unixSocketPath = unixSocketPath
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxTotalConnections = maxTotalConnections
        }
    }

    /// The configuration every request starts from.
    public let configuration: Configuration
    private let loop: CurlEventLoop
    private let logger: Logger

    /// Starts the I/O thread.
    /// - Parameters:
    ///   - configuration: Timeouts, size cap and routing.
    ///   - logger: Receives one trace line per transfer (method, path, status, duration).
    /// - Throws: ``QBOError`` when libcurl cannot be initialised.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "qbsync.qbo.transport")) throws {
        self.configuration = configuration
        self.logger = logger
        self.loop = try CurlEventLoop(
            maxConnectionsPerHost: configuration.maxConnectionsPerHost,
            maxTotalConnections: configuration.maxTotalConnections
        )
    }

    /// How many TCP (or Unix socket) connections all finished transfers opened.
    /// With keep-alive working, N sequential requests to one host open one.
    public var connectionsOpened: Int { loop.totalConnectionsOpened }

    /// Sends a request on the I/O thread and suspends until it finishes.
    /// - Parameter request: The request; its own timeouts and cap override the configuration's.
    /// - Returns: The response, whatever its HTTP status.
    /// - Throws: ``QBOError``: transient for network failures and timeouts,
    ///   invalidResponse for oversized bodies, cancelled when the task is cancelled.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = CurlTransfer(request: request, configuration: configuration)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.continuation = continuation
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        switch result {
        case .success(let response):
            logger.trace("curl transfer finished", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.pathForLogging)",
                "status": "\(response.status)", "newConnections": "\(response.newConnections)",
                "duration": "\(response.duration)",
            ])
            return response
        case .failure(let error):
            logger.trace("curl transfer failed", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.pathForLogging)",
                "error": "\(error)",
            ])
            throw error
        }
    }

    /// Fails unfinished requests with a shut-down error and stops the I/O thread.
    /// Requests sent afterwards fail at once. Safe to call more than once.
    public func shutdown() async {
        await loop.shutdown()
    }
}
