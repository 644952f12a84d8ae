import Foundation

// Bill payments: money paid to a vendor from a bank account (a check) or a credit card,
// applied to the vendor's bills.
extension Ledger {
    /// A bill payment as QBO keeps it: an active vendor, a `PayType` of Check (with
    /// `CheckPayment.BankAccountRef`, a Bank account) or CreditCard (with
    /// `CreditCardPayment.CCAccountRef`, a Credit Card account), a `TotalAmt` that is not
    /// negative, and lines linking the vendor's bills (`TxnType` "Bill"), each amount within
    /// what the bill still owes counting every other bill payment (6000 beyond). A
    /// `TotalAmt` above the lines is an unapplied credit with the vendor, as QBO documents;
    /// lines above the `TotalAmt` are refused.
    func normalizeBillPayment(_ draft: JSONObject, id: String, at now: Date) throws(QBOFault) -> Normalized {
        var payment = draft
        let vendor = try requireVendor(draft)
        guard let payType = try text(draft["PayType"], element: "PayType") else { throw .requiredParameter("PayType") }
        switch payType {
        case "Check":
            payment["CheckPayment"] = .object(try paymentSource(
                draft, container: "CheckPayment", reference: "BankAccountRef", types: ["Bank"], typeName: "Bank"))
            payment["CreditCardPayment"] = nil
        case "CreditCard":
            payment["CreditCardPayment"] = .object(try paymentSource(
                draft, container: "CreditCardPayment", reference: "CCAccountRef", types: ["Credit Card"],
                typeName: "Credit Card"))
            payment["CheckPayment"] = nil
        default:
            throw .invalidValue("PayType=\(payType)")
        }
        guard let total = try decimal(draft["TotalAmt"], element: "TotalAmt") else { throw .requiredParameter("TotalAmt") }
        guard total >= 0 else { throw .businessValidation("A bill payment amount cannot be negative.") }
        let payables = try payablesAccount(draft)
        try resolveTracking(draft, into: &payment)

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
            guard amount >= 0 else { throw .businessValidation("A bill payment line amount cannot be negative.") }
            guard let links = line["LinkedTxn"]?.arrayValue, !links.isEmpty else { throw .requiredParameter("Line.LinkedTxn") }
            for link in links {
                applications.append(Application(target: try linkedBill(link, vendorID: vendor.id), amount: amount))
            }
            line["Amount"] = .number(amount)
            lines.append(.object(line))
        }
        let applied = try checkApplications(applications, byPayment: id)
        guard total.roundedToCents >= applied else {
            throw .businessValidation(
                "The bill payment amount (\(total.moneyText)) is less than the \(applied.moneyText) applied to bills; "
                    + "increase TotalAmt or reduce the line amounts.")
        }
        payment["VendorRef"] = Self.reference(to: vendor, of: .vendor)
        if let payables { payment["APAccountRef"] = Self.reference(to: payables, of: .account) }
        payment["PayType"] = .string(payType)
        payment["TotalAmt"] = .number(total.roundedToCents)
        payment["TxnDate"] = .string(try text(draft["TxnDate"], element: "TxnDate") ?? QBOTime.date(now))
        payment["CurrencyRef"] = Self.homeCurrency
        payment["Line"] = .array(lines)
        return Normalized(body: payment, applications: applications)
    }

    /// `CheckPayment` / `CreditCardPayment` with its account resolved (2020 missing, 2500
    /// unknown, 610 inactive, 6000 an account of another type); a check is NeedToPrint
    /// unless it says otherwise.
    private func paymentSource(
        _ draft: JSONObject, container: String, reference: String, types: Set<String>, typeName: String
    ) throws(QBOFault) -> JSONObject {
        let element = "\(container).\(reference)"
        guard let source = draft[container]?.objectValue else { throw .requiredParameter(element) }
        guard let account = try account(source[reference], element: element, types: types, typeName: typeName) else {
            throw .requiredParameter(element)
        }
        var resolved = source
        resolved[reference] = Self.reference(to: account, of: .account)
        if container == "CheckPayment" { resolved["PrintStatus"] = source["PrintStatus"] ?? "NeedToPrint" }
        return resolved
    }

    /// The bill a `LinkedTxn` names: of type "Bill" (QBO also links vendor credits and
    /// journal entries, which the simulator does not keep), existing (610) and the paying
    /// vendor's (6000).
    private func linkedBill(_ link: JSONValue, vendorID: String) throws(QBOFault) -> TransactionKey {
        guard let id = link["TxnId"]?.idString else { throw .requiredParameter("LinkedTxn.TxnId") }
        guard let type = link["TxnType"]?.stringValue else { throw .requiredParameter("LinkedTxn.TxnType") }
        guard type == "Bill" else {
            throw .businessValidation("A bill payment can only be linked to a Bill here, not \(type).")
        }
        guard let bill = entity(.bill, id) else { throw .objectNotFound() }
        guard bill.body["VendorRef"]?["value"]?.stringValue == vendorID else {
            throw .businessValidation("Bill \(id) belongs to a different vendor than this bill payment.")
        }
        return TransactionKey(kind: .bill, id: id)
    }
}
