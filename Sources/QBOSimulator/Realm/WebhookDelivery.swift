import CCrypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Synchronization

/// Where the simulator posts webhooks, as an Intuit app's settings hold it.
public struct SimulatorWebhooks: Sendable, Hashable {
    /// The endpoint (HTTP; Intuit requires HTTPS, the simulator does not).
    public var url: String
    /// The app's verifier token: the key of each body's `intuit-signature`.
    public var verifierToken: String

    /// Creates the settings.
    public init(url: String, verifierToken: String) {
        self.url = url
        self.verifierToken = verifierToken
    }
}

/// Posts the realms' writes as Intuit's webhooks do: CloudEvents (an array of
/// events, `type` `qbo.<entity>.<operation>.v1`, `intuitaccountid` the realm,
/// `intuitentityid` the entity's Id), signed with HMAC-SHA256 of the body under
/// the verifier token in `intuit-signature`, a few hundred milliseconds after
/// the writes (Intuit batches too). Delivery is best effort, as Intuit's:
/// failures are counted, not retried.
final class WebhookDelivery: Sendable {
    private struct State {
        var settings: SimulatorWebhooks?
        var pending: [(realmID: String, notice: ChangeNotice)] = []
        var scheduled = false
        var delivered = 0
        var failed = 0
    }

    private let state = Mutex<State>(State())
    private let logger: Logger

    init(settings: SimulatorWebhooks?, logger: Logger) {
        self.state.withLock { $0.settings = settings }
        self.logger = logger
    }

    var settings: SimulatorWebhooks? {
        get { self.state.withLock { $0.settings } }
        set { self.state.withLock { $0.settings = newValue } }
    }

    /// Deliveries so far: posts answered 2xx, and the rest.
    var counts: (delivered: Int, failed: Int) { self.state.withLock { ($0.delivered, $0.failed) } }

    func announce(_ notices: [ChangeNotice], realmID: String) {
        guard !notices.isEmpty else { return }
        let start = self.state.withLock { state -> Bool in
            guard state.settings != nil else { return false }
            state.pending += notices.map { (realmID, $0) }
            defer { state.scheduled = true }
            return !state.scheduled
        }
        guard start else { return }
        Task.detached { [self] in
            try? await Task.sleep(for: .milliseconds(200))
            await self.flush()
        }
    }

    private static func event(_ notice: ChangeNotice, realmID: String) -> [String: Any] {
        let past = switch notice.operation {
        case "Create": "created"
        case "Delete": "deleted"
        case "Void": "voided"
        default: "updated"
        }
        return [
            "specversion": "1.0", "id": UUID().uuidString, "source": "intuit.quickbooks.simulator",
            "type": "qbo.\(notice.entity.lowercased()).\(past).v1", "datacontenttype": "application/json",
            "time": QBOTime.dateTime(notice.at), "intuitaccountid": realmID, "intuitentityid": notice.id, "data": [String: Any](),
        ]
    }

    private func flush() async {
        let (pending, settings) = self.state.withLock { state -> ([(realmID: String, notice: ChangeNotice)], SimulatorWebhooks?) in
            defer { state.pending = []; state.scheduled = false }
            return (state.pending, state.settings)
        }
        let events = pending.map { Self.event($0.notice, realmID: $0.realmID) }
        guard let settings, !events.isEmpty, let url = URL(string: settings.url),
              let body = try? JSONSerialization.data(withJSONObject: events, options: [.sortedKeys])
        else { return }
        var request = URLRequest(url: url, timeoutInterval: 5)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/cloudevents-batch+json", forHTTPHeaderField: "Content-Type")
        request.setValue(Self.signature(Array(body), token: settings.verifierToken), forHTTPHeaderField: "intuit-signature")
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            let ok = ((response as? HTTPURLResponse)?.statusCode ?? 0) / 100 == 2
            self.state.withLock { ok ? ($0.delivered += 1) : ($0.failed += 1) }
        } catch {
            self.state.withLock { $0.failed += 1 }
            self.logger.debug("webhook delivery failed", metadata: ["error": "\(error)"])
        }
    }

    /// base64(HMAC-SHA256(token, body)), as Intuit signs.
    static func signature(_ body: [UInt8], token: String) -> String {
        let key = Array(token.utf8)
        var digest = [UInt8](repeating: 0, count: 32)
        qbsync_hmac_sha256(key, Int32(key.count), body, body.count, &digest)
        return Data(digest).base64EncodedString()
    }
}
