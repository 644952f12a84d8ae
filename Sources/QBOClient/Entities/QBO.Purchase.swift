import Foundation

extension QBO {
    /// An expense paid at once (QBO's Expense, Check and Credit Card Expense forms):
    /// money out of ``accountRef`` by ``paymentType``, with no bill in between.
    public struct Purchase: QBOEntity, Hashable {
        /// `"Purchase"`.
        public static let entityName = "Purchase"

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
        /// `"Cash"`, `"Check"` or `"CreditCard"` (required).
        public var paymentType: String?
        /// The bank or credit card account the money comes out of (required).
        public var accountRef: Ref?
        /// The payee, with its kind in ``Ref/type``: `"Vendor"`, `"Customer"` or `"Employee"`.
        public var entityRef: Ref?
        /// The expense lines (item or account expense lines).
        public var line: [Line]?
        /// Payment date, `yyyy-MM-dd`.
        public var txnDate: String?
        /// Check or reference number.
        public var docNumber: String?
        /// Total, read-only.
        public var totalAmt: Decimal?
        /// Internal note. qbsync puts its marker here.
        public var privateNote: String?
        /// `true` for a credit card credit (a refund onto the card); only with `"CreditCard"`.
        public var credit: Bool?
        /// Location, when location tracking is on.
        public var departmentRef: Ref?
        /// How it was paid (Cash, Visa, ...).
        public var paymentMethodRef: Ref?
        /// Print status of a check: `"NeedToPrint"`, `"NotSet"`, `"PrintComplete"`.
        public var printStatus: String?
        /// The payee's address printed on a check.
        public var remitToAddr: Address?
        /// Currency.
        public var currencyRef: Ref?
        /// Tax summary, where purchases carry tax.
        public var txnTaxDetail: TxnTaxDetail?

        /// Creates a purchase.
        /// - Parameters:
        ///   - paymentType: `"Cash"`, `"Check"` or `"CreditCard"`.
        ///   - accountRef: The account the money comes out of.
        ///   - entityRef: The payee, with its type.
        ///   - line: The expense lines.
        ///   - txnDate: Payment date, `yyyy-MM-dd`.
        ///   - docNumber: Check or reference number.
        ///   - privateNote: Internal note.
        public init(
            paymentType: String? = nil, accountRef: Ref? = nil, entityRef: Ref? = nil, line: [Line]? = nil,
            txnDate: String? = nil, docNumber: String? = nil, privateNote: String? = nil
        ) {
            self.paymentType = paymentType
            self.accountRef = accountRef
            self.entityRef = entityRef
            self.line = line
            self.txnDate = txnDate
            self.docNumber = docNumber
            self.privateNote = privateNote
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, status, metaData = "MetaData"
            case paymentType = "PaymentType", accountRef = "AccountRef", entityRef = "EntityRef", line = "Line"
            case txnDate = "TxnDate", docNumber = "DocNumber", totalAmt = "TotalAmt", privateNote = "PrivateNote"
            case credit = "Credit", departmentRef = "DepartmentRef", paymentMethodRef = "PaymentMethodRef"
            case printStatus = "PrintStatus", remitToAddr = "RemitToAddr", currencyRef = "CurrencyRef"
            case txnTaxDetail = "TxnTaxDetail"
        }
    }
}
