import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

/// Compares what QuickBooks holds now with what qbsync pushed, and names
/// the difference: edited (which fields), deleted, voided, a payment
/// recorded in QuickBooks, a customer or vendor made inactive.
///
/// The comparison is by content, not by SyncToken alone: QBO bumps an
/// invoice's SyncToken when qbsync's own payment is applied to it, and that
/// is not drift. Pure: everything it needs from the store comes in `Context`.
enum DriftDetector {
    /// What the detector needs to know beyond the record itself.
    struct Context {
        /// Money in the company's currency.
        var currency: Currency
        /// QBO ids of the payments and credits qbsync pushed (their own
        /// applications to invoices are not drift).
        var ownTransactionIDs: Set<String>
        /// The QBO id a linked customer or vendor has, by external id.
        var linkedID: (EntityType, String) -> String?
        /// Now, RFC 3339 (the warnings' `detected_at`).
        var now: String
    }

    /// The QBO entity names change data capture is asked for, and the record
    /// entity each stands for.
    static let watched: [(qboEntity: String, entity: EntityType)] = [
        ("Customer", .customer), ("Vendor", .vendor), ("Item", .item),
        ("Invoice", .invoice), ("Payment", .payment), ("CreditMemo", .refund), ("RefundReceipt", .refund),
        ("Bill", .bill), ("BillPayment", .billPayment), ("PurchaseOrder", .purchaseOrder), ("Purchase", .expense),
    ]

    /// The drift warnings for `row` given QBO's current version; empty when
    /// QBO matches what was pushed (or the record is not QBO's to compare).
    static func drift(of row: RecordRow, _ change: ChangedEntity, payload: RecordPayload, context: Context) throws -> [RecordWarning] {
        func warning(_ kind: WarningKind, _ message: String, _ hint: String, _ fields: [FieldDrift] = []) -> [RecordWarning] {
            [RecordWarning(kind: kind, message: message, fixHint: hint, fields: fields, qboSyncToken: change.syncToken ?? "", detectedAt: context.now)]
        }
        let noun = "\(change.entityName) \(change.id)"
        if change.deleted {
            // A document qbsync itself deleted (a cancelled bill) is not drift.
            if row.voidedInQBO { return [] }
            return warning(.driftDeleted, "\(noun) was deleted in QuickBooks", Self.hint(.driftDeleted, row))
        }
        if change.syncToken == row.qboSyncToken { return [] }  // the version qbsync pushed or read
        var fields: [FieldDrift] = []
        func compare(_ field: String, _ ours: String, _ theirs: String?) {
            let theirs = theirs ?? ""
            if ours != theirs { fields.append(FieldDrift(field: field, ours: ours, quickbooks: theirs)) }
        }
        func money(_ minor: Int64) -> Decimal { context.currency.decimal(minorUnits: minor) }
        func text(_ amount: Decimal?) -> String? { amount.map { "\($0)" } }
        switch payload {
        case .invoice(let invoice):
            let qbo = try change.entity(as: QBO.Invoice.self)
            if row.voidedInQBO || invoice.voided { return [] }
            if qbo.totalAmt == 0, invoice.totalMinor != 0, qbo.privateNote?.contains("Voided") == true {
                return warning(.driftVoided, "\(noun) was voided in QuickBooks", Self.hint(.driftVoided, row))
            }
            compare("TxnDate", invoice.txnDate, qbo.txnDate)
            if !invoice.docNumber.isEmpty { compare("DocNumber", invoice.docNumber, qbo.docNumber) }
            if let customer = context.linkedID(.customer, invoice.customerExternalID) { compare("CustomerRef", customer, qbo.customerRef?.value) }
            let ours = invoice.lines.filter { $0.kind != .discount }
            let theirs = (qbo.line ?? []).filter { if case .salesItem = $0.detail { true } else { false } }
            compare("Line count", "\(ours.count)", "\(theirs.count)")
            for (index, (line, qboLine)) in zip(ours, theirs).enumerated() {
                compare("Line \(index + 1) Amount", "\(money(line.amountMinor))", text(qboLine.amount))
                if case .salesItem(let detail) = qboLine.detail, let quantity = DecimalText.parse(line.quantity), let qty = detail.qty, qty != quantity {
                    fields.append(FieldDrift(field: "Line \(index + 1) Qty", ours: "\(quantity)", quickbooks: "\(qty)"))
                }
            }
            var result = fields.isEmpty ? [] : warning(.driftEdited, "\(noun) was edited in QuickBooks: \(Self.summary(fields))", Self.hint(.driftEdited, row), fields)
            let foreign = (qbo.linkedTxn ?? []).filter { ["Payment", "CreditMemo"].contains($0.txnType ?? "") && !context.ownTransactionIDs.contains($0.txnId ?? "") }
            if !foreign.isEmpty {
                let names = foreign.map { "\($0.txnType ?? "") \($0.txnId ?? "")" }.joined(separator: ", ")
                result += warning(.driftPaymentRecorded, "\(noun) has \(names) recorded in QuickBooks, not sent by the rental system; its balance there is \(text(qbo.balance) ?? "?")",
                                  Self.hint(.driftPaymentRecorded, row), [FieldDrift(field: "Balance", ours: "", quickbooks: text(qbo.balance) ?? "")])
            }
            return result
        case .payment(let payment):
            let qbo = try change.entity(as: QBO.Payment.self)
            if row.voidedInQBO || row.state.voidRequested { return [] }
            if qbo.totalAmt == 0, payment.amountMinor != 0 {
                return warning(.driftVoided, "\(noun) was voided in QuickBooks", Self.hint(.driftVoided, row))
            }
            compare("TotalAmt", "\(money(payment.amountMinor))", text(qbo.totalAmt))
            compare("TxnDate", payment.txnDate, qbo.txnDate)
            if let customer = context.linkedID(.customer, payment.customerExternalID) { compare("CustomerRef", customer, qbo.customerRef?.value) }
        case .refund(let refund):
            let total: Decimal?
            if change.entityName == "RefundReceipt" { total = try change.entity(as: QBO.RefundReceipt.self).totalAmt } else { total = try change.entity(as: QBO.CreditMemo.self).totalAmt }
            compare("TotalAmt", "\(money(refund.amountMinor))", text(total))
        case .customer(let customer):
            let qbo = try change.entity(as: QBO.Customer.self)
            if qbo.active == false {
                return warning(.driftInactive, "\(noun) was made inactive (or merged into another) in QuickBooks", Self.hint(.driftInactive, row))
            }
            compare("DisplayName", customer.resolvedDisplayName, qbo.displayName)
            if !customer.email.isEmpty { compare("PrimaryEmailAddr", customer.email, qbo.primaryEmailAddr?.address) }
        case .vendor(let vendor):
            let qbo = try change.entity(as: QBO.Vendor.self)
            if qbo.active == false {
                return warning(.driftInactive, "\(noun) was made inactive (or merged into another) in QuickBooks", Self.hint(.driftInactive, row))
            }
            compare("DisplayName", vendor.resolvedDisplayName, qbo.displayName)
            if !vendor.email.isEmpty { compare("PrimaryEmailAddr", vendor.email, qbo.primaryEmailAddr?.address) }
        case .item(let item):
            let qbo = try change.entity(as: QBO.Item.self)
            if qbo.active == false, !item.inactive {
                return warning(.driftInactive, "\(noun) was made inactive in QuickBooks", Self.hint(.driftInactive, row))
            }
            compare("Name", item.name, qbo.name)
            if let price = DecimalText.parse(item.unitPrice) { compare("UnitPrice", "\(price)", text(qbo.unitPrice)) }
        case .bill(let bill):
            let qbo = try change.entity(as: QBO.Bill.self)
            if row.voidedInQBO || bill.cancelled { return [] }
            compare("TotalAmt", "\(money(bill.lines.reduce(0) { $0 + $1.amountMinor }))", text(qbo.totalAmt))
            compare("TxnDate", bill.txnDate, qbo.txnDate)
            if !bill.docNumber.isEmpty { compare("DocNumber", bill.docNumber, qbo.docNumber) }
            if let vendor = context.linkedID(.vendor, bill.vendorExternalID) { compare("VendorRef", vendor, qbo.vendorRef?.value) }
        case .purchaseOrder(let order):
            let qbo = try change.entity(as: QBO.PurchaseOrder.self)
            if row.voidedInQBO || order.status == .cancelled { return [] }
            compare("TotalAmt", "\(money(order.lines.reduce(0) { $0 + $1.amountMinor }))", text(qbo.totalAmt))
            compare("POStatus", order.status == .received ? "Closed" : "Open", qbo.poStatus)
            compare("TxnDate", order.txnDate, qbo.txnDate)
        case .expense(let expense):
            let qbo = try change.entity(as: QBO.Purchase.self)
            if row.voidedInQBO || expense.voided { return [] }
            compare("TotalAmt", "\(money(expense.lines.reduce(0) { $0 + $1.amountMinor }))", text(qbo.totalAmt))
            compare("TxnDate", expense.txnDate, qbo.txnDate)
        case .billPayment(let payment):
            let qbo = try change.entity(as: QBO.BillPayment.self)
            if row.voidedInQBO || payment.voided { return [] }
            if qbo.totalAmt == 0, payment.amountMinor != 0 {
                return warning(.driftVoided, "\(noun) was voided in QuickBooks", Self.hint(.driftVoided, row))
            }
            compare("TotalAmt", "\(money(payment.amountMinor))", text(qbo.totalAmt))
            compare("TxnDate", payment.txnDate, qbo.txnDate)
        }
        return fields.isEmpty ? [] : warning(.driftEdited, "\(noun) was edited in QuickBooks: \(Self.summary(fields))", Self.hint(.driftEdited, row), fields)
    }

