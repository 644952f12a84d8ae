import Foundation

// Voids, deletes and deposits: the ways a transaction stops counting.
extension Ledger {
    /// Voids a transaction: Id kept, SyncToken bumped, every amount zero, PrivateNote
    /// "Voided". Voiding a voided transaction returns it unchanged, whatever SyncToken is
    /// sent, so a retried void succeeds.
    mutating func void(_ kind: EntityKind, _ body: JSONObject, at now: Date) throws(QBOFault) -> JSONObject {
        guard kind.isVoidable else { throw .unsupportedOperation("void of \(kind.name)") }
        if let id = body["Id"]?.idString, let existing = entity(kind, id), existing.isVoided {
            return existing.body
        }
        let existing = try existingForChange(kind, idValue: body["Id"], syncToken: body["SyncToken"])
        try releaseLinks(of: TransactionKey(kind: kind, id: existing.id), at: now)
        var voided = existing
        voided.body = header(bumping: existing, at: now)
            .merging(Self.zeroingAmounts(Self.withoutSystemProperties(existing.body)))
        if kind == .billPayment {
            // Intuit's BillPayment reference: a void clears the lines and prepends "Voided"
            // to the PrivateNote.
            voided.body["Line"] = []
            let note = existing.body["PrivateNote"]?.stringValue ?? ""
            voided.body["PrivateNote"] = .string(note.isEmpty ? "Voided" : "Voided - \(note)")
        }
        voided.isVoided = true
        commit(kind, voided, previous: existing, applications: kind.appliesMoney ? [] : nil, at: now)
        return tables[kind]?[existing.id]?.body ?? voided.body
    }

    /// Deletes a transaction; it then reads as 610 and leaves every query. A name-list
    /// entity is made inactive instead (and renamed "Name (deleted)"), and returned.
    mutating func delete(_ kind: EntityKind, _ body: JSONObject, at now: Date) throws(QBOFault) -> JSONObject {
        guard kind.isTransaction else {
            guard kind.uniqueNameProperty != nil else { throw .unsupportedOperation("delete of \(kind.name)") }
            let deactivation: JSONObject = [
                "Id": body["Id"] ?? .null, "SyncToken": body["SyncToken"] ?? .null, "sparse": true, "Active": false,
            ]
            return try save(kind, deactivation, at: now)
        }
        let existing = try existingForChange(kind, idValue: body["Id"], syncToken: body["SyncToken"])
        let key = TransactionKey(kind: kind, id: existing.id)
        try releaseLinks(of: key, at: now)
        var touched: Set<TransactionKey> = []
        if kind.appliesMoney { touched = replaceApplications(ofPayment: existing.id, with: []) }
        if kind == .bill { relinkOrders(ofBill: existing.id, old: existing.body, new: nil, at: now) }
        reindexDocNumber(kind, id: existing.id, old: existing.body, new: nil)
        tables[kind]?[existing.id] = nil
        deletions[kind, default: []].append(DeletedEntity(id: existing.id, deletedAt: now))
        // The deleted key is refreshed too: that takes its share off the customer's balance.
        touched.insert(key)
        refreshBalances(of: touched, customers: [], at: now, except: key)
        return ["domain": "QBO", "status": "Deleted", "Id": .string(existing.id)]
    }

    /// Marks a payment as picked up by a bank deposit; QBO then refuses to change it.
    mutating func markDeposited(paymentID: String) throws(QBOFault) {
        guard var payment = entity(.payment, paymentID) else { throw .objectNotFound() }
        payment.isDeposited = true
        tables[.payment]?[paymentID] = payment
    }

