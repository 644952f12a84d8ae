import Foundation

// Purchases: expenses paid at once in cash, by check or by credit card (QBO's Expense,
// Check and Credit Card Expense forms are all this one entity).
extension Ledger {
    /// The account each `PaymentType` pays from, by `AccountType`.
    static let purchaseAccountTypes: [String: (types: Set<String>, name: String)] = [
        "Cash": (["Bank"], "Bank"), "Check": (["Bank"], "Bank"), "CreditCard": (["Credit Card"], "Credit Card"),
    ]

    /// A purchase as QBO keeps it: a `PaymentType` (Cash, Check or CreditCard) and an
    /// `AccountRef` it is paid from (a Bank account for Cash and Check, a Credit Card account
    /// for CreditCard: another type is refused), expense lines, an optional payee
    /// (`EntityRef`, a vendor unless its `type` says Customer), and `Credit`, a credit card
    /// refund, which only a CreditCard purchase can be.
    func normalizePurchase(_ draft: JSONObject, id: String, at now: Date) throws(QBOFault) -> JSONObject {
        var purchase = draft
        guard let paymentType = try text(draft["PaymentType"], element: "PaymentType") else {
            throw .requiredParameter("PaymentType")
        }
        guard let accountRule = Self.purchaseAccountTypes[paymentType] else {
            throw .invalidValue("PaymentType=\(paymentType)")
        }
        guard
            let account = try account(
                draft["AccountRef"], element: "AccountRef", types: accountRule.types, typeName: accountRule.name)
        else { throw .requiredParameter("AccountRef") }
        let rawLines = try requireLines(draft)
        let txnDate = try text(draft["TxnDate"], element: "TxnDate") ?? QBOTime.date(now)
        let lines = try buildExpenseLines(rawLines, txnDate: txnDate)
        if let payee = draft["EntityRef"], payee != .null {
            let kind: EntityKind = payee["type"]?.stringValue == "Customer" ? .customer : .vendor
            guard let entity = try resolveExisting(payee, to: kind, element: "EntityRef") else {
                throw .requiredParameter("EntityRef")
            }
            var reference = Self.reference(to: entity, of: kind).objectValue ?? [:]
            reference["type"] = .string(kind.name)
            purchase["EntityRef"] = .object(reference)
        }
        let credit = draft["Credit"]?.boolValue ?? false
        if credit, paymentType != "CreditCard" {
            var fault = QBOFault.businessValidation("Credit (a refund) is valid only for a CreditCard purchase.")
            fault.element = "Credit"
            throw fault
        }
        try resolveTracking(draft, into: &purchase)
        purchase["PaymentType"] = .string(paymentType)
        purchase["AccountRef"] = Self.reference(to: account, of: .account)
        purchase["Credit"] = .bool(credit)
        purchase["TxnDate"] = .string(txnDate)
        purchase["CurrencyRef"] = Self.homeCurrency
        purchase["Line"] = .array(lines.lines)
        purchase["TotalAmt"] = .number(lines.total)
        return purchase
    }
}
