import Foundation
import QBSyncWire

/// Progress of a record that does not fit the common columns, kept as JSON.
public struct RecordState: Sendable, Codable, Hashable {
    /// Customers: QBO customers that matched by name or phone, or several by
    /// email, awaiting a person's choice.
    public var candidates: [Candidate] = []
    /// Customers: an operator unlinked it; the sweep must not re-link it.
    public var manuallyUnlinked = false
    /// Customers: LinkCustomer asked to create rather than match.
    public var createRequested = false
    /// Customers: LinkCustomer asked to link to this QBO customer.
    public var requestedQBOID = ""
    /// Customers: how the current link came about (LinkOutcome wire value).
    public var linkOutcome: Int32 = 0
    /// Payments: a void was requested (VoidPayment).
    public var voidRequested = false
    /// Payments: why it was voided.
    public var voidReason = ""
    /// Refunds: QBO entity created ("CreditMemo" or "RefundReceipt").
    public var qboEntity = ""
    /// Refunds of invoices: the zero-amount Payment applying the credit memo.
    public var applicationPaymentID = ""
    /// Refunds of invoices: the credit memo has been applied (or could not be).
    public var applicationDone = false
    /// BulkSync with force: push again even though QBO holds this content.
    public var forcePush = false

    /// A QBO customer that may be the rental customer.
    public struct Candidate: Sendable, Codable, Hashable {
        public var qboID: String
        public var displayName: String
        public var email: String
        public var phone: String
        public var matchedOn: String

        public init(qboID: String, displayName: String, email: String, phone: String, matchedOn: String) {
            self.qboID = qboID
            self.displayName = displayName
            self.email = email
            self.phone = phone
            self.matchedOn = matchedOn
        }

        /// As a wire message.
        public var message: CustomerCandidate {
            CustomerCandidate(qboID: self.qboID, displayName: self.displayName, email: self.email, phone: self.phone, matchedOn: self.matchedOn)
        }
    }

    /// Creates an empty state.
    public init() {}

    init(decoding bytes: [UInt8]) {
        guard !bytes.isEmpty, let state = try? JSONDecoder().decode(RecordState.self, from: Data(bytes)) else {
            self.init()
            return
        }
        self = state
    }

    func encoded() -> [UInt8] {
        guard self != RecordState() else { return [] }
        return (try? Array(JSONEncoder().encode(self))) ?? []
    }
}
