import Foundation
import Testing

@testable import QBSyncCore

/// Sealing OAuth secrets at rest: AES-GCM bound to the company and field.
@Suite struct SecretSealerTests {
    private func key() throws -> SecretSealer.Key {
        try SecretSealer.Key(material: Data((0..<32).map { _ in UInt8.random(in: 0...255) }), source: "test")
    }

    @Test func aSealedSecretOpensOnlyForItsCompanyAndField() throws {
        let sealer = SecretSealer(current: try self.key(), previous: [])
        let secret = "AB11-refresh-token-\u{00E9}"
        let sealed = try sealer.seal(secret, companyID: "acme", field: "refresh_token")
        #expect(sealed.hasPrefix("qbsync-sealed:v1:\(sealer.current!.id):"))
        #expect(!sealed.contains(secret))
        #expect(try sealer.seal(secret, companyID: "acme", field: "refresh_token") != sealed)  // a fresh nonce each time
        #expect(try sealer.open(sealed, companyID: "acme", field: "refresh_token") == secret)
        #expect(throws: SecretSealer.SealingError.self) { try sealer.open(sealed, companyID: "other", field: "refresh_token") }
        #expect(throws: SecretSealer.SealingError.self) { try sealer.open(sealed, companyID: "acme", field: "client_secret") }
    }

    @Test func anAlteredOrUnreadableValueIsRefusedWithoutShowingIt() throws {
        let sealer = SecretSealer(current: try self.key(), previous: [])
        let sealed = try sealer.seal("s3cret", companyID: "acme", field: "client_secret")
        var bytes = Array(sealed.utf8)
        let last = bytes.count - 10  // inside the base64 of the tag (the last characters may be padding bits)
        bytes[last] = bytes[last] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        for bad in [String(decoding: bytes, as: UTF8.self), "qbsync-sealed:v1:\(sealer.current!.id):%%%", "qbsync-sealed:v1:", "qbsync-sealed:v1:\(sealer.current!.id):"] {
            do {
                _ = try sealer.open(bad, companyID: "acme", field: "client_secret")
                Issue.record("opened \(bad)")
            } catch {
                #expect(!"\(error)".contains("s3cret"))
            }
        }
    }

    @Test func aValueSealedUnderAnotherKeyNamesTheKeyItNeeds() throws {
        let old = try self.key()
        let new = try self.key()
        let sealed = try SecretSealer(current: old, previous: []).seal("token", companyID: "acme", field: "refresh_token")
        let rotated = SecretSealer(current: new, previous: [old])
        #expect(rotated.needsResealing(sealed))
        #expect(try rotated.open(sealed, companyID: "acme", field: "refresh_token") == "token")
        #expect(!rotated.needsResealing(try rotated.seal("token", companyID: "acme", field: "refresh_token")))
        do {
            _ = try SecretSealer(current: new, previous: []).open(sealed, companyID: "acme", field: "refresh_token")
            Issue.record("opened without its key")
        } catch {
            #expect("\(error)".contains("sealed with key \(old.id)"))
        }
        // Without a key, everything is stored and read as is; sealed values cannot be read.
        #expect(try SecretSealer.none.seal("plain", companyID: "acme", field: "refresh_token") == "plain")
        #expect(try SecretSealer.none.open("plain", companyID: "acme", field: "refresh_token") == "plain")
        #expect(!SecretSealer.none.needsResealing("plain"))
        #expect(rotated.needsResealing("plain"))
        #expect(!rotated.needsResealing(""))
        #expect(throws: SecretSealer.SealingError.self) { try SecretSealer.none.open(sealed, companyID: "acme", field: "refresh_token") }
    }

    @Test func aKeyIsThirtyTwoBytesRawOrBase64() throws {
        let raw = Data((0..<32).map { UInt8($0) })
        let fromRaw = try SecretSealer.Key(material: raw, source: "raw")
        let fromBase64 = try SecretSealer.Key(material: Data("  \(raw.base64EncodedString())\n".utf8), source: "b64")
        #expect(fromRaw.id == fromBase64.id)
        #expect(fromRaw.id.count == 8)
        for bad in [Data(), Data(repeating: 1, count: 31), Data(repeating: 1, count: 33), Data("c2hvcnQ=".utf8), Data("\(Data(repeating: 7, count: 48).base64EncodedString())".utf8)] {
            do {
                _ = try SecretSealer.Key(material: bad, source: "file k")
                Issue.record("accepted \(bad.count) bytes")
            } catch {
                #expect("\(error)".contains("file k"))
                #expect(!"\(error)".contains("c2hvcnQ"))
            }
        }
    }
}
