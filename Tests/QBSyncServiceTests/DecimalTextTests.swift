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

    /// Quantity x rate in minor units, the way the validation used to compute
    /// it: Foundation's Decimal, rounded half away from zero.
    private static func foundationMinorUnits(_ quantity: String, _ rate: String, exponent: Int) throws -> Int64? {
        var scaled = try #require(Decimal(string: quantity, locale: Self.posix)) * (try #require(Decimal(string: rate, locale: Self.posix)))
        for _ in 0..<exponent { scaled *= 10 }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        let integer = NSDecimalNumber(decimal: rounded).int64Value
        return Decimal(integer) == rounded ? integer : nil
    }

    @Test(arguments: [
        ("3", "125.00", "USD", Int64(37_500)), ("0.5", "0.01", "USD", 1), ("-0.5", "0.01", "USD", -1), ("0.49", "0.01", "USD", 0),
        ("2.5", "1", "JPY", 3), ("-2.5", "1", "JPY", -3), ("1.0005", "1", "BHD", 1001), ("0.3333333", "3", "USD", 100),
        ("-0", "5", "USD", 0), ("1.5", "-2.25", "USD", -338),
    ])
    func lineAmountsRoundHalfAwayFromZero(_ quantity: String, _ rate: String, _ code: String, _ expected: Int64) throws {
        let currency = try #require(Currency(code: code))
        let product = currency.minorUnits(try #require(DecimalText.digits(quantity)), times: try #require(DecimalText.digits(rate)))
        #expect(product == expected, "\(quantity) x \(rate) \(code)")
        #expect(product == (try Self.foundationMinorUnits(quantity, rate, exponent: currency.exponent)))
    }

    @Test func productsBeyondInt64AreOutOfRange() throws {
        let largest = try #require(DecimalText.digits("999999999999.9999999"))
        let usd = try #require(Currency(code: "USD"))
        #expect(usd.minorUnits(largest, times: largest) == nil)
        #expect(usd.minorUnits(try #require(DecimalText.digits("92233720368.5477581")), times: try #require(DecimalText.digits("1000000"))) == nil)
        #expect(usd.minorUnits(try #require(DecimalText.digits("92233720368.5477580")), times: try #require(DecimalText.digits("1000000"))) == 9_223_372_036_854_775_800)
    }

    @Test func randomLineAmountsMatchFoundationDecimal() throws {
        var generator = SystemRandomNumberGenerator()
        func text(maxInteger: UInt64) -> String {
            let digits = Int.random(in: 0...7, using: &generator)
            var text = (Bool.random(using: &generator) ? "-" : "") + String(UInt64.random(in: 0...maxInteger, using: &generator))
            if digits > 0 {
                text += "." + String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            }
            return text
        }
        for code in ["USD", "JPY", "BHD"] {
            let currency = try #require(Currency(code: code))
            for _ in 0..<3_000 {
                let quantity = text(maxInteger: [9, 999, 999_999][Int.random(in: 0...2, using: &generator)])
                let rate = text(maxInteger: [99, 99_999, 9_999_999][Int.random(in: 0...2, using: &generator)])
                let product = currency.minorUnits(try #require(DecimalText.digits(quantity)), times: try #require(DecimalText.digits(rate)))
                #expect(product == (try Self.foundationMinorUnits(quantity, rate, exponent: currency.exponent)), "\(quantity) x \(rate) \(code)")
            }
        }
    }
}
