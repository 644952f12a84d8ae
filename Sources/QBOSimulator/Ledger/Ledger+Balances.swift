import Foundation

// Derived amounts QBO keeps current: invoice Balance and its Payment links, credit memo
// RemainingCredit, customer Balance.
extension Ledger {
    /// Recomputes the balances a change touched. An invoice or credit memo whose Balance or
    /// payment links change is a new version in QBO: its SyncToken and LastUpdatedTime move
    /// (so a client holding the old SyncToken gets 5010), except `written`, the entity the
    /// change itself wrote, whose header the write already bumped. Customers' balances change
    /// without a new version.
    mutating func refreshBalances(
        of transactions: Set<TransactionKey>, customers: Set<String>, at now: Date, except written: TransactionKey?
    ) {
        var customers = customers
        for key in transactions where key.kind == .invoice || key.kind == .creditMemo {
            guard let stored = entity(key.kind, key.id) else { continue }
            var entity = stored
            let applied = appliedAmount(to: key)
            let balance = entity.totalAmount - applied
            entity.body["Balance"] = .number(balance)
            if key.kind == .creditMemo { entity.body["RemainingCredit"] = .number(balance) }
            entity.body["LinkedTxn"] = linkedPayments(of: key, keeping: entity.body["LinkedTxn"])
            if key.kind == .creditMemo, entity.body["LinkedTxn"] == .array([]) { entity.body["LinkedTxn"] = nil }
            let changed = ["Balance", "RemainingCredit", "LinkedTxn"].contains { stored.body[$0] != entity.body[$0] }
            if changed, key != written {
                entity.body = entity.body.merging(header(bumping: stored, at: now))
            }
            tables[key.kind]?[key.id] = entity
        }
        for key in transactions {
            customers.formUnion(recountContribution(of: key))
        }
        for customerID in customers {
            guard var customer = entity(.customer, customerID) else { continue }
            let balance = openBalance(ofCustomer: customerID)
            customer.body["Balance"] = .number(balance)
            customer.body["BalanceWithJobs"] = .number(balance)
            tables[.customer]?[customerID] = customer
        }
    }

    /// Moves a transaction's share of its customer's balance from what was last counted to
    /// what it is now (nothing, once deleted); returns the customers affected. Kept as a
    /// running sum so a write costs the same however many invoices a customer has.
    private mutating func recountContribution(of key: TransactionKey) -> Set<String> {
        var affected: Set<String> = []
        if let old = customerContributions[key] {
            customerBalances[old.customerID, default: 0] -= old.amount
            affected.insert(old.customerID)
        }
        customerContributions[key] = nil
        guard let entity = entity(key.kind, key.id),
            let customerID = entity.body["CustomerRef"]?["value"]?.stringValue
        else { return affected }
        let amount: Decimal
        switch key.kind {
        case .invoice: amount = entity.body["Balance"]?.decimalValue ?? 0
        case .creditMemo: amount = -(entity.body["Balance"]?.decimalValue ?? 0)
        case .payment: amount = -(entity.body["UnappliedAmt"]?.decimalValue ?? 0)
        default: return affected
        }
        customerContributions[key] = CustomerContribution(customerID: customerID, amount: amount)
        customerBalances[customerID, default: 0] += amount
        affected.insert(customerID)
        return affected
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
        customerBalances[customerID] ?? 0
    }
}

/// One transaction's share of its customer's open balance.
struct CustomerContribution: Sendable, Hashable {
    var customerID: String
    var amount: Decimal
}
