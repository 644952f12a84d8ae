import Foundation

// The lines of bills, purchase orders and purchases: by account
// (`AccountBasedExpenseLineDetail`) or by item (`ItemBasedExpenseLineDetail`).
extension Ledger {
    /// Expense lines as QBO returns them, and their sum (the document's `TotalAmt`).
    struct BuiltExpenseLines {
        var lines: [JSONValue] = []
        var total: Decimal = 0
    }

    /// QBO's `BillableStatus` values.
    static let billableStatuses: Set<String> = ["Billable", "NotBillable", "HasBeenBilled"]

    /// Checks and completes each line: an account line needs an `AccountRef`, an item line
    /// an `ItemRef` whose Amount is Qty x UnitPrice (6070) and, for an inventory item, a
    /// `txnDate` on or after its "As of" date (6270); references to customers, classes and
    /// tax codes are resolved (2500 unknown, 610 inactive); QBO fills in `BillableStatus`
    /// NotBillable and `TaxCodeRef` NON.
    func buildExpenseLines(_ rawLines: [JSONValue], txnDate: String) throws(QBOFault) -> BuiltExpenseLines {
        var built = BuiltExpenseLines()
        var lines: [JSONObject] = []
        for raw in rawLines {
            guard var line = raw.objectValue else { throw .invalidValue("Line must be an array of objects;") }
            guard let detailType = try text(line["DetailType"], element: "Line.DetailType") else {
                throw .requiredParameter("Line.DetailType")
            }
            let amount: Decimal
            switch detailType {
            case "AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail":
                guard let given = try decimal(line["Amount"], element: "Line.Amount") else {
                    throw .requiredParameter("Line.Amount")
                }
                amount = given.roundedToCents
                let detail = try expenseDetail(line, type: detailType, amount: given, txnDate: txnDate)
                line[detailType] = .object(detail)
            case "DescriptionOnly":
                amount = (try decimal(line["Amount"], element: "Line.Amount") ?? 0).roundedToCents
            default:
                throw .invalidValue("Line.DetailType=\(detailType)")
            }
            line["Amount"] = .number(amount)
            built.total += amount
            lines.append(line)
        }
        built.lines = Self.numbered(lines).map(JSONValue.object)
        return built
    }

    private func expenseDetail(
        _ line: JSONObject, type: String, amount: Decimal, txnDate: String
    ) throws(QBOFault) -> JSONObject {
        guard let detail = line[type]?.objectValue else {
            if line[type] == nil || line[type] == .null { throw .requiredParameter("Line.\(type)") }
            throw .invalidValue("\(type) must be an object;")
        }
        var result = detail
        if type == "AccountBasedExpenseLineDetail" {
            let account = try requireExisting(detail["AccountRef"], to: .account, element: "Line.\(type).AccountRef")
            result["AccountRef"] = Self.reference(to: account, of: .account)
        } else {
            let item = try requireExisting(detail["ItemRef"], to: .item, element: "Line.\(type).ItemRef")
            let quantity = try decimal(detail["Qty"], element: "Qty")
            let unitPrice = try decimal(detail["UnitPrice"], element: "UnitPrice")
            if let quantity, let unitPrice, (quantity * unitPrice).roundedToCents != amount.roundedToCents {
                throw .amountCalculation(supplied: amount)
            }
            try checkInventoryStart(of: item, on: txnDate)
            result["ItemRef"] = Self.reference(to: item, of: .item)
        }
        if let customer = try resolveExisting(detail["CustomerRef"], to: .customer, element: "Line.\(type).CustomerRef") {
            result["CustomerRef"] = Self.reference(to: customer, of: .customer)
        }
        try resolveLineClass(&result, element: "Line.\(type).ClassRef")
        let billable = try text(detail["BillableStatus"], element: "BillableStatus") ?? "NotBillable"
        guard Self.billableStatuses.contains(billable) else { throw .invalidValue("BillableStatus=\(billable)") }
        result["BillableStatus"] = .string(billable)
        let taxCode = try resolve(detail["TaxCodeRef"], to: .taxCode, element: "TaxCodeRef")
        result["TaxCodeRef"] = ["value": .string(taxCode?.id ?? "NON")]
        return result
    }

    /// The vendor a purchasing document names (2020 missing, 2500 unknown, 610 inactive).
    func requireVendor(_ draft: JSONObject) throws(QBOFault) -> StoredEntity {
        try requireExisting(draft["VendorRef"], to: .vendor, element: "VendorRef")
    }

    /// The document's Accounts Payable account: the one sent, which must be of type Accounts
    /// Payable, or the company's (QBO implies it when the company has one).
    func payablesAccount(_ draft: JSONObject) throws(QBOFault) -> StoredEntity? {
        try account(
            draft["APAccountRef"], element: "APAccountRef", types: ["Accounts Payable"], typeName: "Accounts Payable")
            ?? entity(.account, defaults.accountsPayableAccount)
    }

    /// The non-empty `Line` array of a document (2020 without one).
    func requireLines(_ draft: JSONObject) throws(QBOFault) -> [JSONValue] {
        guard let value = draft["Line"], value != .null else { throw .requiredParameter("Line") }
        guard let lines = value.arrayValue else { throw .invalidValue("Line must be an array;") }
        guard !lines.isEmpty else { throw .requiredParameter("Line") }
        return lines
    }
}
