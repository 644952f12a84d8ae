import Foundation

// Derived amounts QBO keeps current without bumping SyncTokens: invoice Balance and its
// Payment links, credit memo RemainingCredit, customer Balance.
extension Ledger {
    mutating func refreshBalances(of transactions: Set<TransactionKey>, customers: Set<String>) {
        var customers = customers
        for key in transactions where key.kind == .invoice || key.kind == .creditMemo {
            guard var entity = entity(key.kind, key.id) else { continue }
            let applied = appliedAmount(to: key)
            let balance = entity.totalAmount - applied
            entity.body["Balance"] = .number(balance)
            if key.kind == .creditMemo { entity.body["RemainingCredit"] = .number(balance) }
            entity.body["LinkedTxn"] = linkedPayments(of: key, keeping: entity.body["LinkedTxn"])
            if key.kind == .creditMemo, entity.body["LinkedTxn"] == .array([]) { entity.body["LinkedTxn"] = nil }
            tables[key.kind]?[key.id] = entity
            if let customer = entity.body["CustomerRef"]?["value"]?.stringValue { customers.insert(customer) }
        }
        for key in transactions where key.kind == .payment {
            if let customer = entity(.payment, key.id)?.body["CustomerRef"]?["value"]?.stringValue {
                customers.insert(customer)
            }
        }
        for customerID in customers {
            guard var customer = entity(.customer, customerID) else { continue }
            let balance = openBalance(ofCustomer: customerID)
            customer.body["Balance"] = .number(balance)
            customer.body["BalanceWithJobs"] = .number(balance)
            tables[.customer]?[customerID] = customer
        }
    }

    /// The client's own links (to estimates, say) followed by one `{"TxnType":"Payment"}`
    /// link per payment applied, as QBO shows them on a paid invoice.
    private func linkedPayments(of key: TransactionKey, keeping existing: JSONValue?) -> JSONValue {
        var links = (existing?.arrayValue ?? []).filter { $0["TxnType"]?.stringValue != "Payment" }
        let payments = (appliedTo[key] ?? [:]).filter { $0.value > 0 }.keys.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        for payment in payments {
            links.append(["TxnId": .string(payment), "TxnType": "Payment"])
        }
        return .array(links)
    }

    /// What the customer owes: open invoices less unused credit memos and unapplied payments.
    func openBalance(ofCustomer customerID: String) -> Decimal {
        var balance: Decimal = 0
        for key in customerTransactions[customerID] ?? [] {
            guard let entity = entity(key.kind, key.id) else { continue }
            switch key.kind {
            case .invoice: balance += entity.body["Balance"]?.decimalValue ?? 0
            case .creditMemo: balance -= entity.body["Balance"]?.decimalValue ?? 0
            case .payment: balance -= entity.body["UnappliedAmt"]?.decimalValue ?? 0
            default: break
            }
        }
        return balance
    }
}
