import Foundation

extension QBO {
    /// A purchase order: goods or services ordered from a vendor, not yet owed.
    /// It posts nothing to the books; a bill linked to it closes it (``poStatus``).
    public struct PurchaseOrder: QBOEntity, Hashable {
        /// `"PurchaseOrder"`.
        public static let entityName = "PurchaseOrder"

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
        /// The vendor ordered from (required).
        public var vendorRef: Ref?
        /// The accounts payable account.
        public var apAccountRef: Ref?
        /// The lines ordered (item or account expense lines).
        public var line: [Line]?
        /// `"Open"` or `"Closed"`.
        public var poStatus: String?
        /// Where the goods go.
        public var shipAddr: Address?
        /// The vendor's address as printed.
        public var vendorAddr: Address?
        /// Message to the vendor, printed on the order.
        public var memo: String?
        /// The order number; QBO numbers it when absent.
        public var docNumber: String?
        /// Order date, `yyyy-MM-dd`.
        public var txnDate: String?
        /// Expected date, `yyyy-MM-dd`.
        public var dueDate: String?
        /// Total, read-only.
        public var totalAmt: Decimal?
        /// Internal note. qbsync puts its marker here.
        public var privateNote: String?
        /// Location, when location tracking is on.
        public var departmentRef: Ref?
        /// Payment terms.
        public var salesTermRef: Ref?
        /// Currency.
        public var currencyRef: Ref?
        /// Linked transactions (the bills made from it).
        public var linkedTxn: [LinkedTxn]?
        /// `"NotSet"`, `"NeedToSend"`, `"EmailSent"`.
        public var emailStatus: String?

        /// Creates a purchase order.
        /// - Parameters:
        ///   - vendorRef: The vendor.
        ///   - line: The lines ordered.
        ///   - apAccountRef: The accounts payable account.
        ///   - txnDate: Order date, `yyyy-MM-dd`.
        ///   - docNumber: The order number.
        ///   - memo: Message to the vendor.
        ///   - privateNote: Internal note.
        public init(
            vendorRef: Ref? = nil, line: [Line]? = nil, apAccountRef: Ref? = nil, txnDate: String? = nil,
            docNumber: String? = nil, memo: String? = nil, privateNote: String? = nil
        ) {
            self.vendorRef = vendorRef
            self.line = line
            self.apAccountRef = apAccountRef
            self.txnDate = txnDate
            self.docNumber = docNumber
            self.memo = memo
            self.privateNote = privateNote
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, status, metaData = "MetaData"
            case vendorRef = "VendorRef", apAccountRef = "APAccountRef", line = "Line", poStatus = "POStatus"
            case shipAddr = "ShipAddr", vendorAddr = "VendorAddr", memo = "Memo", docNumber = "DocNumber"
            case txnDate = "TxnDate", dueDate = "DueDate", totalAmt = "TotalAmt", privateNote = "PrivateNote"
            case departmentRef = "DepartmentRef", salesTermRef = "SalesTermRef", currencyRef = "CurrencyRef"
            case linkedTxn = "LinkedTxn", emailStatus = "EmailStatus"
        }
    }
}
