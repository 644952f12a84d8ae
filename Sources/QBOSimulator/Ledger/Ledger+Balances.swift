import Foundation

// Derived amounts QBO keeps current: invoice and bill Balance and their payment links,
// credit memo RemainingCredit, customer and vendor Balance.
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
        for key in transactions where key.kind == .invoice || key.kind == .creditMemo || key.kind == .bill {
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
        var vendors: Set<String> = []
        for key in transactions {
            if key.kind == .bill {
                vendors.formUnion(recountVendorContribution(ofBill: key.id))
            } else {
                customers.formUnion(recountContribution(of: key))
            }
        }
        for vendorID in vendors {
            guard var vendor = entity(.vendor, vendorID) else { continue }
            vendor.body["Balance"] = .number(openBalance(ofVendor: vendorID))
            tables[.vendor]?[vendorID] = vendor
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

    /// A bill's share of its vendor's balance, moved like a customer's (`recountContribution`).
    private mutating func recountVendorContribution(ofBill billID: String) -> Set<String> {
        var affected: Set<String> = []
        if let old = vendorContributions[billID] {
            vendorBalances[old.customerID, default: 0] -= old.amount
            affected.insert(old.customerID)
        }
        vendorContributions[billID] = nil
        guard let bill = entity(.bill, billID), let vendorID = bill.body["VendorRef"]?["value"]?.stringValue else {
            return affected
        }
        let amount = bill.body["Balance"]?.decimalValue ?? 0
        vendorContributions[billID] = CustomerContribution(customerID: vendorID, amount: amount)
        vendorBalances[vendorID, default: 0] += amount
        affected.insert(vendorID)
        return affected
    }

    /// The client's own links (to estimates or purchase orders, say) followed by one link
    /// per payment applied (`"Payment"` on an invoice, `"BillPayment"` on a bill), as QBO
    /// shows them on a paid document.
    private func linkedPayments(of key: TransactionKey, keeping existing: JSONValue?) -> JSONValue {
        let paymentType = key.kind == .bill ? "BillPayment" : "Payment"
        var links = (existing?.arrayValue ?? []).filter { $0["TxnType"]?.stringValue != paymentType }
        let payments = (appliedTo[key] ?? [:]).filter { $0.value > 0 }.keys.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        for payment in payments {
            links.append(["TxnId": .string(payment), "TxnType": .string(paymentType)])
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
