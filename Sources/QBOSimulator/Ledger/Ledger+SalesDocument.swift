import Foundation

// Invoices, credit memos and refund receipts: item lines, QBO's subtotal line, discounts,
// tax and totals.
extension Ledger {
    func normalizeSalesDocument(
        _ kind: EntityKind, _ draft: JSONObject, id: String, previous: StoredEntity?, options: WriteOptions, at now: Date
    ) throws(QBOFault) -> JSONObject {
        var document = draft
        let customer = try require(draft["CustomerRef"], to: .customer, element: "CustomerRef")
        guard let rawLines = draft["Line"]?.arrayValue, !rawLines.isEmpty else { throw .requiredParameter("Line") }
        let txnDate = try text(draft["TxnDate"], element: "TxnDate") ?? QBOTime.date(now)
        let lines = try buildLines(rawLines, txnDate: txnDate)
        try resolveTracking(draft, into: &document)

        let tax = try salesTax(draft, taxableAmount: lines.taxableAmount)
        let total = lines.subtotal - lines.discount + tax.totalTax

        if kind == .refundReceipt {
            let account = try require(draft["DepositToAccountRef"], to: .account, element: "DepositToAccountRef")
            document["DepositToAccountRef"] = Self.reference(to: account, of: .account)
        }
        if let method = try resolve(draft["PaymentMethodRef"], to: .paymentMethod, element: "PaymentMethodRef") {
            document["PaymentMethodRef"] = Self.reference(to: method, of: .paymentMethod)
        }
        let docNumber = try documentNumber(
            for: TransactionKey(kind: kind, id: id), draft, isCreate: previous == nil,
            allowsDuplicate: options.allowsDuplicateDocNumber)
        let applied = appliedAmount(to: TransactionKey(kind: kind, id: id))
        if total < applied {
            throw .businessValidation(
                "The \(kind.name) total (\(total.moneyText)) cannot be less than the \(applied.moneyText) "
                    + "already applied to it by payments.")
        }

        if kind == .invoice { document.applyInvoiceDefaults(txnDate: txnDate) }
        document["CustomField"] = draft["CustomField"] ?? []
        if let docNumber { document["DocNumber"] = .string(docNumber) }
        document["TxnDate"] = .string(txnDate)
        document["CurrencyRef"] = Self.homeCurrency
        document["Line"] = .array(lines.lines)
        document["TxnTaxDetail"] = .object(tax.detail)
        document["CustomerRef"] = Self.reference(to: customer, of: .customer)
        // QBO copies the customer's addresses, but not its email: an invoice created through
        // the API has a BillEmail only when the request sends one.
        for key in ["BillAddr", "ShipAddr"] where kind != .refundReceipt && draft[key] == nil {
            if let address = customer.body[key] { document[key] = address }
        }
        document["TotalAmt"] = .number(total)
        document["ApplyTaxAfterDiscount"] = draft["ApplyTaxAfterDiscount"] ?? false
        document["PrintStatus"] = draft["PrintStatus"] ?? "NeedToPrint"
        document["EmailStatus"] = draft["EmailStatus"] ?? "NotSet"
        switch kind {
        case .creditMemo:
            document["RemainingCredit"] = .number(total - applied)
            document["Balance"] = .number(total - applied)
        case .refundReceipt:
            document["Balance"] = 0
        default:
            document["Balance"] = .number(total - applied)
        }
        return document
    }

    /// The lines of a sales document as QBO returns them, and the sums its totals need.
    struct BuiltLines {
        var lines: [JSONValue] = []
        var subtotal: Decimal = 0
        var discount: Decimal = 0
        var taxableAmount: Decimal = 0
    }

