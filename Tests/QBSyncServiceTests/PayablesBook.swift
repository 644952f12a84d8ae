import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// The payables side of the backfill under kills: bills paid in full, in part
/// and over two bills, bill payments voided, purchase orders received and
/// cancelled, expenses by cash, check and card, some voided.
struct PayablesBook {
    static let vendors = 10

    var bills: [Bill] = []
    var billPayments: [BillPayment] = []
    var voidedBillPayments: Set<String> = []
    var orders: [PurchaseOrder] = []
    var expenses: [Expense] = []
    /// DocNumber -> balance QBO must show.
    var billBalance: [String: Decimal] = [:]

    init(scale: Int) {
        let billCount = scale / 4
        var amounts: [Int: Int64] = [:]
        for index in 0..<billCount {
            let amount = Int64(index % 9 + 1) * 1_111
            amounts[index] = amount
            // Bills come in pairs per vendor, so one payment can pay two.
            self.bills.append(Bill(externalID: "bill-\(index)", vendorExternalID: "v\(index / 2 % Self.vendors)", docNumber: "BILL-\(index)", txnDate: "2026-11-03",
                                   currency: "USD", lines: [ExpenseLine(target: .accountCode("REPAIRS"), description: "subrental \(index)", amountMinor: amount)]))
        }
        for index in 0..<billCount {
            let amount = amounts[index]!
            let vendor = "v\(index / 2 % Self.vendors)"
            let doc = "BILL-\(index)"
            func payment(_ applications: [(Int, Int64)], method: BillPaymentMethod = .check) -> BillPayment {
                BillPayment(externalID: "bp-\(index)", vendorExternalID: vendor, txnDate: "2026-11-20", currency: "USD",
                            amountMinor: applications.reduce(0) { $0 + $1.1 }, method: method,
                            paymentAccountCode: method == .check ? "BANK" : "CARD-MC", docNumber: "BP-\(index)",
                            applications: applications.map { BillApplication(billExternalID: "bill-\($0.0)", amountMinor: $0.1) })
            }
            switch index % 4 {
            case 0:
                self.billPayments.append(payment([(index, amount)]))
                if index % 40 == 0 {
                    self.voidedBillPayments.insert("bp-\(index)")
                    self.billBalance[doc] = Decimal(amount) / 100
                } else {
                    self.billBalance[doc] = 0
                }
            case 1:
                self.billPayments.append(payment([(index, amount / 2)], method: .creditCard))
                self.billBalance[doc] = Decimal(amount - amount / 2) / 100
            case 2:
                self.billBalance[doc] = Decimal(amount) / 100
            default:
                // Pays this bill and the one before (same vendor).
                self.billPayments.append(payment([(index, amount), (index - 1, amounts[index - 1]!)]))
                self.billBalance["BILL-\(index - 1)"] = 0
                self.billBalance[doc] = 0
            }
        }
        for index in 0..<(scale / 10) {
            self.orders.append(PurchaseOrder(externalID: "po-\(index)", vendorExternalID: "v\(index % Self.vendors)", docNumber: "PO-\(index)",
                                             txnDate: "2026-11-04", currency: "USD",
                                             lines: [ExpenseLine(target: .accountCode("SUPPLIES"), amountMinor: Int64(index % 5 + 1) * 2_000)]))
            let type: ExpensePaymentType = [.cash, .check, .creditCard][index % 3]
            self.expenses.append(Expense(externalID: "exp-\(index)", vendorExternalID: index % 2 == 0 ? "v\(index % Self.vendors)" : "",
                                         txnDate: "2026-11-05", currency: "USD", paymentType: type,
                                         paymentAccountCode: type == .creditCard ? "CARD-MC" : "BANK", docNumber: "EXP-\(index)",
                                         lines: [ExpenseLine(target: .accountCode("SUPPLIES"), amountMinor: Int64(index % 7 + 1) * 333)]))
        }
    }

    /// What each purchase order ends as: received (closed) every third, cancelled every third.
    static func finalStatus(_ index: Int) -> PurchaseOrderStatus {
        [.open, .received, .cancelled][index % 3]
    }

    static func expenseVoided(_ index: Int) -> Bool { index % 6 == 5 }

