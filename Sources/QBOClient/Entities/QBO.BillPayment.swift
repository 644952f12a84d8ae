import Foundation

extension QBO {
    /// A payment of vendor bills, by check (``checkPayment``) or by credit card
    /// (``creditCardPayment``), as ``payType`` says. Lines apply it to bills.
    public struct BillPayment: QBOEntity, Hashable {
        /// `"BillPayment"`.
        public static let entityName = "BillPayment"

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
        /// The vendor paid (required).
        public var vendorRef: Ref?
        /// `"Check"` or `"CreditCard"` (required); says which of ``checkPayment`` and
        /// ``creditCardPayment`` is filled.
        public var payType: String?
        /// The bank account and print status of a check payment.
        public var checkPayment: CheckPayment?
        /// The card account of a credit card payment.
        public var creditCardPayment: CreditCardPayment?
        /// The amount paid (required).
        public var totalAmt: Decimal?
        /// Payment date, `yyyy-MM-dd`.
        public var txnDate: String?
        /// Check number or reference.
        public var docNumber: String?
        /// Internal note. qbsync puts its marker here.
        public var privateNote: String?
        /// The accounts payable account the bills were in.
        public var apAccountRef: Ref?
        /// Location, when location tracking is on.
        public var departmentRef: Ref?
        /// Currency.
        public var currencyRef: Ref?
        /// How the payment is applied to bills.
        public var line: [Line]?

        /// Creates a bill payment.
        /// - Parameters:
        ///   - vendorRef: The vendor paid.
        ///   - totalAmt: The amount paid.
        ///   - payType: `"Check"` or `"CreditCard"`.
        ///   - checkPayment: The bank account, for checks.
        ///   - creditCardPayment: The card account, for card payments.
        ///   - line: Applications to bills.
        ///   - txnDate: Payment date, `yyyy-MM-dd`.
        ///   - docNumber: Check number or reference.
        ///   - privateNote: Internal note.
        public init(
            vendorRef: Ref? = nil, totalAmt: Decimal? = nil, payType: String? = nil,
            checkPayment: CheckPayment? = nil, creditCardPayment: CreditCardPayment? = nil, line: [Line]? = nil,
            txnDate: String? = nil, docNumber: String? = nil, privateNote: String? = nil
        ) {
            self.vendorRef = vendorRef
            self.totalAmt = totalAmt
            self.payType = payType
            self.checkPayment = checkPayment
            self.creditCardPayment = creditCardPayment
            self.line = line
            self.txnDate = txnDate
            self.docNumber = docNumber
            self.privateNote = privateNote
        }

        /// The bank account a check is drawn on.
        public struct CheckPayment: Codable, Sendable, Hashable {
            /// The bank account (required for checks).
            public var bankAccountRef: Ref?
            /// `"NeedToPrint"`, `"NotSet"` or `"PrintComplete"`.
            public var printStatus: String?

            /// Creates check details.
            /// - Parameters:
            ///   - bankAccountRef: The bank account.
            ///   - printStatus: The print status.
            public init(bankAccountRef: Ref?, printStatus: String? = nil) {
                self.bankAccountRef = bankAccountRef
                self.printStatus = printStatus
            }

            enum CodingKeys: String, CodingKey { case bankAccountRef = "BankAccountRef", printStatus = "PrintStatus" }
        }

        /// The credit card account a payment is charged to.
        public struct CreditCardPayment: Codable, Sendable, Hashable {
            /// The credit card account (required for card payments).
            public var ccAccountRef: Ref?

            /// Creates card details.
            /// - Parameter ccAccountRef: The credit card account.
            public init(ccAccountRef: Ref?) { self.ccAccountRef = ccAccountRef }

            enum CodingKeys: String, CodingKey { case ccAccountRef = "CCAccountRef" }
        }

        /// One application of a bill payment: an amount and the bill(s) it pays.
        public struct Line: Codable, Sendable, Hashable {
            /// The amount applied.
            public var amount: Decimal?
            /// The paid transactions, usually one `{TxnId, TxnType: "Bill"}`.
            public var linkedTxn: [LinkedTxn]?

            /// Creates an application.
            /// - Parameters:
            ///   - amount: The amount applied.
            ///   - linkedTxn: The paid transactions.
            public init(amount: Decimal?, linkedTxn: [LinkedTxn]?) {
                self.amount = amount
                self.linkedTxn = linkedTxn
            }

            /// Applies `amount` to one bill.
            /// - Parameters:
            ///   - amount: The amount applied.
            ///   - billID: The bill's Id.
            public static func applying(_ amount: Decimal, toBill billID: String) -> Line {
                Line(amount: amount, linkedTxn: [LinkedTxn(txnId: billID, txnType: "Bill")])
            }

            enum CodingKeys: String, CodingKey { case amount = "Amount", linkedTxn = "LinkedTxn" }
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, status, metaData = "MetaData"
            case vendorRef = "VendorRef", payType = "PayType", checkPayment = "CheckPayment"
            case creditCardPayment = "CreditCardPayment", totalAmt = "TotalAmt", txnDate = "TxnDate"
            case docNumber = "DocNumber", privateNote = "PrivateNote", apAccountRef = "APAccountRef"
            case departmentRef = "DepartmentRef", currencyRef = "CurrencyRef", line = "Line"
        }
    }
}
