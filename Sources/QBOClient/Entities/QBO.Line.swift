import Foundation

extension QBO {
    /// One line of a sales form (invoice, credit memo, refund receipt) or of a
    /// purchase form (bill, purchase order, purchase).
    ///
    /// QBO says what a line is with `DetailType` and puts the matching object
    /// under a key of the same name; ``detail`` holds that pair as one value, so
    /// a line can never say one type and carry another.
    public struct Line: Codable, Sendable, Hashable {
        /// The line's Id within its transaction.
        public var id: String?
        /// The line's position, 1-based.
        public var lineNum: Int?
        /// Free-text description.
        public var description: String?
        /// The line's amount. For item lines QBO requires it to equal `Qty x UnitPrice`
        /// rounded to cents (else fault 6070).
        public var amount: Decimal?
        /// What kind of line this is, with its details.
        public var detail: Detail
        /// Links to other transactions (e.g. the estimate the line came from).
        public var linkedTxn: [LinkedTxn]?

        /// Creates a line.
        /// - Parameters:
        ///   - amount: The line amount.
        ///   - detail: The line's kind and details.
        ///   - description: Free-text description.
        ///   - id: The line's Id, for updates of existing lines.
        public init(amount: Decimal?, detail: Detail, description: String? = nil, id: String? = nil) {
            self.amount = amount
            self.detail = detail
            self.description = description
            self.id = id
        }

        /// A line's `DetailType` and the object that goes with it.
        public enum Detail: Sendable, Hashable {
            /// An item sold: `SalesItemLineDetail`.
            case salesItem(SalesItemLineDetail)
            /// The running subtotal QBO adds: `SubTotalLineDetail`.
            case subTotal(SubTotalLineDetail)
            /// A discount: `DiscountLineDetail`.
            case discount(DiscountLineDetail)
            /// An item bought (bills, purchase orders, purchases): `ItemBasedExpenseLineDetail`.
            case itemBasedExpense(ItemBasedExpenseLineDetail)
            /// An expense posted straight to an account (bills, purchase orders, purchases):
            /// `AccountBasedExpenseLineDetail`.
            case accountBasedExpense(AccountBasedExpenseLineDetail)
            /// A `DetailType` QBOClient does not model (`DescriptionOnly`, `GroupLineDetail`, ...).
            /// Its details are not kept, so such a line cannot be written back.
            case other(detailType: String)

            /// The `DetailType` string QBO uses for this kind.
            public var detailType: String {
                switch self {
                case .salesItem: "SalesItemLineDetail"
                case .subTotal: "SubTotalLineDetail"
                case .discount: "DiscountLineDetail"
                case .itemBasedExpense: "ItemBasedExpenseLineDetail"
                case .accountBasedExpense: "AccountBasedExpenseLineDetail"
                case .other(let detailType): detailType
                }
            }
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", lineNum = "LineNum", description = "Description", amount = "Amount"
            case detailType = "DetailType", linkedTxn = "LinkedTxn"
            case salesItemLineDetail = "SalesItemLineDetail", subTotalLineDetail = "SubTotalLineDetail"
            case discountLineDetail = "DiscountLineDetail"
            case itemBasedExpenseLineDetail = "ItemBasedExpenseLineDetail"
            case accountBasedExpenseLineDetail = "AccountBasedExpenseLineDetail"
        }

        /// Decodes a line, choosing the detail object by `DetailType`.
        /// - Parameter decoder: The decoder.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(String.self, forKey: .id)
            lineNum = try container.decodeIfPresent(Int.self, forKey: .lineNum)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            amount = try container.decodeIfPresent(Decimal.self, forKey: .amount)
            linkedTxn = try container.decodeIfPresent([LinkedTxn].self, forKey: .linkedTxn)
            let detailType = try container.decode(String.self, forKey: .detailType)
            switch detailType {
            case "SalesItemLineDetail":
                detail = .salesItem(try container.decodeIfPresent(SalesItemLineDetail.self, forKey: .salesItemLineDetail) ?? .init())
            case "SubTotalLineDetail":
                detail = .subTotal(try container.decodeIfPresent(SubTotalLineDetail.self, forKey: .subTotalLineDetail) ?? .init())
            case "DiscountLineDetail":
                detail = .discount(try container.decodeIfPresent(DiscountLineDetail.self, forKey: .discountLineDetail) ?? .init())
            case "ItemBasedExpenseLineDetail":
                detail = .itemBasedExpense(
                    try container.decodeIfPresent(ItemBasedExpenseLineDetail.self, forKey: .itemBasedExpenseLineDetail) ?? .init()
                )
            case "AccountBasedExpenseLineDetail":
                detail = .accountBasedExpense(
                    try container.decodeIfPresent(AccountBasedExpenseLineDetail.self, forKey: .accountBasedExpenseLineDetail) ?? .init()
                )
            default:
                detail = .other(detailType: detailType)
            }
        }

