import Foundation

extension QBO {
    /// A transaction's tax summary.
    public struct TxnTaxDetail: Codable, Sendable, Hashable {
        /// The tax code (or group) applied to the transaction.
        public var txnTaxCodeRef: Ref?
        /// Total tax.
        public var totalTax: Decimal?
        /// Tax per rate.
        public var taxLine: [TaxLine]?

        /// Creates a tax summary.
        /// - Parameters:
        ///   - txnTaxCodeRef: The tax code applied.
        ///   - totalTax: Total tax, when overriding QBO's computation.
        public init(txnTaxCodeRef: Ref? = nil, totalTax: Decimal? = nil) {
            self.txnTaxCodeRef = txnTaxCodeRef
            self.totalTax = totalTax
        }

        enum CodingKeys: String, CodingKey { case txnTaxCodeRef = "TxnTaxCodeRef", totalTax = "TotalTax", taxLine = "TaxLine" }
    }

    /// One tax rate's share of a transaction's tax.
    public struct TaxLine: Codable, Sendable, Hashable {
        /// Tax amount for this rate.
        public var amount: Decimal?
        /// Always `"TaxLineDetail"`.
        public var detailType: String?
        /// The rate and the amount it applied to.
        public var taxLineDetail: TaxLineDetail?

        /// The rate and base of one tax line.
        public struct TaxLineDetail: Codable, Sendable, Hashable {
            /// The tax rate.
            public var taxRateRef: Ref?
            /// Whether the rate is a percentage.
            public var percentBased: Bool?
            /// The percentage, e.g. `8`.
            public var taxPercent: Decimal?
            /// The amount the rate applied to.
            public var netAmountTaxable: Decimal?

            enum CodingKeys: String, CodingKey {
                case taxRateRef = "TaxRateRef", percentBased = "PercentBased", taxPercent = "TaxPercent"
                case netAmountTaxable = "NetAmountTaxable"
            }
        }

        enum CodingKeys: String, CodingKey { case amount = "Amount", detailType = "DetailType", taxLineDetail = "TaxLineDetail" }
    }
}
