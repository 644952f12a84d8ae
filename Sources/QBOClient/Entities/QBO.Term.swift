import Foundation

extension QBO {
    /// Payment terms (Net 30, Due on receipt, ...), named by `SalesTermRef` on
    /// invoices and bills and by a vendor's `TermRef`.
    public struct Term: QBOEntity, Hashable {
        /// `"Term"`.
        public static let entityName = "Term"

        /// QBO's Id.
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Always `"QBO"` in responses.
        public var domain: String?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The term's name, e.g. `"Net 30"`.
        public var name: String?
        /// Whether the term is active.
        public var active: Bool?
        /// `"STANDARD"` (due a number of days after the date) or `"DATE_DRIVEN"`
        /// (due on a day of the month).
        public var type: String?
        /// Days until due, for standard terms.
        public var dueDays: Int?
        /// Days within which the early-payment discount applies, for standard terms.
        public var discountDays: Int?
        /// The early-payment discount in percent, e.g. `2` for 2 %.
        public var discountPercent: Decimal?
        /// Day of the month the payment is due, for date-driven terms.
        public var dayOfMonthDue: Int?
        /// Due the next month when issued within this many days of ``dayOfMonthDue``.
        public var dueNextMonthDays: Int?
        /// Day of the month until which the discount applies, for date-driven terms.
        public var discountDayOfMonth: Int?

        /// Creates standard terms.
        /// - Parameters:
        ///   - name: The term's name.
        ///   - dueDays: Days until due.
        public init(name: String? = nil, dueDays: Int? = nil) {
            self.name = name
            self.dueDays = dueDays
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, metaData = "MetaData", name = "Name"
            case active = "Active", type = "Type", dueDays = "DueDays", discountDays = "DiscountDays"
            case discountPercent = "DiscountPercent", dayOfMonthDue = "DayOfMonthDue"
            case dueNextMonthDays = "DueNextMonthDays", discountDayOfMonth = "DiscountDayOfMonth"
        }
    }
}