        /// Encodes the line with `DetailType` and the matching detail object.
        /// - Parameter encoder: The encoder.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(id, forKey: .id)
            try container.encodeIfPresent(lineNum, forKey: .lineNum)
            try container.encodeIfPresent(description, forKey: .description)
            try container.encodeIfPresent(amount, forKey: .amount)
            try container.encodeIfPresent(linkedTxn, forKey: .linkedTxn)
            try container.encode(detail.detailType, forKey: .detailType)
            switch detail {
            case .salesItem(let value): try container.encode(value, forKey: .salesItemLineDetail)
            case .subTotal(let value): try container.encode(value, forKey: .subTotalLineDetail)
            case .discount(let value): try container.encode(value, forKey: .discountLineDetail)
            case .itemBasedExpense(let value): try container.encode(value, forKey: .itemBasedExpenseLineDetail)
            case .accountBasedExpense(let value): try container.encode(value, forKey: .accountBasedExpenseLineDetail)
            case .other: break
            }
        }
    }

    /// The item, quantity, price and tax code of a sales line.
    public struct SalesItemLineDetail: Codable, Sendable, Hashable {
        /// The item sold.
        public var itemRef: Ref?
        /// The income account the line posts to (QBO fills it from the item).
        public var itemAccountRef: Ref?
        /// Quantity.
        public var qty: Decimal?
        /// Price per unit.
        public var unitPrice: Decimal?
        /// Tax code, e.g. `TAX` or `NON` in US companies.
        public var taxCodeRef: Ref?
        /// Date of service, `yyyy-MM-dd`.
        public var serviceDate: String?
        /// Class, when class tracking is on.
        public var classRef: Ref?

        /// Creates sales line details.
        /// - Parameters:
        ///   - itemRef: The item sold.
        ///   - qty: Quantity.
        ///   - unitPrice: Price per unit.
        ///   - taxCodeRef: Tax code.
        ///   - serviceDate: Date of service.
        ///   - classRef: Class, when class tracking is on.
        public init(
            itemRef: Ref? = nil, qty: Decimal? = nil, unitPrice: Decimal? = nil, taxCodeRef: Ref? = nil,
            serviceDate: String? = nil, classRef: Ref? = nil
        ) {
            self.itemRef = itemRef
            self.qty = qty
            self.unitPrice = unitPrice
            self.taxCodeRef = taxCodeRef
            self.serviceDate = serviceDate
            self.classRef = classRef
        }

        enum CodingKeys: String, CodingKey {
            case itemRef = "ItemRef", itemAccountRef = "ItemAccountRef", qty = "Qty", unitPrice = "UnitPrice"
            case taxCodeRef = "TaxCodeRef", serviceDate = "ServiceDate", classRef = "ClassRef"
        }
    }

    /// The subtotal line's details; usually empty (`{}`).
    public struct SubTotalLineDetail: Codable, Sendable, Hashable {
        /// An item, for subtotals of a group.
        public var itemRef: Ref?

        /// Creates empty subtotal details.
        /// - Parameter itemRef: An item, rarely used.
        public init(itemRef: Ref? = nil) { self.itemRef = itemRef }

        enum CodingKeys: String, CodingKey { case itemRef = "ItemRef" }
    }

    /// A discount line's details: a percentage or a fixed amount, and the account it posts to.
    public struct DiscountLineDetail: Codable, Sendable, Hashable {
        /// `true` for a percentage discount (see ``discountPercent``), `false` for a fixed amount.
        public var percentBased: Bool?
        /// The percentage, e.g. `5` for 5 %.
        public var discountPercent: Decimal?
        /// The account discounts post to (e.g. "Discounts given").
        public var discountAccountRef: Ref?

        /// Creates discount details.
        /// - Parameters:
        ///   - percentBased: Whether the discount is a percentage.
        ///   - discountPercent: The percentage.
        ///   - discountAccountRef: The discount account.
        public init(percentBased: Bool? = nil, discountPercent: Decimal? = nil, discountAccountRef: Ref? = nil) {
            self.percentBased = percentBased
            self.discountPercent = discountPercent
            self.discountAccountRef = discountAccountRef
        }

        enum CodingKeys: String, CodingKey {
            case percentBased = "PercentBased", discountPercent = "DiscountPercent", discountAccountRef = "DiscountAccountRef"
        }
    }
}
