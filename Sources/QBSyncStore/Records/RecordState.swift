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
    /// What QBO holds differently from what was sent (a SYNCED record's warnings).
    public var warnings: [Warning] = []
    /// The W3C `traceparent` of the call that last sent the record's content,
    /// when tracing is on: its push's span continues that trace.
    public var traceParent = ""

    /// A warning on a synced record, as stored.
    public struct Warning: Sendable, Codable, Hashable {
        public var kind: Int32
        public var message: String
        public var fixHint: String
        /// Drift: field, ours, QuickBooks'.
        public var fields: [[String]]
        public var qboSyncToken: String
        public var detectedAt: String

        public init(_ warning: RecordWarning) {
            self.kind = warning.kind.wireValue
            self.message = warning.message
            self.fixHint = warning.fixHint
            self.fields = warning.fields.map { [$0.field, $0.ours, $0.quickbooks] }
            self.qboSyncToken = warning.qboSyncToken
            self.detectedAt = warning.detectedAt
        }

        private enum CodingKeys: String, CodingKey {
            case kind, message, fixHint, fields, qboSyncToken, detectedAt
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.kind = try container.decode(Int32.self, forKey: .kind)
            self.message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
            self.fixHint = try container.decodeIfPresent(String.self, forKey: .fixHint) ?? ""
            self.fields = try container.decodeIfPresent([[String]].self, forKey: .fields) ?? []
            self.qboSyncToken = try container.decodeIfPresent(String.self, forKey: .qboSyncToken) ?? ""
            self.detectedAt = try container.decodeIfPresent(String.self, forKey: .detectedAt) ?? ""
        }

        /// As a wire message.
        public var wire: RecordWarning {
            RecordWarning(
                kind: WarningKind(wireValue: self.kind), message: self.message, fixHint: self.fixHint,
                fields: self.fields.filter { $0.count == 3 }.map { FieldDrift(field: $0[0], ours: $0[1], quickbooks: $0[2]) },
                qboSyncToken: self.qboSyncToken, detectedAt: self.detectedAt
            )
        }

        /// A drift warning (someone changed the record in QuickBooks).
        public var isDrift: Bool { WarningKind(wireValue: self.kind).isDrift }
    }

    private enum CodingKeys: String, CodingKey {
        case candidates, manuallyUnlinked, createRequested, requestedQBOID, linkOutcome, voidRequested, voidReason
        case qboEntity, applicationPaymentID, applicationDone, forcePush, warnings, traceParent
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.candidates = try container.decodeIfPresent([Candidate].self, forKey: .candidates) ?? []
        self.manuallyUnlinked = try container.decodeIfPresent(Bool.self, forKey: .manuallyUnlinked) ?? false
        self.createRequested = try container.decodeIfPresent(Bool.self, forKey: .createRequested) ?? false
        self.requestedQBOID = try container.decodeIfPresent(String.self, forKey: .requestedQBOID) ?? ""
        self.linkOutcome = try container.decodeIfPresent(Int32.self, forKey: .linkOutcome) ?? 0
        self.voidRequested = try container.decodeIfPresent(Bool.self, forKey: .voidRequested) ?? false
        self.voidReason = try container.decodeIfPresent(String.self, forKey: .voidReason) ?? ""
        self.qboEntity = try container.decodeIfPresent(String.self, forKey: .qboEntity) ?? ""
        self.applicationPaymentID = try container.decodeIfPresent(String.self, forKey: .applicationPaymentID) ?? ""
        self.applicationDone = try container.decodeIfPresent(Bool.self, forKey: .applicationDone) ?? false
        self.forcePush = try container.decodeIfPresent(Bool.self, forKey: .forcePush) ?? false
        self.warnings = try container.decodeIfPresent([Warning].self, forKey: .warnings) ?? []
        self.traceParent = try container.decodeIfPresent(String.self, forKey: .traceParent) ?? ""
    }

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
