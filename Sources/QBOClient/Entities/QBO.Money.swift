import Foundation

extension QBO {
    /// Exact conversion between QBO's decimal amounts and integer minor units (cents).
    ///
    /// The rental system keeps money in cents; QBO speaks decimals. Conversion
    /// never rounds: an amount with a third decimal is a bug upstream, so it throws.
    public enum Money {
        /// Converts cents to a decimal amount: `12345` -> `123.45`.
        /// - Parameter minorUnits: The amount in cents.
        public static func amount(minorUnits: Int64) -> Decimal {
            Decimal(minorUnits) / 100
        }

        /// Converts a decimal amount to cents: `123.45` -> `12345`.
        /// - Parameter amount: The amount, with at most two decimals.
        /// - Throws: ``QBOError`` of kind ``QBOError/Kind/invalidRequest`` when the amount
        ///   has more than two decimals or does not fit in 64 bits; never rounds.
        public static func minorUnits(_ amount: Decimal) throws -> Int64 {
            guard amount.isFinite else {
                throw QBOError(kind: .invalidRequest, message: "amount is not a finite number")
            }
            var scaled = amount * 100
            var rounded = Decimal()
            NSDecimalRound(&rounded, &scaled, 0, .plain)
            guard rounded == scaled else {
                throw QBOError(kind: .invalidRequest, message: "amount \(amount) has more than 2 decimals")
            }
            // Decimal's description of an integral value is plain digits, which
            // Int64(_:) parses exactly or rejects when out of range.
            guard let cents = Int64(rounded.description) else {
                throw QBOError(kind: .invalidRequest, message: "amount \(amount) does not fit in 64-bit cents")
            }
            return cents
        }
    }
}
