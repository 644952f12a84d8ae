import Foundation

/// An ISO 4217 currency and how many minor units make a major one.
public struct Currency: Sendable, Hashable, CustomStringConvertible {
    /// The three-letter code.
    public let code: String
    /// Decimal places of the minor unit (USD 2, JPY 0, BHD 3).
    public let exponent: Int

    // Codes whose minor unit is not 2 decimals; every other well-formed code uses 2.
    private static let exponents: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
        "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    ]

    /// The currency for a code; nil unless it is three upper-case ASCII letters.
    public init?(code: String) {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ (65...90).contains($0) }) else { return nil }
        self.code = code
        self.exponent = Self.exponents[code] ?? 2
    }

    /// `minor` minor units as an exact decimal amount in major units.
    public func decimal(minorUnits minor: Int64) -> Decimal {
        var value = Decimal(minor)
        if self.exponent > 0 {
            value /= self.scale
        }
        return value
    }

    /// `value` rounded to minor units, halves away from zero (QBO's rule for Qty x UnitPrice).
    public func roundedMinorUnits(_ value: Decimal) -> Int64? {
        var scaled = value * self.scale
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        let integer = NSDecimalNumber(decimal: rounded).int64Value
        return Decimal(integer) == rounded ? integer : nil
    }

    /// `minor` formatted for people: "362.07 USD".
    public func format(minorUnits minor: Int64) -> String {
        "\(self.decimal(minorUnits: minor)) \(self.code)"
    }

    private var scale: Decimal {
        var scale = Decimal(1)
        for _ in 0..<self.exponent { scale *= 10 }
        return scale
    }

    public var description: String { self.code }
}

/// Strict parsing of the decimal strings the API carries (quantities, rates).
public enum DecimalText {
    /// Parses `-?digits[.digits]` with at most `maxIntegerDigits` and
    /// `maxFractionDigits`; nil for anything else ("1e3", "1,5", " 2", "").
    public static func parse(_ text: String, maxIntegerDigits: Int = 12, maxFractionDigits: Int = 7) -> Decimal? {
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        var negative = false
        // The digits as one integer; the limits keep it within 19 digits.
        var significand: UInt64 = 0
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0:
                negative = true
            case UInt8(ascii: "."):
                guard !seenPoint, integerDigits > 0 else { return nil }
                seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if seenPoint { fractionDigits += 1 } else { integerDigits += 1 }
                guard integerDigits <= maxIntegerDigits, fractionDigits <= maxFractionDigits else { return nil }
                let (times10, overflow1) = significand.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                significand = sum
            default:
                return nil
            }
        }
        guard integerDigits > 0, !seenPoint || fractionDigits > 0 else { return nil }
        // Built from integer and exponent, exactly (Decimal(string:) costs a
        // locale-aware scan per call). Zero has no sign: "-0" is 0.
        if significand == 0 { return Decimal(0) }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fractionDigits, significand: Decimal(significand))
    }

}
