import Foundation

extension QBO {
    /// A sales tax code (`TAX`, `NON` in US companies, or a numbered code or group).
    public struct TaxCode: QBOEntity, Hashable {
        /// `"TaxCode"`.
        public static let entityName = "TaxCode"

        /// QBO's Id (`"TAX"`, `"NON"` or a number).
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The code's name.
        public var name: String?
        /// Description.
        public var description: String?
        /// Whether the code is active.
        public var active: Bool?
        /// Whether the code taxes sales.
        public var taxable: Bool?
        /// Whether the code is a group of rates.
        public var taxGroup: Bool?
        /// The rates applied to sales.
        public var salesTaxRateList: TaxRateList?

        /// The rates of a tax code.
        public struct TaxRateList: Codable, Sendable, Hashable {
            /// One entry per rate.
            public var taxRateDetail: [TaxRateDetail]?

            /// One rate of a tax code.
            public struct TaxRateDetail: Codable, Sendable, Hashable {
                /// The rate.
                public var taxRateRef: Ref?
                /// `"TaxOnAmount"`, ...
                public var taxTypeApplicable: String?
                /// Order in which rates apply.
                public var taxOrder: Int?

                enum CodingKeys: String, CodingKey {
                    case taxRateRef = "TaxRateRef", taxTypeApplicable = "TaxTypeApplicable", taxOrder = "TaxOrder"
                }
            }

            enum CodingKeys: String, CodingKey { case taxRateDetail = "TaxRateDetail" }
        }

        /// Creates an empty tax code value (tax codes are read, not written, by qbsync).
        public init() {}

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, metaData = "MetaData", name = "Name"
            case description = "Description", active = "Active", taxable = "Taxable", taxGroup = "TaxGroup"
            case salesTaxRateList = "SalesTaxRateList"
        }
    }

    /// A tax rate, referenced from tax codes and tax lines.
    public struct TaxRate: QBOEntity, Hashable {
        /// `"TaxRate"`.
        public static let entityName = "TaxRate"

        /// QBO's Id.
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The rate's name.
        public var name: String?
        /// Description.
        public var description: String?
        /// Whether the rate is active.
        public var active: Bool?
        /// The rate in percent, e.g. `8` or `8.25`.
        public var rateValue: Decimal?
        /// The tax agency the rate is paid to.
        public var agencyRef: Ref?

        /// Creates an empty tax rate value (tax rates are read, not written, by qbsync).
        public init() {}

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, metaData = "MetaData", name = "Name"
            case description = "Description", active = "Active", rateValue = "RateValue", agencyRef = "AgencyRef"
        }
    }

    /// A payment method: Cash, Check, Visa, ...
    public struct PaymentMethod: QBOEntity, Hashable {
        /// `"PaymentMethod"`.
        public static let entityName = "PaymentMethod"

        /// QBO's Id.
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The method's name.
        public var name: String?
        /// Whether the method is active.
        public var active: Bool?
        /// `"CREDIT_CARD"` or `"NON_CREDIT_CARD"`.
        public var type: String?

        /// Creates a payment method.
        /// - Parameters:
        ///   - name: The method's name.
        ///   - type: `"CREDIT_CARD"` or `"NON_CREDIT_CARD"`.
        public init(name: String? = nil, type: String? = nil) {
            self.name = name
            self.type = type
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, metaData = "MetaData", name = "Name"
            case active = "Active", type = "Type"
        }
    }
}
