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
    case vendor(VendorPlan)
    case bill(DocumentPlan<QBO.Bill>)
    case billPayment(BillPaymentPlan)
    case purchaseOrder(DocumentPlan<QBO.PurchaseOrder>)
    case expense(DocumentPlan<QBO.Purchase>)
    case item(ItemPlan)
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
        /// Linked already, and the rental customer changed: a sparse update of this QBO customer.
        case update(String)
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
    /// The rental system's total and tax, to compare with what QBO computes.
    var expectedTotal: Decimal = 0
    var expectedTax: Decimal = 0
}

struct PaymentPlan: Sendable {
    /// `update`: a payment in QBO applied to other invoices (only its lines change).
    enum Operation: Sendable { case create, update, void }
    var operation: Operation
    var body: QBO.Payment
    /// QBO ids of the invoices it pays, for the already-paid check.
    var invoiceIDs: [String]
    /// What each invoice is to get (QBO invoice id -> amount, with the rental
    /// invoice's external id and DocNumber for messages), in payment order.
    var applications: [Application] = []
    /// The part of the payment meant to stay unapplied credit.
    var unappliedRemainder: Decimal = 0

    struct Application: Sendable {
        var invoiceExternalID: String
        var qboInvoiceID: String
        var docNumber: String
        var amount: Decimal
    }
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
    /// What QBO holds differently from what was sent, for a synced record.
    var warnings: [RecordWarning] = []
    /// Progress to keep whatever the result (a credit memo created before its
    /// application failed; customer candidates).
    var state: RecordState?
    /// QBO id learned even though the push failed later.
    var qboID: String?
    var syncToken: String?
}

struct VendorPlan: Sendable {
    enum Mode: Sendable {
        /// Link to this QBO vendor (after checking it exists and is active).
        case link(String)
        /// Create without matching.
        case create
        /// Match by email (links), else by name (a proposal); nothing: not linked.
        case match
        /// Linked already, and the vendor changed: a sparse update.
        case update(String)
    }

    var mode: Mode
    var body: QBO.Vendor
    var email: String
}

/// A QBO transaction qbsync creates, updates and deletes as a whole: a Bill,
/// a PurchaseOrder, a Purchase (expense).
protocol SyncedDocument: QBOEntity {
    /// Internal note, where qbsync's marker goes.
    var privateNote: String? { get set }
    /// When the document is dated, for finding it again.
    var txnDate: String? { get set }
}

extension QBO.Bill: SyncedDocument {}
extension QBO.PurchaseOrder: SyncedDocument {}
extension QBO.Purchase: SyncedDocument {}

struct DocumentPlan<Document: SyncedDocument & Equatable>: Sendable {
    enum Operation: Sendable, Equatable {
        case create
        /// A sparse update of what changed (all lines are sent again).
        case update
        /// Gone in the rental system (cancelled bill, cancelled PO, voided expense).
        case delete
    }

    var operation: Operation
    var body: Document
    /// Finding it again after an unknown outcome: a field and value (e.g. the
    /// vendor), along with the date; recognised by the marker.
    var findField: String
    var findValue: String
}

struct BillPaymentPlan: Sendable {
    enum Operation: Sendable { case create, void }
    var operation: Operation
    var body: QBO.BillPayment
}

/// An item to create in QBO, or to update: the one qbsync created, or the
/// QBO item its code is already mapped to.
struct ItemPlan: Sendable {
    enum Mode: Sendable, Equatable {
        case create
        case update(String)
    }

    var mode: Mode
    var body: QBO.Item
    /// An inventory item: the QBO company must track quantities.
    var inventory: Bool
}

extension PushOutcome.Result {
    /// How the push ended, in a word (a metric's label).
    var name: String {
        switch self {
        case .synced: "synced"
        case .blocked: "blocked"
        case .skipped: "skipped"
        case .failed: "failed"
        }
    }
}
