import Foundation

extension QBO {
    /// A credit memo: what qbsync sends for the refund of an invoice.
    public struct CreditMemo: QBOEntity, Hashable {
        /// `"CreditMemo"`.
        public static let entityName = "CreditMemo"

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
        /// The document number.
        public var docNumber: String?
        /// Transaction date, `yyyy-MM-dd`.
        public var txnDate: String?
        /// Internal note.
        public var privateNote: String?
        /// Message shown to the customer.
        public var customerMemo: Ref?
        /// The lines credited.
        public var line: [Line]?
        /// Tax summary.
        public var txnTaxDetail: TxnTaxDetail?
        /// The customer credited.
        public var customerRef: Ref?
        /// Billing address.
        public var billAddr: Address?
        /// E-mail the memo is sent to.
        public var billEmail: EmailAddress?
        /// Total credit, read-only.
        public var totalAmt: Decimal?
        /// Unused credit, read-only.
        public var remainingCredit: Decimal?
        /// Balance, read-only.
        public var balance: Decimal?
        /// Currency.
        public var currencyRef: Ref?
        /// Whether discounts apply before tax.
        public var applyTaxAfterDiscount: Bool?
        /// Print status.
        public var printStatus: String?
        /// E-mail status.
        public var emailStatus: String?

        /// Creates a credit memo.
        /// - Parameters:
        ///   - customerRef: The customer credited.
        ///   - line: The lines credited.
        ///   - docNumber: The document number.
        ///   - txnDate: Transaction date.
        ///   - privateNote: Internal note.
        public init(customerRef: Ref? = nil, line: [Line]? = nil, docNumber: String? = nil, txnDate: String? = nil, privateNote: String? = nil) {
            self.customerRef = customerRef
            self.line = line
            self.docNumber = docNumber
            self.txnDate = txnDate
            self.privateNote = privateNote
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, status, metaData = "MetaData"
            case docNumber = "DocNumber", txnDate = "TxnDate", privateNote = "PrivateNote", customerMemo = "CustomerMemo"
            case line = "Line", txnTaxDetail = "TxnTaxDetail", customerRef = "CustomerRef", billAddr = "BillAddr"
            case billEmail = "BillEmail", totalAmt = "TotalAmt", remainingCredit = "RemainingCredit"
            case balance = "Balance", currencyRef = "CurrencyRef", applyTaxAfterDiscount = "ApplyTaxAfterDiscount"
            case printStatus = "PrintStatus", emailStatus = "EmailStatus"
        }
    }

    /// A refund receipt: money paid back out of an account; what qbsync sends for
    /// the refund of a payment.
    public struct RefundReceipt: QBOEntity, Hashable {
        /// `"RefundReceipt"`.
        public static let entityName = "RefundReceipt"

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
        /// The document number.
        public var docNumber: String?
        /// Transaction date, `yyyy-MM-dd`.
        public var txnDate: String?
        /// Internal note.
        public var privateNote: String?
        /// Message shown to the customer.
        public var customerMemo: Ref?
        /// The lines refunded.
        public var line: [Line]?
        /// Tax summary.
        public var txnTaxDetail: TxnTaxDetail?
        /// The customer refunded.
        public var customerRef: Ref?
        /// Billing address.
        public var billAddr: Address?
        /// E-mail the receipt is sent to.
        public var billEmail: EmailAddress?
        /// Total refunded, read-only.
        public var totalAmt: Decimal?
        /// Balance, read-only.
        public var balance: Decimal?
        /// The account the money comes out of (required by QBO).
        public var depositToAccountRef: Ref?
        /// How the money was paid back.
        public var paymentMethodRef: Ref?
        /// Check number or processor reference.
        public var paymentRefNum: String?
        /// Currency.
        public var currencyRef: Ref?
        /// Whether discounts apply before tax.
        public var applyTaxAfterDiscount: Bool?
        /// Print status.
        public var printStatus: String?

        /// Creates a refund receipt.
        /// - Parameters:
        ///   - customerRef: The customer refunded.
        ///   - line: The lines refunded.
        ///   - depositToAccountRef: The account the money comes out of.
        ///   - paymentMethodRef: How it was paid back.
        ///   - docNumber: The document number.
        ///   - txnDate: Transaction date.
        ///   - privateNote: Internal note.
        public init(
            customerRef: Ref? = nil, line: [Line]? = nil, depositToAccountRef: Ref? = nil, paymentMethodRef: Ref? = nil,
            docNumber: String? = nil, txnDate: String? = nil, privateNote: String? = nil
        ) {
            self.customerRef = customerRef
            self.line = line
            self.depositToAccountRef = depositToAccountRef
            self.paymentMethodRef = paymentMethodRef
            self.docNumber = docNumber
            self.txnDate = txnDate
            self.privateNote = privateNote
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, status, metaData = "MetaData"
            case docNumber = "DocNumber", txnDate = "TxnDate", privateNote = "PrivateNote", customerMemo = "CustomerMemo"
            case line = "Line", txnTaxDetail = "TxnTaxDetail", customerRef = "CustomerRef", billAddr = "BillAddr"
            case billEmail = "BillEmail", totalAmt = "TotalAmt", balance = "Balance"
            case depositToAccountRef = "DepositToAccountRef", paymentMethodRef = "PaymentMethodRef"
            case paymentRefNum = "PaymentRefNum", currencyRef = "CurrencyRef"
            case applyTaxAfterDiscount = "ApplyTaxAfterDiscount", printStatus = "PrintStatus"
        }
    }
}