    /// Before an invoice is voided or deleted, the payments applied to it let go of it
    /// (their money becomes unapplied), as QBO unlinks them. A credit memo already used by a
    /// payment, a bill a bill payment pays and a purchase order a bill received are refused
    /// instead: what links them must go first.
    private mutating func releaseLinks(of key: TransactionKey, at now: Date) throws(QBOFault) {
        if key.kind == .purchaseOrder, let bills = entity(.purchaseOrder, key.id)?.body["LinkedTxn"]?.arrayValue,
            !bills.isEmpty
        {
            let ids = bills.compactMap { $0["TxnId"]?.idString }.joined(separator: ", ")
            throw .businessValidation(
                "PurchaseOrder \(key.id) is linked to Bill \(ids); unlink it from the bill or delete the bill first.")
        }
        let payers = (appliedTo[key] ?? [:]).filter { $0.value > 0 }.keys.sorted()
        guard !payers.isEmpty else { return }
        if key.kind == .bill {
            // Intuit's Bill reference: "You must unlink any linked transactions associated
            // with the bill object before deleting it."
            throw .businessValidation(
                "Bill \(key.id) is paid by BillPayment \(payers.joined(separator: ", ")); you must unlink the "
                    + "linked transactions (void or delete the bill payment, or take the bill off it) before deleting it.")
        }
        if key.kind == .creditMemo {
            throw .businessValidation(
                "CreditMemo \(key.id) has been applied by Payment \(payers.joined(separator: ", ")); "
                    + "void or delete that payment first.")
        }
        guard key.kind == .invoice else { return }
        // Check every payment before changing any, so a refusal leaves the books untouched.
        if payers.contains(where: { entity(.payment, $0)?.isDeposited == true }) { throw .depositedTransaction() }
        for paymentID in payers {
            guard let payment = entity(.payment, paymentID) else { continue }
            var lines = (payment.body["Line"]?.arrayValue ?? []).filter { !Self.line($0, links: key) }
            // A zero-amount payment only moved credit; without its invoice it moves nothing.
            let linksAnInvoice = lines.contains { line in
                (line["LinkedTxn"]?.arrayValue ?? []).contains { $0["TxnType"]?.stringValue == "Invoice" }
            }
            if !linksAnInvoice { lines = [] }
            var updated = payment
            updated.body = header(bumping: payment, at: now).merging(Self.withoutSystemProperties(payment.body))
            updated.body["Line"] = .array(lines)
            let remaining = (applications[paymentID] ?? []).filter { application in
                application.target != key && (linksAnInvoice || application.target.kind != .creditMemo)
            }
            let netApplied = remaining.reduce(Decimal(0)) { $0 + ($1.target.kind == .invoice ? $1.amount : -$1.amount) }
            updated.body["UnappliedAmt"] = .number(payment.totalAmount - netApplied)
            commit(.payment, updated, previous: payment, applications: remaining, at: now)
        }
    }

    private static func line(_ line: JSONValue, links key: TransactionKey) -> Bool {
        (line["LinkedTxn"]?.arrayValue ?? []).contains { link in
            link["TxnId"]?.idString == key.id && link["TxnType"]?.stringValue == key.kind.name
        }
    }

    /// A voided document's body: line amounts, quantities, prices, tax and totals all zero.
    static func zeroingAmounts(_ body: JSONObject) -> JSONObject {
        var zeroed = body
        if let lines = body["Line"]?.arrayValue {
            zeroed["Line"] = .array(lines.map(zeroingLine))
        }
        if var tax = body["TxnTaxDetail"]?.objectValue {
            tax["TotalTax"] = 0
            if let taxLines = tax["TaxLine"]?.arrayValue {
                tax["TaxLine"] = .array(taxLines.map { line in
                    guard var object = line.objectValue else { return line }
                    object["Amount"] = 0
                    return .object(object)
                })
            }
            zeroed["TxnTaxDetail"] = .object(tax)
        }
        for key in ["TotalAmt", "Balance", "RemainingCredit", "UnappliedAmt"] where body[key] != nil {
            zeroed[key] = 0
        }
        zeroed["PrivateNote"] = "Voided"
        return zeroed
    }

    private static func zeroingLine(_ line: JSONValue) -> JSONValue {
        guard var object = line.objectValue else { return line }
        object["Amount"] = 0
        if var detail = object["SalesItemLineDetail"]?.objectValue {
            if detail["Qty"] != nil { detail["Qty"] = 0 }
            if detail["UnitPrice"] != nil { detail["UnitPrice"] = 0 }
            object["SalesItemLineDetail"] = .object(detail)
        }
        return .object(object)
    }
}
