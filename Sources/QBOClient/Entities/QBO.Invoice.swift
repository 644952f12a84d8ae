import Foundation

extension QBO {
    /// A QBO invoice. Voiding keeps the Id, zeroes the amounts and adds "Voided"
    /// to ``privateNote``; deleting returns only `{Id, status: "Deleted"}`.
    public struct Invoice: QBOEntity, Hashable {
        /// `"Invoice"`.
        public static let entityName = "Invoice"

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
        /// The document number; unique per company when QBO enforces it (else fault 6140).
        public var docNumber: String?
        /// Transaction date, `yyyy-MM-dd`.
        public var txnDate: String?
        /// Due date, `yyyy-MM-dd`.
        public var dueDate: String?
        /// Internal note, not shown to the customer. qbsync puts its marker here.
        public var privateNote: String?
        /// Message shown to the customer (`{"value": "..."}`).
        public var customerMemo: Ref?
        /// The lines, including QBO's own subtotal line in responses.
        public var line: [Line]?
        /// Tax summary.
        public var txnTaxDetail: TxnTaxDetail?
        /// The customer billed.
        public var customerRef: Ref?
        /// Billing address.
        public var billAddr: Address?
        /// Shipping address.
        public var shipAddr: Address?
        /// E-mail the invoice is sent to.
        public var billEmail: EmailAddress?
        /// Payment terms.
        public var salesTermRef: Ref?
        /// Total including tax, read-only.
        public var totalAmt: Decimal?
        /// What remains to be paid, read-only.
        public var balance: Decimal?
        /// Currency.
        public var currencyRef: Ref?
        /// Linked transactions (payments, estimates).
        public var linkedTxn: [LinkedTxn]?
        /// Whether discounts apply before tax.
        public var applyTaxAfterDiscount: Bool?
        /// `"NeedToPrint"`, `"NotSet"`, `"PrintComplete"`.
        public var printStatus: String?
        /// `"NotSet"`, `"NeedToSend"`, `"EmailSent"`.
        public var emailStatus: String?
        /// Whether the customer can pay online by card.
        public var allowOnlineCreditCardPayment: Bool?
        /// Whether the customer can pay online by ACH.
        public var allowOnlineACHPayment: Bool?
        /// The customer-facing link, when online payment is on.
        public var invoiceLink: String?
        /// Location (QBO's Department), when location tracking is on.
        public var departmentRef: Ref?

        /// Creates an invoice.
        /// - Parameters:
        ///   - customerRef: The customer billed.
        ///   - line: The lines.
        ///   - docNumber: The document number.
        ///   - txnDate: Transaction date, `yyyy-MM-dd`.
        ///   - dueDate: Due date, `yyyy-MM-dd`.
        ///   - privateNote: Internal note.
        ///   - txnTaxDetail: Tax code and totals.
        public init(
            customerRef: Ref? = nil, line: [Line]? = nil, docNumber: String? = nil, txnDate: String? = nil,
            dueDate: String? = nil, privateNote: String? = nil, txnTaxDetail: TxnTaxDetail? = nil
        ) {
            self.customerRef = customerRef
            self.line = line
            self.docNumber = docNumber
            self.txnDate = txnDate
            self.dueDate = dueDate
            self.privateNote = privateNote
            self.txnTaxDetail = txnTaxDetail
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, status, metaData = "MetaData"
            case docNumber = "DocNumber", txnDate = "TxnDate", dueDate = "DueDate", privateNote = "PrivateNote"
            case customerMemo = "CustomerMemo", line = "Line", txnTaxDetail = "TxnTaxDetail"
            case customerRef = "CustomerRef", billAddr = "BillAddr", shipAddr = "ShipAddr", billEmail = "BillEmail"
            case salesTermRef = "SalesTermRef", totalAmt = "TotalAmt", balance = "Balance", currencyRef = "CurrencyRef"
            case linkedTxn = "LinkedTxn", applyTaxAfterDiscount = "ApplyTaxAfterDiscount"
            case printStatus = "PrintStatus", emailStatus = "EmailStatus"
            case allowOnlineCreditCardPayment = "AllowOnlineCreditCardPayment"
            case allowOnlineACHPayment = "AllowOnlineACHPayment", invoiceLink = "InvoiceLink"
            case departmentRef = "DepartmentRef"
        }
    }
}
