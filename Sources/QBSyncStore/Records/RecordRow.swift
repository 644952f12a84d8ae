import QBSyncWire

/// A record's identity: company, entity type and the caller's id.
public struct RecordKey: Hashable, Sendable, CustomStringConvertible {
    /// The rental company.
    public var companyID: String
    /// Entity type.
    public var entity: EntityType
    /// The caller's id.
    public var externalID: String

    /// Creates a key.
    public init(companyID: String, entity: EntityType, externalID: String) {
        self.companyID = companyID
        self.entity = entity
        self.externalID = externalID
    }

    /// The key as a wire `RecordRef`.
    public var ref: RecordRef {
        RecordRef(companyID: self.companyID, entity: self.entity, externalID: self.externalID)
    }

    public var description: String { "\(self.companyID)/\(self.entity.label)/\(self.externalID)" }
}

extension EntityType {
    /// Lower-case name for messages and logs.
    public var label: String {
        switch self {
        case .customer: "customer"
        case .invoice: "invoice"
        case .payment: "payment"
        case .refund: "refund"
        case .unspecified, .unrecognized: "record"
        }
    }
}

/// One row of `records`: a rental record, its accepted content and where its sync stands.
public struct RecordRow: Sendable {
    /// Row id (0 before insert).
    public var id: Int64 = 0
    /// Identity.
    public var key: RecordKey
    /// The accepted message (Invoice, Payment, Refund or Customer), protobuf-encoded.
    public var payload: [UInt8]
    /// Hex SHA-256 of `payload`.
    public var contentHash: String
    /// Current status.
    public var status: SyncStatus
    /// Transaction date (ISO-8601), for date-range selection.
    public var txnDate = ""
    /// DocNumber sent to QBO (invoices).
    public var docNumber = ""
    /// QBO Id once created.
    public var qboID = ""
    /// QBO SyncToken last seen.
    public var qboSyncToken = ""
    /// Content hash QBO holds (empty before the first successful push).
    public var syncedHash = ""
    /// Sign of the total QBO holds (invoices): -1, 0 (not synced) or 1.
    public var syncedSign = 0
    /// The document is voided in QBO.
    public var voidedInQBO = false
    /// requestid of the push in flight; reused on every retry of that push.
    public var requestID = ""
    /// Counts logical pushes, so each gets its own requestid.
    public var pushGeneration = 0
    /// A push may have reached QBO without qbsync hearing back: read back first.
    public var outcomeUnknown = false
    /// Attempts of the current push.
    public var attempts = 0
    /// Epoch ms when the next attempt is due.
    public var nextAttemptAt: Int64 = 0
    /// The last failure.
    public var lastError: ErrorDetail?
    /// Why SKIPPED.
    public var skipReason = ""
    /// Entity-specific progress (see ``RecordState``).
    public var state = RecordState()
    /// Epoch ms created.
    public var createdAt: Int64 = 0
    /// Epoch ms last changed.
    public var updatedAt: Int64 = 0
    /// Newest event about this record.
    public var lastEventSequence: UInt64 = 0

    /// Creates a row for a newly accepted record.
    public init(key: RecordKey, payload: [UInt8], contentHash: String, status: SyncStatus) {
        self.key = key
        self.payload = payload
        self.contentHash = contentHash
        self.status = status
    }

    static let columns = """
        id, company_id, entity, external_id, payload, content_hash, status, txn_date, doc_number, qbo_id, \
        qbo_sync_token, synced_hash, synced_sign, voided_in_qbo, request_id, push_generation, outcome_unknown, \
        attempts, next_attempt_at, last_error, skip_reason, state, created_at, updated_at, last_event_seq
        """

    private static let writableColumns = Self.columns.split(separator: ",").dropFirst().map {
        String($0.filter { !$0.isWhitespace })
    }

    static let insertSQL = """
        INSERT INTO records (\(Self.writableColumns.joined(separator: ", "))) \
        VALUES (\(Array(repeating: "?", count: Self.writableColumns.count).joined(separator: ", ")))
        """

    static let selectByKeySQL = "SELECT \(Self.columns) FROM records WHERE company_id = ? AND entity = ? AND external_id = ?"
    static let selectByIDSQL = "SELECT \(Self.columns) FROM records WHERE id = ?"

    static let updateSQL = "UPDATE records SET \(Self.writableColumns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    init(_ row: Statement) {
        self.id = row.int64(0)
        self.key = RecordKey(companyID: row.text(1), entity: EntityType(wireValue: Int32(row.int64(2))), externalID: row.text(3))
        self.payload = row.blob(4)
        self.contentHash = row.text(5)
        self.status = SyncStatus(wireValue: Int32(row.int64(6)))
        self.txnDate = row.text(7)
        self.docNumber = row.text(8)
        self.qboID = row.text(9)
        self.qboSyncToken = row.text(10)
        self.syncedHash = row.text(11)
        self.syncedSign = row.int(12)
        self.voidedInQBO = row.bool(13)
        self.requestID = row.text(14)
        self.pushGeneration = row.int(15)
        self.outcomeUnknown = row.bool(16)
        self.attempts = row.int(17)
        self.nextAttemptAt = row.int64(18)
        self.lastError = row.isNull(19) ? nil : try? ErrorDetail(unpacking: row.blob(19))
        self.skipReason = row.text(20)
        self.state = RecordState(decoding: row.blob(21))
        self.createdAt = row.int64(22)
        self.updatedAt = row.int64(23)
        self.lastEventSequence = UInt64(row.int64(24))
    }

    var values: [Statement.Value] {
        [
            .text(self.key.companyID), .integer(Int64(self.key.entity.wireValue)), .text(self.key.externalID),
            .blob(self.payload), .text(self.contentHash), .integer(Int64(self.status.wireValue)), .text(self.txnDate),
            .text(self.docNumber), .text(self.qboID), .text(self.qboSyncToken), .text(self.syncedHash),
            .integer(Int64(self.syncedSign)), .integer(self.voidedInQBO ? 1 : 0), .text(self.requestID),
            .integer(Int64(self.pushGeneration)), .integer(self.outcomeUnknown ? 1 : 0), .integer(Int64(self.attempts)),
            .integer(self.nextAttemptAt), self.lastError.map { .blob($0.packed()) } ?? .null, .text(self.skipReason),
            .blob(self.state.encoded()), .integer(self.createdAt), .integer(self.updatedAt),
            .integer(Int64(self.lastEventSequence)),
        ]
    }
}
