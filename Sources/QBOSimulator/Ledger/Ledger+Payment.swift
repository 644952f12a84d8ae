import Foundation

// Payments: applying money to invoices, and using credit memos QBO's way (a Payment whose
// lines link both the Invoice and the CreditMemo).
extension Ledger {
    func normalizePayment(_ draft: JSONObject, id: String, at now: Date) throws(QBOFault) -> Normalized {
        var payment = draft
        let customer = try require(draft["CustomerRef"], to: .customer, element: "CustomerRef")
        guard let total = try decimal(draft["TotalAmt"], element: "TotalAmt") else { throw .requiredParameter("TotalAmt") }
        guard total >= 0 else { throw .businessValidation("A payment amount cannot be negative.") }
        if let method = try resolve(draft["PaymentMethodRef"], to: .paymentMethod, element: "PaymentMethodRef") {
            payment["PaymentMethodRef"] = Self.reference(to: method, of: .paymentMethod)
        }
        let deposit =
            try resolve(draft["DepositToAccountRef"], to: .account, element: "DepositToAccountRef")
            ?? entity(.account, defaults.undepositedFundsAccount)

        var lines: [JSONValue] = []
        var applications: [Application] = []
        var rawLines: [JSONValue] = []
        if let value = draft["Line"], value != .null {
            guard let array = value.arrayValue else { throw .invalidValue("Line must be an array;") }
            rawLines = array
        }
        for raw in rawLines {
            guard var line = raw.objectValue else { throw .invalidValue("Line must be an array of objects;") }
            guard let amount = try decimal(line["Amount"], element: "Line.Amount")?.roundedToCents else {
                throw .requiredParameter("Line.Amount")
            }
            guard amount >= 0 else { throw .businessValidation("A payment line amount cannot be negative.") }
            guard let links = line["LinkedTxn"]?.arrayValue, !links.isEmpty else { throw .requiredParameter("Line.LinkedTxn") }
            for link in links {
                let target = try linkedTransaction(link, customerID: customer.id)
                applications.append(Application(target: target, amount: amount))
            }
            line["Amount"] = .number(amount)
            lines.append(.object(line))
        }
        let applied = try checkApplications(applications, byPayment: id)
        let unapplied = total.roundedToCents - applied
        guard unapplied >= 0 else {
            throw .businessValidation(
                "The payment amount (\(total.moneyText)) is less than the \(applied.moneyText) applied to invoices; "
                    + "increase TotalAmt or reduce the line amounts.")
        }

        payment["CustomerRef"] = Self.reference(to: customer, of: .customer)
        if let deposit { payment["DepositToAccountRef"] = ["value": .string(deposit.id)] }
        payment["TotalAmt"] = .number(total.roundedToCents)
        payment["UnappliedAmt"] = .number(unapplied)
        payment["ProcessPayment"] = draft["ProcessPayment"] ?? false
        payment["TxnDate"] = .string(try text(draft["TxnDate"], element: "TxnDate") ?? QBOTime.date(now))
        payment["CurrencyRef"] = Self.homeCurrency
        payment["Line"] = .array(lines)
        return Normalized(body: payment, applications: applications)
    }

    /// The invoice or credit memo a `LinkedTxn` names: it must exist (610) and belong to
    /// the paying customer.
    private func linkedTransaction(_ link: JSONValue, customerID: String) throws(QBOFault) -> TransactionKey {
        guard let id = link["TxnId"]?.idString else { throw .requiredParameter("LinkedTxn.TxnId") }
        guard let type = link["TxnType"]?.stringValue else { throw .requiredParameter("LinkedTxn.TxnType") }
        let kind: EntityKind
        switch type {
        case "Invoice": kind = .invoice
        case "CreditMemo": kind = .creditMemo
        default: throw .businessValidation("A payment can only be linked to an Invoice or a CreditMemo, not \(type).")
        }
        guard let target = entity(kind, id) else { throw .objectNotFound() }
        guard target.body["CustomerRef"]?["value"]?.stringValue == customerID else {
            throw .businessValidation("\(kind.name) \(id) belongs to a different customer than this payment.")
        }
        return TransactionKey(kind: kind, id: id)
    }

    /// Refuses an application beyond an invoice's or a bill's open balance or a credit memo's
    /// remaining credit (6000), counting every other payment; returns the net amount applied
    /// (invoices or bills minus credit used).
    func checkApplications(_ applications: [Application], byPayment paymentID: String) throws(QBOFault) -> Decimal {
        var perTarget: [TransactionKey: Decimal] = [:]
        for application in applications { perTarget[application.target, default: 0] += application.amount }
        var net: Decimal = 0
        for (target, amount) in perTarget.sorted(by: { $0.key.id < $1.key.id }) {
            let entity = entity(target.kind, target.id)
            let total = entity?.totalAmount ?? 0
            let others = (appliedTo[target] ?? [:]).filter { $0.key != paymentID }.values.reduce(0, +)
            let open = total - others
            if amount > open {
                let what = target.kind == .creditMemo ? "remaining credit" : "open balance"
                throw .businessValidation(
                    "The amount applied to \(target.kind.name) \(target.id) (\(amount.moneyText)) exceeds its "
                        + "\(what) (\(open.moneyText)).")
            }
            net += target.kind == .creditMemo ? -amount : amount
        }
        return net
    }

    /// Sets what a payment applies; returns every transaction whose balance changes.
    mutating func replaceApplications(ofPayment paymentID: String, with new: [Application]) -> Set<TransactionKey> {
        var touched: Set<TransactionKey> = []
        for old in applications[paymentID] ?? [] {
            appliedTo[old.target]?[paymentID] = nil
            if appliedTo[old.target]?.isEmpty == true { appliedTo[old.target] = nil }
            touched.insert(old.target)
        }
        applications[paymentID] = new.isEmpty ? nil : new
        for application in new where application.amount > 0 {
            appliedTo[application.target, default: [:]][paymentID, default: 0] += application.amount
            touched.insert(application.target)
        }
        for application in new { touched.insert(application.target) }
        return touched
    }

    /// What payments have applied to an invoice, or used of a credit memo.
    func appliedAmount(to key: TransactionKey) -> Decimal {
        (appliedTo[key] ?? [:]).values.reduce(0, +)
    }
}
