import QBSyncStore
import QBSyncWire

/// Builds the wire view of a record (`SyncRecord`), including its QBO link.
public struct RecordView: Sendable {
    /// Base of "View in QuickBooks" links, e.g. `https://app.qbo.intuit.com/app/`.
    public let qboAppURL: String

    /// Creates a view builder.
    public init(qboAppURL: String) {
        self.qboAppURL = qboAppURL.hasSuffix("/") ? qboAppURL : qboAppURL + "/"
    }

    /// The QBO entity name a record becomes.
    public static func qboEntity(_ row: RecordRow) -> String {
        switch row.key.entity {
        case .customer: "Customer"
        case .invoice: "Invoice"
        case .payment: "Payment"
        case .refund: row.state.qboEntity.isEmpty ? Self.refundEntity(row) : row.state.qboEntity
        case .vendor: "Vendor"
        case .bill: "Bill"
        case .billPayment: "BillPayment"
        case .purchaseOrder: "PurchaseOrder"
        case .expense: "Purchase"
        case .item: "Item"
        case .unspecified, .unrecognized: ""
        }
    }

    private static func refundEntity(_ row: RecordRow) -> String {
        guard let refund = try? Refund(unpacking: row.payload) else { return "" }
        if case .paymentExternalID? = refund.target { return "RefundReceipt" }
        return "CreditMemo"
    }

    /// "View in QuickBooks" for a created record; empty before.
    public func url(_ row: RecordRow) -> String {
        guard !row.qboID.isEmpty else { return "" }
        let page: String
        switch Self.qboEntity(row) {
        case "Customer": return "\(self.qboAppURL)customerdetail?nameId=\(row.qboID)"
        case "Vendor": return "\(self.qboAppURL)vendordetail?nameId=\(row.qboID)"
        case "Item": return "\(self.qboAppURL)items?itemId=\(row.qboID)"
        case "Bill": page = "bill"
        case "BillPayment": page = "billpayment"
        case "PurchaseOrder": page = "purchaseorder"
        case "Purchase": page = "expense"
        case "Invoice": page = "invoice"
        case "Payment": page = "recvpayment"
        case "CreditMemo": page = "creditmemo"
        case "RefundReceipt": page = "refundreceipt"
        default: return ""
        }
        return "\(self.qboAppURL)\(page)?txnId=\(row.qboID)"
    }

    /// The record as the API shows it.
    public func record(_ row: RecordRow, blockers: [Blocker]) -> SyncRecord {
        SyncRecord(
            ref: row.key.ref,
            status: row.status,
            blockers: row.status == .blocked ? blockers : [],
            lastError: row.lastError,
            attempts: UInt32(clamping: row.attempts),
            qboEntity: Self.qboEntity(row),
            qboID: row.qboID,
            qboSyncToken: row.qboSyncToken,
            docNumber: row.docNumber,
            qboURL: self.url(row),
            skipReason: row.status == .skipped ? row.skipReason : "",
            voided: row.voidedInQBO || row.state.voidRequested,
            updatedAt: Clock.rfc3339(milliseconds: row.updatedAt),
            nextAttemptAt: row.status == .pending && row.nextAttemptAt > row.updatedAt ? Clock.rfc3339(milliseconds: row.nextAttemptAt) : "",
            lastEventSequence: row.lastEventSequence,
            contentHash: row.contentHash,
            txnDate: row.txnDate,
            warnings: row.status == .synced ? row.state.warnings.map(\.wire) : []
        )
    }
}
