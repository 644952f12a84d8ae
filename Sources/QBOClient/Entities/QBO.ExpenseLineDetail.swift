import Foundation

extension QBO {
    /// The item, quantity and price of a purchase line (`ItemBasedExpenseLineDetail`),
    /// on bills, purchase orders and purchases.
    public struct ItemBasedExpenseLineDetail: Codable, Sendable, Hashable {
        /// The item bought.
        public var itemRef: Ref?
        /// Quantity.
        public var qty: Decimal?
        /// Cost per unit.
        public var unitPrice: Decimal?
        /// The customer the cost is for, when it is passed on.
        public var customerRef: Ref?
        /// Class, when class tracking is on.
        public var classRef: Ref?
        /// `"Billable"`, `"NotBillable"` or `"HasBeenBilled"`; QBO answers `"NotBillable"`
        /// when no customer is named.
        public var billableStatus: String?
        /// Tax code, e.g. `NON` in US companies.
        public var taxCodeRef: Ref?

        /// Creates item expense details.
        /// - Parameters:
        ///   - itemRef: The item bought.
        ///   - qty: Quantity.
        ///   - unitPrice: Cost per unit.
        ///   - customerRef: The customer the cost is for.
        ///   - classRef: Class.
        ///   - billableStatus: `"Billable"`, `"NotBillable"` or `"HasBeenBilled"`.
        ///   - taxCodeRef: Tax code.
        public init(
            itemRef: Ref? = nil, qty: Decimal? = nil, unitPrice: Decimal? = nil, customerRef: Ref? = nil,
            classRef: Ref? = nil, billableStatus: String? = nil, taxCodeRef: Ref? = nil
        ) {
            self.itemRef = itemRef
            self.qty = qty
            self.unitPrice = unitPrice
            self.customerRef = customerRef
            self.classRef = classRef
            self.billableStatus = billableStatus
            self.taxCodeRef = taxCodeRef
        }

        enum CodingKeys: String, CodingKey {
            case itemRef = "ItemRef", qty = "Qty", unitPrice = "UnitPrice", customerRef = "CustomerRef"
            case classRef = "ClassRef", billableStatus = "BillableStatus", taxCodeRef = "TaxCodeRef"
        }
    }

    /// The expense account of a purchase line (`AccountBasedExpenseLineDetail`), on
    /// bills, purchase orders and purchases: the line's amount posts straight to it.
    public struct AccountBasedExpenseLineDetail: Codable, Sendable, Hashable {
        /// The account charged (an expense account, or e.g. a bank account for a card payment).
        public var accountRef: Ref?
        /// Class, when class tracking is on.
        public var classRef: Ref?
        /// The customer the cost is for, when it is passed on.
        public var customerRef: Ref?
        /// `"Billable"`, `"NotBillable"` or `"HasBeenBilled"`.
        public var billableStatus: String?
        /// Tax code, e.g. `NON` in US companies.
        public var taxCodeRef: Ref?

        /// Creates account expense details.
        /// - Parameters:
        ///   - accountRef: The account charged.
        ///   - classRef: Class.
        ///   - customerRef: The customer the cost is for.
        ///   - billableStatus: `"Billable"`, `"NotBillable"` or `"HasBeenBilled"`.
        ///   - taxCodeRef: Tax code.
        public init(
            accountRef: Ref? = nil, classRef: Ref? = nil, customerRef: Ref? = nil,
            billableStatus: String? = nil, taxCodeRef: Ref? = nil
        ) {
            self.accountRef = accountRef
            self.classRef = classRef
            self.customerRef = customerRef
            self.billableStatus = billableStatus
            self.taxCodeRef = taxCodeRef
        }

        enum CodingKeys: String, CodingKey {
            case accountRef = "AccountRef", classRef = "ClassRef", customerRef = "CustomerRef"
            case billableStatus = "BillableStatus", taxCodeRef = "TaxCodeRef"
        }
    }
}
