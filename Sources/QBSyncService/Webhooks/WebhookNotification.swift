import CCrypto
import Foundation

/// What an Intuit webhook says, and whether Intuit sent it.
///
/// A webhook is only a hint to look sooner: qbsync takes the realm ids from
/// it and reads the changes itself (change data capture), never the entity
/// data a body may carry.
enum WebhookNotification {
    /// True when `signature` (the `intuit-signature` header: base64 of the
    /// HMAC-SHA256 of the raw body keyed with the app's verifier token)
    /// matches. Compared in constant time.
    static func isSigned(_ body: [UInt8], signature: String, verifierToken: String) -> Bool {
        guard !verifierToken.isEmpty, let sent = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)) else { return false }
        let expected = self.hmacSHA256(body, key: Array(verifierToken.utf8))
        guard sent.count == expected.count else { return false }
        return Array(sent).withUnsafeBytes { sentBytes in
            expected.withUnsafeBytes { CRYPTO_memcmp(sentBytes.baseAddress, $0.baseAddress, expected.count) == 0 }
        }
    }

    /// The signature Intuit would send for `body`.
    static func signature(_ body: [UInt8], verifierToken: String) -> String {
        Data(self.hmacSHA256(body, key: Array(verifierToken.utf8))).base64EncodedString()
    }

    private static func hmacSHA256(_ body: [UInt8], key: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        qbsync_hmac_sha256(key, Int32(key.count), body, body.count, &digest)
        return digest
    }

    /// Why a body is not a webhook.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The realm ids a body names: CloudEvents (an array of events, each with
    /// `intuitaccountid`) or the earlier format (`eventNotifications[].realmId`).
    static func realmIDs(_ body: [UInt8]) throws -> Set<String> {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(body)) } catch { throw Malformed(description: "the body is not JSON") }
        var realms = Set<String>()
        if let events = json as? [Any] {
            for case let event as [String: Any] in events {
                guard let realm = event["intuitaccountid"] as? String, !realm.isEmpty else { throw Malformed(description: "an event has no intuitaccountid") }
                realms.insert(realm)
            }
        } else if let object = json as? [String: Any], let notifications = object["eventNotifications"] as? [Any] {
            for case let notification as [String: Any] in notifications {
                guard let realm = notification["realmId"] as? String, !realm.isEmpty else { throw Malformed(description: "a notification has no realmId") }
                realms.insert(realm)
            }
        } else {
            throw Malformed(description: "neither CloudEvents nor eventNotifications")
        }
        guard !realms.isEmpty else { throw Malformed(description: "no realm named") }
        return realms
    }
}

/// Intuit's webhook signature, for tools and tests that send webhooks.
public enum WebhookSignature {
    /// base64(HMAC-SHA256(verifierToken, body)): the `intuit-signature` header.
    public static func sign(_ body: [UInt8], verifierToken: String) -> String {
        WebhookNotification.signature(body, verifierToken: verifierToken)
    }
}
