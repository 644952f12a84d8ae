import Foundation

// Bills (what the company owes a vendor) and purchase orders (what it has ordered, which
// posts nothing until billed).
extension Ledger {
    /// A bill as QBO keeps it: an active vendor, expense lines, the Accounts Payable account
    /// (the company's when none is sent), `DueDate` from its terms (else the `TxnDate`),
    /// `TotalAmt` the sum of the lines and `Balance` what bill payments have not paid.
    /// `DocNumber` is stored as sent: QBO does not refuse a bill number that is already in
    /// use (its duplicate-bill-number check is a warning of the QBO screens,
    /// `WarnDuplicateBillNumber`) and gives a bill none of its own. A `LinkedTxn` to a
    /// purchase order of the same vendor receives it (the order closes).
    func normalizeBill(_ draft: JSONObject, id: String, at now: Date) throws(QBOFault) -> JSONObject {
        var bill = draft
        let vendor = try requireVendor(draft)
        let rawLines = try requireLines(draft)
        let txnDate = try text(draft["TxnDate"], element: "TxnDate") ?? QBOTime.date(now)
        let lines = try buildExpenseLines(rawLines, txnDate: txnDate)
        let payables = try payablesAccount(draft)
        try resolveTracking(draft, into: &bill)
        var dueDays = 0
        if let term = try resolveExisting(draft["SalesTermRef"], to: .term, element: "SalesTermRef") {
            bill["SalesTermRef"] = Self.reference(to: term, of: .term)
            dueDays = Int(truncating: (term.body["DueDays"]?.decimalValue ?? 0) as NSDecimalNumber)
        }
        let paid = appliedAmount(to: TransactionKey(kind: .bill, id: id))
        if lines.total < paid {
            throw .businessValidation(
                "The Bill total (\(lines.total.moneyText)) cannot be less than the \(paid.moneyText) already paid "
                    + "by bill payments.")
        }
        bill["VendorRef"] = Self.reference(to: vendor, of: .vendor)
        if let payables { bill["APAccountRef"] = Self.reference(to: payables, of: .account) }
        bill["TxnDate"] = .string(txnDate)
        let dueDate = try text(draft["DueDate"], element: "DueDate")
        bill["DueDate"] = .string(dueDate ?? QBOTime.date(txnDate, plusDays: dueDays) ?? txnDate)
        bill["CurrencyRef"] = Self.homeCurrency
        bill["Line"] = .array(lines.lines)
        bill["TotalAmt"] = .number(lines.total)
        bill["Balance"] = .number(lines.total - paid)
        bill["LinkedTxn"] = .array(try orderLinks(draft["LinkedTxn"], vendorID: vendor.id))
        return bill
    }

    /// The client's links to purchase orders (each must exist and be the vendor's); bill
    /// payment links are the ledger's and are added back by `refreshBalances`.
    private func orderLinks(_ value: JSONValue?, vendorID: String) throws(QBOFault) -> [JSONValue] {
        var links: [JSONValue] = []
        for link in value?.arrayValue ?? [] {
            guard link["TxnType"]?.stringValue == "PurchaseOrder" else { continue }
            guard let orderID = link["TxnId"]?.idString else { throw .requiredParameter("LinkedTxn.TxnId") }
            guard let order = entity(.purchaseOrder, orderID) else { throw .objectNotFound() }
            guard order.body["VendorRef"]?["value"]?.stringValue == vendorID else {
                throw .businessValidation("PurchaseOrder \(orderID) belongs to a different vendor than this bill.")
            }
            links.append(["TxnId": .string(orderID), "TxnType": "PurchaseOrder"])
        }
        return links
    }

    /// A purchase order: like a bill's, but non-posting (it moves no balance), with a
    /// `POStatus` of "Open" or "Closed". The client may close it (or reopen it) by an
    /// update; a bill linking it closes it, as receiving it in full does in QBO. Its
    /// `LinkedTxn` (the bills that received it) is the ledger's: what a client sends there
    /// is ignored.
    func normalizePurchaseOrder(
        _ draft: JSONObject, id: String, previous: StoredEntity?, at now: Date
    ) throws(QBOFault) -> JSONObject {
        var order = draft
        let vendor = try requireVendor(draft)
        let rawLines = try requireLines(draft)
        let txnDate = try text(draft["TxnDate"], element: "TxnDate") ?? QBOTime.date(now)
        let lines = try buildExpenseLines(rawLines, txnDate: txnDate)
        let payables = try payablesAccount(draft)
        try resolveTracking(draft, into: &order)
        let status = try text(draft["POStatus"], element: "POStatus")
            ?? previous?.body["POStatus"]?.stringValue ?? "Open"
        guard status == "Open" || status == "Closed" else { throw .invalidValue("POStatus=\(status)") }
        order["VendorRef"] = Self.reference(to: vendor, of: .vendor)
        if let payables { order["APAccountRef"] = Self.reference(to: payables, of: .account) }
        order["TxnDate"] = .string(txnDate)
        order["CurrencyRef"] = Self.homeCurrency
        order["Line"] = .array(lines.lines)
        order["TotalAmt"] = .number(lines.total)
        order["POStatus"] = .string(status)
        order["LinkedTxn"] = previous?.body["LinkedTxn"] ?? []
        return order
    }

    /// After a bill is stored or deleted: the purchase orders it links close (and list it),
    /// those it no longer links let go of it and reopen when no bill receives them.
    mutating func relinkOrders(ofBill billID: String, old: JSONObject?, new: JSONObject?, at now: Date) {
        func orders(_ body: JSONObject?) -> Set<String> {
            Set((body?["LinkedTxn"]?.arrayValue ?? []).filter { $0["TxnType"]?.stringValue == "PurchaseOrder" }
                .compactMap { $0["TxnId"]?.idString })
        }
        let before = orders(old)
        let after = orders(new)
        for orderID in before.union(after).sorted() {
            guard let stored = entity(.purchaseOrder, orderID) else { continue }
            var links = (stored.body["LinkedTxn"]?.arrayValue ?? []).filter { $0["TxnId"]?.idString != billID }
            if after.contains(orderID) { links.append(["TxnId": .string(billID), "TxnType": "Bill"]) }
            var order = stored
            order.body["LinkedTxn"] = .array(links)
            if after.contains(orderID) {
                order.body["POStatus"] = "Closed"
            } else if links.isEmpty {
                order.body["POStatus"] = "Open"
            }
            guard order.body != stored.body else { continue }
            order.body = order.body.merging(header(bumping: stored, at: now))
            tables[.purchaseOrder]?[orderID] = order
        }
    }
}
