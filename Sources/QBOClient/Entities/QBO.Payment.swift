import Foundation

extension QBO {
    /// A customer payment. Lines apply it to invoices; without lines (or for the
    /// part not covered by lines) it stays unapplied (``unappliedAmt``).
    public struct Payment: QBOEntity, Hashable {
        /// `"Payment"`.
        public static let entityName = "Payment"

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
        /// Payment date, `yyyy-MM-dd`.
        public var txnDate: String?
        /// The paying customer.
        public var customerRef: Ref?
        /// The amount received.
        public var totalAmt: Decimal?
        /// The part not applied to any invoice, read-only.
        public var unappliedAmt: Decimal?
        /// Where the money goes (Undeposited Funds by default, or a bank account).
        public var depositToAccountRef: Ref?
        /// Cash, Check, Visa, ...
        public var paymentMethodRef: Ref?
        /// Check number or processor reference.
        public var paymentRefNum: String?
        /// Internal note; QBO appends "Voided" when the payment is voided.
        public var privateNote: String?
        /// Whether QBO Payments should charge the card; always `false` for qbsync.
        public var processPayment: Bool?
        /// Currency.
        public var currencyRef: Ref?
        /// How the payment is applied.
        public var line: [Line]?

        /// Creates a payment.
        /// - Parameters:
        ///   - customerRef: The paying customer.
        ///   - totalAmt: The amount received.
        ///   - txnDate: Payment date, `yyyy-MM-dd`.
        ///   - line: Applications to invoices; `nil` leaves the payment unapplied.
        ///   - paymentMethodRef: The payment method.
        ///   - depositToAccountRef: The deposit account.
        public init(
            customerRef: Ref? = nil, totalAmt: Decimal? = nil, txnDate: String? = nil, line: [Line]? = nil,
            paymentMethodRef: Ref? = nil, depositToAccountRef: Ref? = nil
        ) {
            self.customerRef = customerRef
            self.totalAmt = totalAmt
            self.txnDate = txnDate
            self.line = line
            self.paymentMethodRef = paymentMethodRef
            self.depositToAccountRef = depositToAccountRef
        }

        /// One application of a payment: an amount and the transaction(s) it pays.
        public struct Line: Codable, Sendable, Hashable {
            /// The amount applied.
            public var amount: Decimal?
            /// The paid transactions, usually one `{TxnId, TxnType: "Invoice"}`.
            public var linkedTxn: [LinkedTxn]?

            /// Creates an application.
            /// - Parameters:
            ///   - amount: The amount applied.
            ///   - linkedTxn: The paid transactions.
            public init(amount: Decimal?, linkedTxn: [LinkedTxn]?) {
                self.amount = amount
                self.linkedTxn = linkedTxn
            }

            /// Applies `amount` to one invoice.
            /// - Parameters:
            ///   - amount: The amount applied.
            ///   - invoiceID: The invoice's Id.
            public static func applying(_ amount: Decimal, toInvoice invoiceID: String) -> Line {
                Line(amount: amount, linkedTxn: [LinkedTxn(txnId: invoiceID, txnType: "Invoice")])
            }

            enum CodingKeys: String, CodingKey { case amount = "Amount", linkedTxn = "LinkedTxn" }
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, status, metaData = "MetaData"
            case txnDate = "TxnDate", customerRef = "CustomerRef", totalAmt = "TotalAmt", unappliedAmt = "UnappliedAmt"
            case depositToAccountRef = "DepositToAccountRef", paymentMethodRef = "PaymentMethodRef"
            case paymentRefNum = "PaymentRefNum", privateNote = "PrivateNote", processPayment = "ProcessPayment"
            case currencyRef = "CurrencyRef", line = "Line"
        }
    }
}
