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
        case .vendor: "vendor"
        case .bill: "bill"
        case .billPayment: "bill payment"
        case .purchaseOrder: "purchase order"
        case .expense: "expense"
        case .item: "item"
        case .unspecified, .unrecognized: "record"
        }
    }
}

/// Which queue a PENDING record waits in. A company's syncer takes every due
/// interactive record before any backfill record, and backfill never uses the
/// last push slot or the last tenth of the realm's request budget, so a
/// single record a person is waiting for is not stuck behind a backlog.
public enum QueueLane: Int, Sendable, CaseIterable {
    /// Single records sent by a caller, single-record Resync (the default).
    case interactive = 0
    /// History and bulk work: BulkSync, Resync of every errored record, and
    /// records sent with the `qbsync-lane: backfill` call metadata.
    case backfill = 1

    /// The lane's name, as call metadata and logs spell it.
    public var name: String {
        switch self {
        case .interactive: "interactive"
        case .backfill: "backfill"
        }
    }

    /// The lane named `name` ("interactive" or "backfill"), or nil.
    public init?(name: String) {
        guard let lane = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = lane
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
    /// The queue it waits in while PENDING.
    public var lane = QueueLane.interactive

    /// Creates a row for a newly accepted record.
    public init(key: RecordKey, payload: [UInt8], contentHash: String, status: SyncStatus) {
        self.key = key
        self.payload = payload
        self.contentHash = contentHash
        self.status = status
    }

    /// The columns of `records` a row holds, in SELECT order.
    static let layout = ColumnList("""
        id, company_id, entity, external_id, payload, content_hash, status, txn_date, doc_number, qbo_id, \
        qbo_sync_token, synced_hash, synced_sign, voided_in_qbo, request_id, push_generation, outcome_unknown, \
        attempts, next_attempt_at, last_error, skip_reason, state, created_at, updated_at, last_event_seq, lane
        """)

    static let columns = Self.layout.sql

    /// The columns, each qualified by a table alias.
    static func columns(of alias: String) -> String {
        Self.layout.names.map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    private static let writableColumns = Array(Self.layout.names.dropFirst())

    static let insertSQL = """
        INSERT INTO records (\(Self.writableColumns.joined(separator: ", "))) \
        VALUES (\(Array(repeating: "?", count: Self.writableColumns.count).joined(separator: ", "))) RETURNING id
        """

    /// Inserts of `rows` records with their ids given (a PostgreSQL store
    /// reserves ids ahead); each row's values are the id, then ``values``.
    static func insertWithIDSQL(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: Self.writableColumns.count + 1).joined(separator: ", ") + ")"
        return "INSERT INTO records (id, \(Self.writableColumns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    static let selectByKeySQL = "SELECT \(Self.columns) FROM records WHERE company_id = ? AND entity = ? AND external_id = ?"
    static let selectByIDSQL = "SELECT \(Self.columns) FROM records WHERE id = ?"

    static let updateSQL = "UPDATE records SET \(Self.writableColumns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// Column indices by name, worked out once.
    private enum Column {
        static let id = RecordRow.layout.index("id")
        static let companyID = RecordRow.layout.index("company_id")
        static let entity = RecordRow.layout.index("entity")
        static let externalID = RecordRow.layout.index("external_id")
        static let payload = RecordRow.layout.index("payload")
        static let contentHash = RecordRow.layout.index("content_hash")
        static let status = RecordRow.layout.index("status")
        static let txnDate = RecordRow.layout.index("txn_date")
        static let docNumber = RecordRow.layout.index("doc_number")
        static let qboID = RecordRow.layout.index("qbo_id")
        static let qboSyncToken = RecordRow.layout.index("qbo_sync_token")
        static let syncedHash = RecordRow.layout.index("synced_hash")
        static let syncedSign = RecordRow.layout.index("synced_sign")
        static let voidedInQBO = RecordRow.layout.index("voided_in_qbo")
        static let requestID = RecordRow.layout.index("request_id")
        static let pushGeneration = RecordRow.layout.index("push_generation")
        static let outcomeUnknown = RecordRow.layout.index("outcome_unknown")
        static let attempts = RecordRow.layout.index("attempts")
        static let nextAttemptAt = RecordRow.layout.index("next_attempt_at")
        static let lastError = RecordRow.layout.index("last_error")
        static let skipReason = RecordRow.layout.index("skip_reason")
        static let state = RecordRow.layout.index("state")
        static let createdAt = RecordRow.layout.index("created_at")
        static let updatedAt = RecordRow.layout.index("updated_at")
        static let lastEventSequence = RecordRow.layout.index("last_event_seq")
        static let lane = RecordRow.layout.index("lane")
    }

    init(_ row: any SQLRow) {
        self.id = row.int64(Column.id)
        self.key = RecordKey(
            companyID: row.text(Column.companyID),
            entity: EntityType(wireValue: Int32(row.int64(Column.entity))),
            externalID: row.text(Column.externalID)
        )
        self.payload = row.blob(Column.payload)
        self.contentHash = row.text(Column.contentHash)
        self.status = SyncStatus(wireValue: Int32(row.int64(Column.status)))
        self.txnDate = row.text(Column.txnDate)
        self.docNumber = row.text(Column.docNumber)
        self.qboID = row.text(Column.qboID)
        self.qboSyncToken = row.text(Column.qboSyncToken)
        self.syncedHash = row.text(Column.syncedHash)
        self.syncedSign = row.int(Column.syncedSign)
        self.voidedInQBO = row.bool(Column.voidedInQBO)
        self.requestID = row.text(Column.requestID)
        self.pushGeneration = row.int(Column.pushGeneration)
        self.outcomeUnknown = row.bool(Column.outcomeUnknown)
        self.attempts = row.int(Column.attempts)
        self.nextAttemptAt = row.int64(Column.nextAttemptAt)
        self.lastError = row.isNull(Column.lastError) ? nil : try? ErrorDetail(unpacking: row.blob(Column.lastError))
        self.skipReason = row.text(Column.skipReason)
        self.state = RecordState(decoding: row.blob(Column.state))
        self.createdAt = row.int64(Column.createdAt)
        self.updatedAt = row.int64(Column.updatedAt)
        self.lastEventSequence = UInt64(row.int64(Column.lastEventSequence))
        self.lane = QueueLane(rawValue: row.int(Column.lane)) ?? .interactive
    }

    var values: [SQLValue] {
        [
            .text(self.key.companyID), .integer(Int64(self.key.entity.wireValue)), .text(self.key.externalID),
            .blob(self.payload), .text(self.contentHash), .integer(Int64(self.status.wireValue)), .text(self.txnDate),
            .text(self.docNumber), .text(self.qboID), .text(self.qboSyncToken), .text(self.syncedHash),
            .integer(Int64(self.syncedSign)), .integer(self.voidedInQBO ? 1 : 0), .text(self.requestID),
            .integer(Int64(self.pushGeneration)), .integer(self.outcomeUnknown ? 1 : 0), .integer(Int64(self.attempts)),
            .integer(self.nextAttemptAt), self.lastError.map { .blob($0.packed()) } ?? .null, .text(self.skipReason),
            .blob(self.state.encoded()), .integer(self.createdAt), .integer(self.updatedAt),
            .integer(Int64(self.lastEventSequence)), .integer(Int64(self.lane.rawValue)),
        ]
    }
}
