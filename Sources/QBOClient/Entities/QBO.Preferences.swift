import Foundation

extension QBO {
    /// The company's settings: one per realm, read with ``QBOClient/preferences()``
    /// (`GET /preferences`). The engine reads it to know whether sales tax is automated
    /// (``usesAutomatedSalesTax``), whether inventory quantities are tracked
    /// (``tracksQuantityOnHand``), and whether classes, locations and several
    /// currencies are on. Groups QBOClient does not model (`EmailMessagesPrefs`,
    /// `TimeTrackingPrefs`, `ReportPrefs`) are skipped when decoding.
    public struct Preferences: QBOEntity, Hashable {
        /// `"Preferences"`.
        public static let entityName = "Preferences"

        /// QBO's Id (`"1"`).
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Always `"QBO"` in responses.
        public var domain: String?
        /// Creation and change times.
        public var metaData: MetaData?
        /// Sales tax settings.
        public var taxPrefs: TaxPrefs?
        /// What items are used for and whether quantities are tracked.
        public var productAndServicesPrefs: ProductAndServicesPrefs?
        /// Home currency and multicurrency.
        public var currencyPrefs: CurrencyPrefs?
        /// Sales form settings: discounts, deposits, custom numbers, default terms.
        public var salesFormsPrefs: SalesFormsPrefs?
        /// Purchase form settings: billable expenses, default terms.
        public var vendorAndPurchasesPrefs: VendorAndPurchasesPrefs?
        /// Class and location tracking, fiscal year, account numbers.
        public var accountingInfoPrefs: AccountingInfoPrefs?
        /// Further settings as name/value strings (`SalesFormsPrefs.DefaultItem`, ...).
        public var otherPrefs: OtherPrefs?

        /// Creates an empty preferences value (preferences are read, not written, by qbsync).
        public init() {}

        /// Whether the company is on automated sales tax (`TaxPrefs.PartnerTaxEnabled`).
        /// QBO leaves the member out for companies that never had it (Intuit's own sample
        /// has none), so an absent member reads as `false`.
        public var usesAutomatedSalesTax: Bool { taxPrefs?.isPartnerTaxEnabled ?? false }

        /// Whether inventory quantities are tracked (`ProductAndServicesPrefs.QuantityOnHand`);
        /// absent reads as `false`.
        public var tracksQuantityOnHand: Bool { productAndServicesPrefs?.quantityOnHand ?? false }

        /// Sales tax settings.
        public struct TaxPrefs: Codable, Sendable, Hashable {
            /// Whether sales tax is set up.
            public var usingSalesTax: Bool?
            /// Whether automated sales tax (AST) is on; often absent, see ``isPartnerTaxEnabled``.
            public var partnerTaxEnabled: Bool?
            /// The default tax code (or group) of sales forms.
            public var taxGroupCodeRef: Ref?

            /// Creates tax settings.
            /// - Parameters:
            ///   - usingSalesTax: Whether sales tax is set up.
            ///   - partnerTaxEnabled: Whether AST is on.
            ///   - taxGroupCodeRef: The default tax code.
            public init(usingSalesTax: Bool? = nil, partnerTaxEnabled: Bool? = nil, taxGroupCodeRef: Ref? = nil) {
                self.usingSalesTax = usingSalesTax
                self.partnerTaxEnabled = partnerTaxEnabled
                self.taxGroupCodeRef = taxGroupCodeRef
            }

            /// ``partnerTaxEnabled``, with an absent member read as `false`.
            public var isPartnerTaxEnabled: Bool { partnerTaxEnabled ?? false }

            enum CodingKeys: String, CodingKey {
                case usingSalesTax = "UsingSalesTax", partnerTaxEnabled = "PartnerTaxEnabled"
                case taxGroupCodeRef = "TaxGroupCodeRef"
            }
        }

        /// What items are used for and whether quantities are tracked.
        public struct ProductAndServicesPrefs: Codable, Sendable, Hashable {
            /// Whether items appear on sales forms.
            public var forSales: Bool?
            /// Whether items appear on purchase forms.
            public var forPurchase: Bool?
            /// Whether forms show quantity and rate columns.
            public var quantityWithPriceAndRate: Bool?
            /// Whether inventory quantities are tracked (Plus and Advanced plans).
            public var quantityOnHand: Bool?

            /// Creates product settings.
            /// - Parameters:
            ///   - forSales: Items on sales forms.
            ///   - forPurchase: Items on purchase forms.
            ///   - quantityWithPriceAndRate: Quantity and rate columns.
            ///   - quantityOnHand: Inventory tracking.
            public init(forSales: Bool? = nil, forPurchase: Bool? = nil, quantityWithPriceAndRate: Bool? = nil, quantityOnHand: Bool? = nil) {
                self.forSales = forSales
                self.forPurchase = forPurchase
                self.quantityWithPriceAndRate = quantityWithPriceAndRate
                self.quantityOnHand = quantityOnHand
            }

            enum CodingKeys: String, CodingKey {
                case forSales = "ForSales", forPurchase = "ForPurchase"
                case quantityWithPriceAndRate = "QuantityWithPriceAndRate", quantityOnHand = "QuantityOnHand"
            }
        }

        /// Home currency and multicurrency.
        public struct CurrencyPrefs: Codable, Sendable, Hashable {
            /// Whether forms may be in other currencies (cannot be turned off once on).
            public var multiCurrencyEnabled: Bool?
            /// The home currency, e.g. `{"value": "USD"}`.
            public var homeCurrency: Ref?

            /// Creates currency settings.
            /// - Parameters:
            ///   - multiCurrencyEnabled: Whether multicurrency is on.
            ///   - homeCurrency: The home currency.
            public init(multiCurrencyEnabled: Bool? = nil, homeCurrency: Ref? = nil) {
                self.multiCurrencyEnabled = multiCurrencyEnabled
                self.homeCurrency = homeCurrency
            }

            enum CodingKeys: String, CodingKey { case multiCurrencyEnabled = "MultiCurrencyEnabled", homeCurrency = "HomeCurrency" }
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, metaData = "MetaData"
            case taxPrefs = "TaxPrefs", productAndServicesPrefs = "ProductAndServicesPrefs"
            case currencyPrefs = "CurrencyPrefs", salesFormsPrefs = "SalesFormsPrefs"
            case vendorAndPurchasesPrefs = "VendorAndPurchasesPrefs", accountingInfoPrefs = "AccountingInfoPrefs"
            case otherPrefs = "OtherPrefs"
        }
    }
}
