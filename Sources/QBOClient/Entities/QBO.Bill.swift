import Foundation

extension QBO {
    /// A bill: what the company owes a vendor. Lines are item or account expense
    /// lines (``Line/Detail/itemBasedExpense(_:)``, ``Line/Detail/accountBasedExpense(_:)``);
    /// a ``BillPayment`` pays it, and ``linkedTxn`` then names the payment.
    public struct Bill: QBOEntity, Hashable {
        /// `"Bill"`.
        public static let entityName = "Bill"

        /// QBO's Id.
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Always `"QBO"` in responses.
        public var domain: String?
        /// `"Deleted"` in a delete response.
        public var status: String?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The vendor billed by (required).
        public var vendorRef: Ref?
        /// The accounts payable account (QBO picks the default when absent).
        public var apAccountRef: Ref?
        /// Bill date, `yyyy-MM-dd`.
        public var txnDate: String?
        /// Due date, `yyyy-MM-dd` (QBO works it out from the terms when absent).
        public var dueDate: String?
        /// The bill number (the vendor's reference).
        public var docNumber: String?
        /// The expense lines.
        public var line: [Line]?
        /// Location, when location tracking is on.
        public var departmentRef: Ref?
        /// Total, read-only.
        public var totalAmt: Decimal?
        /// What remains to be paid, read-only.
        public var balance: Decimal?
        /// Internal note. qbsync puts its marker here.
        public var privateNote: String?
        /// Payment terms.
        public var salesTermRef: Ref?
        /// Linked transactions: the payments (`"BillPaymentCheck"`, `"BillPaymentCreditCard"`)
        /// and purchase orders of this bill.
        public var linkedTxn: [LinkedTxn]?
        /// Currency.
        public var currencyRef: Ref?
        /// The vendor's address as printed on the bill.
        public var vendorAddr: Address?
        /// Tax summary, where purchases carry tax.
        public var txnTaxDetail: TxnTaxDetail?

        /// Creates a bill.
        /// - Parameters:
        ///   - vendorRef: The vendor.
        ///   - line: The expense lines.
        ///   - txnDate: Bill date, `yyyy-MM-dd`.
        ///   - dueDate: Due date, `yyyy-MM-dd`.
        ///   - docNumber: The vendor's reference number.
        ///   - apAccountRef: The accounts payable account.
        ///   - privateNote: Internal note.
        public init(
            vendorRef: Ref? = nil, line: [Line]? = nil, txnDate: String? = nil, dueDate: String? = nil,
            docNumber: String? = nil, apAccountRef: Ref? = nil, privateNote: String? = nil
        ) {
            self.vendorRef = vendorRef
            self.line = line
            self.txnDate = txnDate
            self.dueDate = dueDate
            self.docNumber = docNumber
            self.apAccountRef = apAccountRef
            self.privateNote = privateNote
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, status, metaData = "MetaData"
            case vendorRef = "VendorRef", apAccountRef = "APAccountRef", txnDate = "TxnDate", dueDate = "DueDate"
            case docNumber = "DocNumber", line = "Line", departmentRef = "DepartmentRef", totalAmt = "TotalAmt"
            case balance = "Balance", privateNote = "PrivateNote", salesTermRef = "SalesTermRef"
            case linkedTxn = "LinkedTxn", currencyRef = "CurrencyRef", vendorAddr = "VendorAddr"
            case txnTaxDetail = "TxnTaxDetail"
        }
    }
}
