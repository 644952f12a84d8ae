import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOServing
import QBSyncCore
import QBSyncRPC
import ServiceLifecycle
import Synchronization

/// Where Intuit's webhooks are received, and the app's verifier token.
public struct WebhookConfiguration: Sendable {
    /// Address to listen on (put TLS in front: Intuit calls HTTPS URLs only).
    public var host: String
    /// TCP port; 0 picks one (see ``WebhookListener/port()``).
    public var port: Int
    /// The path Intuit posts to.
    public var path: String
    /// The verifier token Intuit shows for the app's webhook endpoint.
    public var verifierToken: String

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int, path: String = "/webhooks/quickbooks", verifierToken: String) {
        self.host = host
        self.port = port
        self.path = path
        self.verifierToken = verifierToken
    }
}

/// Receives Intuit's webhooks and asks the engine to read those companies'
/// changes sooner. A body is never trusted: only its signature (HMAC-SHA256
/// with the verifier token) makes it count, and then only the realm ids it
/// names are used; the changes themselves are read through change data
/// capture. Answers at once (Intuit waits 3 s), the check runs after.
public final class WebhookListener: Service, Sendable {
    /// Largest body read; Intuit's notifications are a few KiB.
    static let maxBodyBytes = 1 << 20

    private let configuration: WebhookConfiguration
    private let logger: Logger
    private let http: HTTPListener

    /// Creates the listener (it binds when run).
    public init(configuration: WebhookConfiguration, engine: SyncEngine, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let receiver = WebhookReceiver(configuration: configuration, engine: engine, logger: logger)
        self.http = HTTPListener(host: configuration.host, port: configuration.port, maxBodyBytes: Self.maxBodyBytes, logger: logger) { request, body in
            let (status, text) = receiver.answer(request, body: body)
            return HTTPListener.Answer(status, text)
        }
    }

    /// The port it listens on, once bound (waits up to 10 s).
    public func port() async throws -> Int {
        try await self.http.port()
    }

    public func run() async throws {
        self.logger.info("webhook listener up", metadata: ["address": "\(self.configuration.host):\(self.configuration.port)\(self.configuration.path)"])
        try await self.http.run()
    }
}

/// What a webhook request gets.
struct WebhookReceiver: Sendable {
    let configuration: WebhookConfiguration
    let engine: SyncEngine
    let logger: Logger
    let refusals = LogThrottle()

    /// The answer to one request; a signed notification starts checks of its companies.
    func answer(_ request: HTTPRequestHead, body: [UInt8]) -> (HTTPResponseStatus, String) {
        guard request.uri.split(separator: "?").first.map(String.init) == self.configuration.path else { return (.notFound, "not found") }
        guard request.method == .POST else { return (.methodNotAllowed, "POST only") }
        guard let signature = request.headers["intuit-signature"].first,
              WebhookNotification.isSigned(body, signature: signature, verifierToken: self.configuration.verifierToken)
        else {
            self.refusals.log(self.logger, "webhook refused: missing or wrong intuit-signature (is the verifier token right?)")
            return (.unauthorized, "intuit-signature does not match")
        }
        do {
            let realms = try WebhookNotification.realmIDs(body)
            self.engine.checkDriftSoon(realmIDs: realms)
            return (.ok, "ok")
        } catch {
            return (.badRequest, "\(error)")
        }
    }
}
