import Foundation
import QBSyncCore
import Testing

/// The strict decimal parser behind quantities and unit rates: exact values,
/// and the same numbers Foundation's own parser reads from the same text.
struct DecimalTextTests {
    private static let posix = Locale(identifier: "en_US_POSIX")

    @Test(arguments: ["0", "-0", "1", "-1", "3.5", "-3.5", "0.0000001", "999999999999.9999999", "-999999999999.9999999",
                      "000012.5000", "1.10", "120", "0.5"])
    func wellFormedTextIsExactlyFoundationsValue(_ text: String) throws {
        let parsed = try #require(DecimalText.parse(text))
        let expected = try #require(Decimal(string: text, locale: Self.posix))
        #expect(parsed == expected, "\(text): \(parsed) vs \(expected)")
        #expect(!parsed.isNaN)
    }

    @Test(arguments: ["", "-", ".", "1.", ".5", "1e3", "1,5", " 2", "2 ", "+2", "1.2.3", "--1", "1-", "0x10", "١٢",
                      "1234567890123", "1.12345678", "１"])
    func anythingElseIsRejected(_ text: String) {
        #expect(DecimalText.parse(text) == nil, "\(text)")
    }

    @Test func randomValuesRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let integer = UInt64.random(in: 0...999_999_999_999, using: &generator)
            let fraction = UInt64.random(in: 0...9_999_999, using: &generator)
            let digits = Int.random(in: 0...7, using: &generator)
            var text = (Bool.random(using: &generator) ? "-" : "") + String(integer)
            if digits > 0 {
                let fractionText = String(String(fraction).prefix(digits))
                text += "." + fractionText + String(repeating: "0", count: digits - fractionText.count)
            }
            let parsed = try #require(DecimalText.parse(text), "\(text)")
            #expect(parsed == Decimal(string: text, locale: Self.posix), "\(text)")
        }
    }
}