    /// "TotalAmt 375 → 400; TxnDate 2026-11-02 → 2026-11-03".
    static func summary(_ fields: [FieldDrift]) -> String {
        fields.map { "\($0.field) \($0.ours.isEmpty ? "(none)" : $0.ours) → \($0.quickbooks.isEmpty ? "(none)" : $0.quickbooks)" }.joined(separator: "; ")
    }

    static func hint(_ kind: WarningKind, _ row: RecordRow) -> String {
        let what = "\(row.key.entity.label) \(row.key.externalID)"
        switch kind {
        case .driftDeleted:
            return "Someone deleted \(what) in QuickBooks. Resync it with force to create it again, or accept the deletion (AcceptDrift) if the rental system should drop it too."
        case .driftVoided:
            return "Someone voided \(what) in QuickBooks. Void it in the rental system too and accept the drift (AcceptDrift), or resync it with force to restore the rental system's amounts."
        case .driftPaymentRecorded:
            return "A payment or credit for \(what) was recorded directly in QuickBooks. Record it in the rental system too (then accept the drift), or remove it in QuickBooks; otherwise payments from the rental system may not apply in full."
        case .driftInactive:
            return "Someone made \(what) inactive or merged it in QuickBooks. Link it again (LinkCustomer/LinkVendor with mode EXISTING) to the QBO entry that replaces it, or reactivate it in QuickBooks; new records for it block until then."
        default:
            return "Someone changed \(what) in QuickBooks after qbsync pushed it. Resync it with force to push the rental system's version over it, or accept QuickBooks' version (AcceptDrift) and update the rental system."
        }
    }
}