    /// - Parameters:
    ///   - txnDate: The document's date, which must not be before the "As of" date of an
    ///     inventory item on it (6270).
    func buildLines(_ rawLines: [JSONValue], txnDate: String) throws(QBOFault) -> BuiltLines {
        var built = BuiltLines()
        var itemLines: [JSONObject] = []
        var discountLines: [JSONObject] = []
        for raw in rawLines {
            guard let line = raw.objectValue else { throw .invalidValue("Line must be an array of objects;") }
            guard let detailType = try text(line["DetailType"], element: "Line.DetailType") else {
                throw .requiredParameter("Line.DetailType")
            }
            switch detailType {
            case "SubTotalLineDetail":
                continue  // QBO computes the subtotal itself.
            case "SalesItemLineDetail":
                let (item, taxable) = try salesItemLine(line, txnDate: txnDate)
                let amount = item["Amount"]?.decimalValue ?? 0
                built.subtotal += amount
                if taxable { built.taxableAmount += amount }
                itemLines.append(item)
            case "DescriptionOnly":
                var description = line
                description["Amount"] = .number((try decimal(line["Amount"], element: "Line.Amount") ?? 0).roundedToCents)
                itemLines.append(description)
            case "DiscountLineDetail":
                discountLines.append(line)
            default:
                throw .invalidValue("Line.DetailType=\(detailType)")
            }
        }
        built.lines = Self.numbered(itemLines).map(JSONValue.object)
        built.lines.append(["Amount": .number(built.subtotal), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": [:]])
        for line in discountLines {
            let discounted = try discountLine(line, subtotal: built.subtotal)
            built.discount += discounted["Amount"]?.decimalValue ?? 0
            built.lines.append(.object(discounted))
        }
        return built
    }

    /// Checks Amount = Qty x UnitPrice (6070), resolves the item (610), an inventory item's
    /// `Qty` (6520) and "As of" date (6270), the line's class (2500 / 610) and tax code, and fills in what QBO adds: the
    /// item's name and income account, TaxCodeRef NON.
    private func salesItemLine(_ line: JSONObject, txnDate: String) throws(QBOFault) -> (JSONObject, taxable: Bool) {
        var line = line
        var detail = JSONObject()
        if let value = line["SalesItemLineDetail"], value != .null {
            guard let object = value.objectValue else { throw .invalidValue("SalesItemLineDetail must be an object;") }
            detail = object
        }
        guard let amount = try decimal(line["Amount"], element: "Line.Amount") else {
            throw .requiredParameter("Line.Amount")
        }
        let quantity = try decimal(detail["Qty"], element: "Qty")
        let unitPrice = try decimal(detail["UnitPrice"], element: "UnitPrice")
        if let quantity, let unitPrice, (quantity * unitPrice).roundedToCents != amount.roundedToCents {
            throw .amountCalculation(supplied: amount)
        }
        guard
            let item = try resolve(detail["ItemRef"], to: .item, element: "ItemRef")
                ?? entity(.item, defaults.servicesItem)
        else { throw .requiredParameter("ItemRef") }
        if item.body["Type"]?.stringValue == "Inventory", quantity == nil { throw .missingInventoryQuantity() }
        try checkInventoryStart(of: item, on: txnDate)
        try resolveLineClass(&detail, element: "Line.SalesItemLineDetail.ClassRef")
        detail["ItemRef"] = Self.reference(to: item, of: .item)
        if let incomeID = item.body["IncomeAccountRef"]?["value"]?.stringValue, let income = entity(.account, incomeID) {
            detail["ItemAccountRef"] = Self.reference(to: income, of: .account)
        }
        let taxCode = try resolve(detail["TaxCodeRef"], to: .taxCode, element: "TaxCodeRef")
        detail["TaxCodeRef"] = ["value": .string(taxCode?.id ?? "NON")]
        line["Amount"] = .number(amount.roundedToCents)
        line["SalesItemLineDetail"] = .object(detail)
        return (line, taxCode?.body["Taxable"]?.boolValue ?? false)
    }

    /// A percent discount is computed from the subtotal; a fixed one keeps its Amount.
    private func discountLine(_ line: JSONObject, subtotal: Decimal) throws(QBOFault) -> JSONObject {
        var line = line
        var detail = line["DiscountLineDetail"]?.objectValue ?? JSONObject()
        let amount: Decimal
        if detail["PercentBased"]?.boolValue == true,
            let percent = try decimal(detail["DiscountPercent"], element: "DiscountPercent")
        {
            amount = (subtotal * percent / 100).roundedToCents
        } else if let given = try decimal(line["Amount"], element: "Line.Amount") {
            amount = given.roundedToCents
        } else {
            throw .requiredParameter("Line.Amount")
        }
        let account =
            try resolve(detail["DiscountAccountRef"], to: .account, element: "DiscountAccountRef")
            ?? entity(.account, defaults.discountsAccount)
        if let account { detail["DiscountAccountRef"] = Self.reference(to: account, of: .account) }
        line["Amount"] = .number(amount)
        line["DiscountLineDetail"] = .object(detail)
        return line
    }

    /// Keeps each line's Id when it is a unique number (so clients can refer to lines),
    /// numbers new lines after the highest, and sets LineNum in order.
    static func numbered(_ lines: [JSONObject]) -> [JSONObject] {
        var used: Set<Int> = []
        var kept: [Int?] = []
        for line in lines {
            if let id = line["Id"]?.idString.flatMap({ Int($0) }), id > 0, !used.contains(id) {
                used.insert(id)
                kept.append(id)
            } else {
                kept.append(nil)
            }
        }
        var next = (used.max() ?? 0) + 1
        var numbered: [JSONObject] = []
        for (position, line) in lines.enumerated() {
            let id: Int
            if let keptID = kept[position] {
                id = keptID
            } else {
                id = next
                next += 1
            }
            var line = line
            let rest = line
            line = ["Id": .string(String(id)), "LineNum": .number(Decimal(position + 1))]
            for member in rest.members where member.key != "Id" && member.key != "LineNum" {
                line[member.key] = member.value
            }
            numbered.append(line)
        }
        return numbered
    }
}

extension JSONObject {
    /// What QBO fills in on every invoice: online-payment flags off, a Net 30 due date.
    mutating func applyInvoiceDefaults(txnDate: String) {
        for flag in ["AllowIPNPayment", "AllowOnlinePayment", "AllowOnlineCreditCardPayment", "AllowOnlineACHPayment"] {
            self[flag] = self[flag]?.boolValue.map(JSONValue.bool) ?? false
        }
        if self["DueDate"] == nil || self["DueDate"] == .null, let due = QBOTime.date(txnDate, plusDays: 30) {
            self["DueDate"] = .string(due)
        }
        self["LinkedTxn"] = self["LinkedTxn"] ?? []
    }
}
