import Foundation
import QBOClient

/// One line describing what a push would send, for dry runs.
enum PlanSummary {
    static func describe(_ plan: PushPlan, currency: String) -> String {
        switch plan {
        case .customer(let plan):
            switch plan.mode {
            case .link(let id): return "Customer: link to QBO customer \(id)"
            case .create: return "Customer \"\(plan.body.displayName ?? "")\": create in QBO"
            case .match(let autoCreate):
                return "Customer \"\(plan.body.displayName ?? "")\": match by email, name or phone\(autoCreate ? ", else create" : "")"
            case .update(let id):
                return "Customer \"\(plan.body.displayName ?? "")\": update QBO customer \(id) (name, email, phone, address)"
            }
        case .invoice(let plan):
            switch plan.operation {
            case .void: return "Invoice: void in QBO"
            case .create, .update:
                let body = plan.body
                let lines = body.line?.count ?? 0
                let total = (body.line ?? []).reduce(Decimal(0)) { sum, line in
                    if case .discount = line.detail { return sum - (line.amount ?? 0) }
                    return sum + (line.amount ?? 0)
                } + (body.txnTaxDetail?.totalTax ?? 0)
                let verb = plan.operation == .create ? "create" : "update"
                return "Invoice \(body.docNumber ?? "(no number)") \(verb): customer \(body.customerRef?.value ?? "?"), \(lines) line\(lines == 1 ? "" : "s"), \(total) \(currency), dated \(body.txnDate ?? "")"
            }
        case .payment(let plan):
            if plan.operation == .void { return "Payment: void in QBO" }
            let applied = (plan.body.line ?? []).count
            if plan.operation == .update {
                return "Payment: apply again in QBO to \(applied) invoice\(applied == 1 ? "" : "s") (\(plan.applications.map(\.invoiceExternalID).joined(separator: ", ")))"
            }
            return "Payment \(plan.body.totalAmt ?? 0) \(currency) from customer \(plan.body.customerRef?.value ?? "?") applied to \(applied) invoice\(applied == 1 ? "" : "s"), deposit account \(plan.body.depositToAccountRef?.value ?? "?")"
        case .creditMemo(let plan):
            return "CreditMemo \(plan.amount) \(currency) for customer \(plan.customerID), applied to Invoice \(plan.invoiceID)"
        case .refundReceipt(let plan):
            let amount = plan.body.line?.first?.amount ?? 0
            return "RefundReceipt \(amount) \(currency) to customer \(plan.body.customerRef?.value ?? "?") from account \(plan.body.depositToAccountRef?.value ?? "?")"
        case .vendor(let plan):
            switch plan.mode {
            case .link(let id): return "Vendor: link to QBO vendor \(id)"
            case .create: return "Vendor \"\(plan.body.displayName ?? "")\": create in QBO"
            case .match: return "Vendor \"\(plan.body.displayName ?? "")\": match by email or name"
            case .update(let id): return "Vendor \"\(plan.body.displayName ?? "")\": update QBO vendor \(id)"
            }
        case .bill(let plan):
            return self.document("Bill", plan.operation, lines: plan.body.line, number: plan.body.docNumber, currency: currency)
        case .purchaseOrder(let plan):
            return self.document("PurchaseOrder", plan.operation, lines: plan.body.line, number: plan.body.docNumber, currency: currency)
        case .expense(let plan):
            return self.document("Purchase (expense)", plan.operation, lines: plan.body.line, number: plan.body.docNumber, currency: currency)
        case .billPayment(let plan):
            if plan.operation == .void { return "BillPayment: void in QBO" }
            let bills = plan.body.line?.count ?? 0
            return "BillPayment \(plan.body.totalAmt ?? 0) \(currency) (\(plan.body.payType ?? "")) applied to \(bills) bill\(bills == 1 ? "" : "s")"
        case .item(let plan):
            let verb = if case .update(let id) = plan.mode { "update QBO item \(id)" } else { "create in QBO" }
            return "Item \"\(plan.body.name ?? "")\" (\(plan.body.type ?? "")): \(verb)"
        case .verify(let entity, let id):
            return "\(entity) \(id): read back from QBO to confirm it is unchanged"
        }
    }

    private static func document<Document>(_ name: String, _ operation: DocumentPlan<Document>.Operation, lines: [QBO.Line]?, number: String?, currency: String) -> String {
        if operation == .delete { return "\(name): delete in QBO" }
        let total = (lines ?? []).reduce(Decimal(0)) { $0 + ($1.amount ?? 0) }
        let count = lines?.count ?? 0
        return "\(name) \(number ?? "(no number)") \(operation == .create ? "create" : "update"): \(count) line\(count == 1 ? "" : "s"), \(total) \(currency)"
    }
}