    /// Vendors and the accounts payables use.
    static func setUp(_ environment: CrashTests.Environment) async throws {
        let client = try await environment.client()
        _ = try await client.autoMap(AutoMapRequest(companyID: "acme", kind: .account, entries: [
            AutoMapEntry(externalCode: "REPAIRS", name: "Equipment Repairs"),
            AutoMapEntry(externalCode: "SUPPLIES", name: "Supplies"),
            AutoMapEntry(externalCode: "BANK", name: "Checking"),
            AutoMapEntry(externalCode: "CARD-MC", name: "Mastercard"),
        ]))
        for index in 0..<Self.vendors {
            let response = try await client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: Vendor(externalID: "v\(index)", displayName: "Crash Vendor \(index)"), mode: .create))
            #expect(response.outcome == .created)
        }
        await client.close()
    }

    /// Sends the book in the order a rental system would: documents, then
    /// payments, then the changes (receipts, cancellations, voids).
    func submit(_ environment: CrashTests.Environment) async throws {
        try await BackfillCrashTests.submitAll(self.bills.map { bill in { _ = try await $0.syncBill(SyncBillRequest(companyID: "acme", bill: bill)) } }, environment)
        try await BackfillCrashTests.submitAll(self.orders.map { order in { _ = try await $0.syncPurchaseOrder(SyncPurchaseOrderRequest(companyID: "acme", purchaseOrder: order)) } }, environment)
        try await BackfillCrashTests.submitAll(self.expenses.map { expense in { _ = try await $0.syncExpense(SyncExpenseRequest(companyID: "acme", expense: expense)) } }, environment)
        try await BackfillCrashTests.submitAll(self.billPayments.map { payment in { _ = try await $0.syncBillPayment(SyncBillPaymentRequest(companyID: "acme", billPayment: payment)) } }, environment)
        let changedOrders = self.orders.enumerated().filter { Self.finalStatus($0.offset) != .open }.map { index, order in
            var changed = order
            changed.status = Self.finalStatus(index)
            return changed
        }
        try await BackfillCrashTests.submitAll(changedOrders.map { order in { _ = try await $0.syncPurchaseOrder(SyncPurchaseOrderRequest(companyID: "acme", purchaseOrder: order)) } }, environment)
        let voidedExpenses = self.expenses.enumerated().filter { Self.expenseVoided($0.offset) }.map { _, expense in
            var voided = expense
            voided.voided = true
            return voided
        }
        try await BackfillCrashTests.submitAll(voidedExpenses.map { expense in { _ = try await $0.syncExpense(SyncExpenseRequest(companyID: "acme", expense: expense)) } }, environment)
        let voidedPayments = self.billPayments.filter { self.voidedBillPayments.contains($0.externalID) }.map { payment in
            var voided = payment
            voided.voided = true
            return voided
        }
        try await BackfillCrashTests.submitAll(voidedPayments.map { payment in { client in
            try await Self.whenNotSyncing { _ = try await client.syncBillPayment(SyncBillPaymentRequest(companyID: "acme", billPayment: payment)) }
        } }, environment)
    }

    /// A change refused ABORTED (the record is being pushed this instant) is sent again.
    private static func whenNotSyncing(_ body: () async throws -> Void) async throws {
        while true {
            do { return try await body() } catch let error as RPCError where error.code == .aborted {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Every document exactly once, to the cent, with the balances and statuses QBO must show.
    func check(_ ledger: [String: [JSONValue]]) {
        func byNumber(_ entity: String) -> [String: [JSONValue]] {
            Dictionary(grouping: ledger[entity] ?? []) { $0["DocNumber"]?.stringValue ?? "" }
        }
        let bills = byNumber("Bill")
        #expect(bills.count == self.bills.count, "bills in QBO: \(bills.count) of \(self.bills.count)")
        for bill in self.bills {
            let stored = bills[bill.docNumber] ?? []
            #expect(stored.count == 1, "\(bill.docNumber) exists \(stored.count) times")
            #expect(stored.first?["TotalAmt"]?.decimalValue == Decimal(bill.lines[0].amountMinor) / 100, "\(bill.docNumber) total")
            #expect(stored.first?["Balance"]?.decimalValue == self.billBalance[bill.docNumber], "\(bill.docNumber) balance")
        }
        let payments = byNumber("BillPayment")
        for payment in self.billPayments {
            let stored = payments[payment.docNumber] ?? []
            if self.voidedBillPayments.contains(payment.externalID) {
                // Voided before it reached QBO (nothing pushed), or voided there.
                #expect(stored.count <= 1, "\(payment.docNumber) exists \(stored.count) times")
                #expect(stored.allSatisfy { $0["TotalAmt"]?.decimalValue == 0 }, "\(payment.docNumber) is not void")
            } else {
                #expect(stored.count == 1, "\(payment.docNumber) exists \(stored.count) times")
                #expect(stored.first?["TotalAmt"]?.decimalValue == Decimal(payment.amountMinor) / 100, "\(payment.docNumber) amount")
            }
        }
        #expect(payments.count >= self.billPayments.count - self.voidedBillPayments.count)
        let orders = byNumber("PurchaseOrder")
        for (index, order) in self.orders.enumerated() {
            let stored = orders[order.docNumber] ?? []
            switch Self.finalStatus(index) {
            case .cancelled:
                #expect(stored.isEmpty, "\(order.docNumber) was cancelled but is in QBO")
            default:
                #expect(stored.count == 1, "\(order.docNumber) exists \(stored.count) times")
                #expect(stored.first?["POStatus"]?.stringValue == (Self.finalStatus(index) == .received ? "Closed" : "Open"), "\(order.docNumber) status")
                #expect(stored.first?["TotalAmt"]?.decimalValue == Decimal(order.lines[0].amountMinor) / 100, "\(order.docNumber) total")
            }
        }
        let expenses = byNumber("Purchase")
        for (index, expense) in self.expenses.enumerated() {
            let stored = expenses[expense.docNumber] ?? []
            if Self.expenseVoided(index) {
                #expect(stored.isEmpty, "\(expense.docNumber) was voided but is in QBO")
            } else {
                #expect(stored.count == 1, "\(expense.docNumber) exists \(stored.count) times")
                #expect(stored.first?["TotalAmt"]?.decimalValue == Decimal(expense.lines[0].amountMinor) / 100, "\(expense.docNumber) total")
            }
        }
        #expect((ledger["Vendor"] ?? []).filter { $0["DisplayName"]?.stringValue?.hasPrefix("Crash Vendor") == true }.count == Self.vendors)
    }
}
