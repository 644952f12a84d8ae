import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

/// A record claimed for a push (now SYNCING) with everything the push needs,
/// resolved inside the claiming transaction.
struct Claim: Sendable {
    var row: RecordRow
    var plan: PushPlan
}

/// What to send to QBO for one record.
enum PushPlan: Sendable {
    case customer(CustomerPlan)
    case invoice(InvoicePlan)
    case payment(PaymentPlan)
    case creditMemo(CreditMemoPlan)
    case refundReceipt(RefundReceiptPlan)
    /// Already in QBO and unchanged (a forced resync): read it back to
    /// confirm it still exists and refresh its SyncToken.
    case verify(entity: String, id: String)
}

struct CustomerPlan: Sendable {
    enum Mode: Sendable {
        /// Link to this QBO customer (after checking it exists).
        case link(String)
        /// Create without matching.
        case create
        /// Match by email, then name and phone; create when allowed and nothing matches.
        case match(autoCreate: Bool)
    }

    var mode: Mode
    var body: QBO.Customer
    var email: String
    var fullName: String
    var phone: String
}

struct InvoicePlan: Sendable {
    enum Operation: Sendable { case create, update, void }
    var operation: Operation
    var body: QBO.Invoice
}

struct PaymentPlan: Sendable {
    enum Operation: Sendable { case create, void }
    var operation: Operation
    var body: QBO.Payment
    /// QBO ids of the invoices it pays, for the already-paid check.
    var invoiceIDs: [String]
}

struct CreditMemoPlan: Sendable {
    var body: QBO.CreditMemo
    /// The refunded invoice in QBO, to apply the credit to.
    var invoiceID: String
    var customerID: String
    var amount: Decimal
    var txnDate: String
}

struct RefundReceiptPlan: Sendable {
    var body: QBO.RefundReceipt
}

/// How a push ended, applied to the record in one write.
struct PushOutcome: Sendable {
    enum Result: Sendable {
        /// QBO holds the record: its id and version.
        case synced(qboID: String, syncToken: String, voided: Bool, note: String)
        /// Waiting on people or data (customer matches to confirm, none to link).
        case blocked([Blocker], note: String)
        /// Deliberately not pushed.
        case skipped(reason: String, note: String)
        /// QBO or the network failed.
        case failed(QBOError)
    }

    var result: Result
    /// Progress to keep whatever the result (a credit memo created before its
    /// application failed; customer candidates).
    var state: RecordState?
    /// QBO id learned even though the push failed later.
    var qboID: String?
    var syncToken: String?
}
