import Foundation
import QBSyncWire

/// "SYNC_STATUS_PENDING" -> "PENDING": the proto name without its enum prefix.
func shortName(_ protoName: String, prefix: String) -> String {
    protoName.hasPrefix(prefix) ? String(protoName.dropFirst(prefix.count)) : protoName
}

extension SyncStatus {
    /// The statuses in the order tables show them.
    static let shown: [SyncStatus] = [.pending, .syncing, .synced, .blocked, .errored, .skipped]

    var label: String { shortName(self.protoName, prefix: "SYNC_STATUS_") }

    /// The label in the status's colour: green synced, yellow blocked, red errored.
    func styled(_ style: Style) -> String {
        switch self {
        case .synced: style.green(self.label)
        case .blocked: style.yellow(self.label)
        case .errored: style.red(self.label)
        case .skipped: style.dim(self.label)
        default: style.cyan(self.label)
        }
    }
}

extension EntityType {
    static let shown = EntityType.recordTypes

    /// "invoice", "bill payment".
    var label: String { shortName(self.protoName, prefix: "ENTITY_TYPE_").lowercased().replacingOccurrences(of: "_", with: " ") }

    /// "invoices", "bill-payments": the CLI's command group for the entity.
    var plural: String { self.label.replacingOccurrences(of: " ", with: "-") + "s" }
}

extension ConnectionState {
    var label: String { shortName(self.protoName, prefix: "CONNECTION_STATE_") }

    func styled(_ style: Style) -> String {
        switch self {
        case .active: style.green("● " + self.label)
        case .error: style.red("● " + self.label)
        default: style.yellow("● " + self.label)
        }
    }
}

extension ErrorClass {
    var label: String { shortName(self.protoName, prefix: "ERROR_CLASS_") }
}

extension WarningKind {
    var label: String { shortName(self.protoName, prefix: "WARNING_KIND_") }
}

extension LinkOutcome {
    var label: String { shortName(self.protoName, prefix: "LINK_OUTCOME_") }
}

extension BulkOutcome {
    var label: String { shortName(self.protoName, prefix: "BULK_OUTCOME_").lowercased().replacingOccurrences(of: "_", with: " ") }
}

extension InvoicePolicy {
    /// The CLI's words for the policy: "all", "with-payment".
    var label: String {
        switch self {
        case .syncAll: "all"
        case .onlyWithPayment: "with-payment"
        default: shortName(self.protoName, prefix: "INVOICE_POLICY_").lowercased()
        }
    }
}

extension MappingKind {
    /// The CLI's command group: "items", "accounts", "tax-codes", "payment-methods".
    var command: String {
        switch self {
        case .item: "items"
        case .account: "accounts"
        case .taxCode: "tax-codes"
        case .paymentMethod: "payment-methods"
        case .location: "locations"
        case .class: "classes"
        default: shortName(self.protoName, prefix: "MAPPING_KIND_").lowercased()
        }
    }

    /// "item", "account", "tax code", "payment method".
    var noun: String {
        switch self {
        case .item: "item"
        case .account: "account"
        case .taxCode: "tax code"
        case .paymentMethod: "payment method"
        case .location: "location"
        case .class: "class"
        default: "mapping"
        }
    }

    /// What the QBO side of the mapping is.
    var qboNoun: String {
        switch self {
        case .item: "QBO item"
        case .account: "QBO account"
        case .taxCode: "QBO tax code"
        case .paymentMethod: "QBO deposit account"
        case .location: "QBO location"
        case .class: "QBO class"
        default: "QBO object"
        }
    }
}

extension RecordRef {
    /// "invoice INV-1".
    var label: String { "\(self.entity.label) \(self.externalID)" }
}

extension Blocker {
    /// The mapping kind a *_NOT_MAPPED blocker waits for.
    var mappingKind: MappingKind? {
        switch self.kind {
        case .itemNotMapped: .item
        case .accountNotMapped: .account
        case .taxCodeNotMapped: .taxCode
        case .paymentMethodNotMapped: .paymentMethod
        case .locationNotMapped: .location
        case .classNotMapped: .class
        default: nil
        }
    }

