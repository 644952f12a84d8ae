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

    /// A QBO amount in minor units, rounded half away from zero (QBO keeps
    /// amounts at the currency's places); nil beyond Int64.
    public func minorUnits(_ amount: Decimal) -> Int64? {
        var scaled = amount
        if self.exponent > 0 { scaled *= self.scale }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded.magnitude <= Decimal(Int64.max) else { return nil }
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    /// `quantity` x `rate` in minor units, rounded half away from zero (QBO's
    /// rule for Qty x UnitPrice); nil when it does not fit in Int64.
    ///
    /// Exact integer arithmetic: each operand has at most 19 significant
    /// digits, so the product fits in 128 bits before rounding.
    public func minorUnits(_ quantity: DecimalDigits, times rate: DecimalDigits) -> Int64? {
        let product = UInt128(quantity.significand) * UInt128(rate.significand)
        // Decimal places to drop to land on minor units (negative: places to add).
        let excess = quantity.fractionDigits + rate.fractionDigits - self.exponent
        var magnitude: UInt128
        if excess <= 0 {
            magnitude = product
            for _ in 0 ..< -excess {
                let (scaled, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                magnitude = scaled
            }
        } else {
            var divisor: UInt128 = 1
            for _ in 0..<excess { divisor *= 10 }
            let (quotient, remainder) = product.quotientAndRemainder(dividingBy: divisor)
            magnitude = remainder * 2 >= divisor ? quotient + 1 : quotient
        }
        guard magnitude <= UInt128(Int64.max) else { return nil }
        let value = Int64(magnitude)
        return quantity.negative != rate.negative ? -value : value
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

/// A decimal number as written: sign, digits as one integer, and how many
/// of them follow the point ("-12.50" is minus, 1250, 2). Exact; no
/// floating point.
public struct DecimalDigits: Sendable, Hashable {
    /// A minus sign was written (never for zero).
    public var negative: Bool
    /// The digits without the point.
    public var significand: UInt64
    /// Digits after the point.
    public var fractionDigits: Int

    /// The same number as a Foundation `Decimal` (exact).
    public var decimal: Decimal {
        if self.significand == 0 { return Decimal(0) }
        return Decimal(sign: self.negative ? .minus : .plus, exponent: -self.fractionDigits, significand: Decimal(self.significand))
    }
}

/// Strict parsing of the decimal strings the API carries (quantities, rates).
public enum DecimalText {
    /// Parses `-?digits[.digits]` with at most `maxIntegerDigits` and
    /// `maxFractionDigits`; nil for anything else ("1e3", "1,5", " 2", "").
    public static func parse(_ text: String, maxIntegerDigits: Int = 12, maxFractionDigits: Int = 7) -> Decimal? {
        self.digits(text, maxIntegerDigits: maxIntegerDigits, maxFractionDigits: maxFractionDigits)?.decimal
    }

    /// Like ``parse(_:maxIntegerDigits:maxFractionDigits:)``, keeping the digits as written.
    public static func digits(_ text: String, maxIntegerDigits: Int = 12, maxFractionDigits: Int = 7) -> DecimalDigits? {
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
        // Zero has no sign: "-0" is 0.
        return DecimalDigits(negative: negative && significand != 0, significand: significand, fractionDigits: fractionDigits)
    }

}