    /// The qbsync command line that clears the blocker.
    var fixCommand: String {
        switch self.kind {
        case .customerNotLinked: "qbsync customers link \(self.ref) --auto   (or --create, or --to <qbo-customer-id>)"
        case .customerNeedsConfirmation: "qbsync customers link \(self.ref) --to <qbo-customer-id>   (see `qbsync customers show \(self.ref)` for the candidates)"
        case .vendorNotLinked: "qbsync vendors link \(self.ref) --auto   (or --create, or --to <qbo-vendor-id>)"
        case .vendorNeedsConfirmation: "qbsync vendors link \(self.ref) --to <qbo-vendor-id>   (see `qbsync vendors show \(self.ref)` for the candidates)"
        case .itemNotMapped, .accountNotMapped, .taxCodeNotMapped, .paymentMethodNotMapped, .locationNotMapped, .classNotMapped:
            "qbsync mappings \(self.mappingKind!.command) set \(self.ref) <\(self.mappingKind!.qboNoun.lowercased().replacingOccurrences(of: " ", with: "-"))-id>   (or auto-map \(self.ref)='<QBO name>')"
        case .invoiceNotSynced: "qbsync invoices show \(self.ref)   (it syncs first; this record follows by itself)"
        case .paymentNotSynced: "qbsync payments show \(self.ref)   (it syncs first; this record follows by itself)"
        case .billNotSynced: "qbsync bills show \(self.ref)   (it syncs first; this record follows by itself)"
        case .unknownReference: "send the missing record: qbsync invoices sync FILE  (or payments, bills sync)"
        default: ""
        }
    }

    /// "item TENT-20 not mapped".
    var summary: String {
        switch self.kind {
        case .customerNotLinked: "customer \(self.ref) not linked to QuickBooks"
        case .customerNeedsConfirmation: "customer \(self.ref) needs a confirmed QuickBooks match"
        case .itemNotMapped: "item \(self.ref) not mapped"
        case .accountNotMapped: "account \(self.ref) not mapped"
        case .taxCodeNotMapped: "tax code \(self.ref) not mapped"
        case .paymentMethodNotMapped: "payment method \(self.ref) not mapped"
        case .locationNotMapped: "location \(self.ref) not mapped"
        case .classNotMapped: "class \(self.ref) not mapped"
        case .vendorNotLinked: "vendor \(self.ref) not linked to QuickBooks"
        case .vendorNeedsConfirmation: "vendor \(self.ref) needs a confirmed QuickBooks match"
        case .billNotSynced: "bill \(self.ref) not synced yet"
        case .invoiceNotSynced: "invoice \(self.ref) not synced yet"
        case .paymentNotSynced: "payment \(self.ref) not synced yet"
        case .unknownReference: "\(self.ref) is not known to qbsync"
        default: "\(shortName(self.kind.protoName, prefix: "BLOCKER_KIND_").lowercased()) \(self.ref)"
        }
    }
}

extension ErrorDetail {
    /// "QBO 6140 DUPLICATE: message — detail".
    var headline: String {
        var text = self.qboCode.isEmpty ? self.errorClass.label : "QBO \(self.qboCode) \(self.errorClass.label)"
        text += ": \(self.message)"
        if !self.detail.isEmpty, self.detail != self.message {
            // QBO's Detail often repeats its Message first: show the longer one once.
            if self.detail.hasPrefix(self.message) {
                text = (self.qboCode.isEmpty ? self.errorClass.label : "QBO \(self.qboCode) \(self.errorClass.label)") + ": \(self.detail)"
            } else {
                text += " — \(self.detail)"
            }
        }
        return text
    }
}

extension SyncRecord {
    /// Why the record is not (yet) in QuickBooks, in one line; empty when nothing is wrong.
    var problem: String {
        switch self.status {
        case .blocked: self.blockers.map(\.summary).joined(separator: "; ")
        case .errored: self.lastError.map(\.headline) ?? "errored"
        case .skipped: self.skipReason
        default: ""
        }
    }
}

/// "3.2s", "4m05s", "1h02m".
func formatDuration(seconds: Double) -> String {
    if seconds.isNaN || seconds.isInfinite || seconds < 0 { return "--" }
    if seconds < 60 { return String(format: "%.1fs", seconds) }
    let total = Int(seconds.rounded())
    if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
}
