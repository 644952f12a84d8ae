import Foundation
import Testing
@testable import QBOClient

/// Vendors, bills, bill payments, purchase orders and purchases decode from recorded
/// QBO responses, with exact amounts and the expense line details.
@Suite("Purchasing entities from recorded QBO responses")
struct PurchasingDecodingTests {
    private func page<E: QBOEntity>(_ type: E.Type, _ fixture: String) throws -> QueryPage<E> {
        try JSONDecoder().decode(QueryEnvelope<E>.self, from: Fixtures.data(fixture)).page
    }

    @Test func vendorQueryPage() throws {
        let vendors = try page(QBO.Vendor.self, "qbo_api__query__vendor_page_response")
        #expect(vendors.entities.count == 5)
        #expect(vendors.startPosition == 1)
        #expect(vendors.maxResults == 5)
        #expect(vendors.totalCount == nil)

        let bob = vendors.entities[0]
        #expect(bob.id == "56")
        #expect(bob.displayName == "Bob's Burger Joint")
        #expect(bob.balance == 0)
        #expect(bob.vendor1099 == false)
        #expect(bob.active == true)
        #expect(bob.currencyRef == QBO.Ref(value: "USD", name: "United States Dollar"))
        #expect(bob.billAddr == nil)

        let bessie = vendors.entities[1]
        #expect(bessie.givenName == "Bessie")
        #expect(bessie.familyName == "Williams")
        #expect(bessie.companyName == "Books by Bessie")
        #expect(bessie.acctNum == "1345")
        #expect(bessie.primaryEmailAddr?.address == "Books@Intuit.com")
        #expect(bessie.primaryPhone?.freeFormNumber == "(650) 555-7745")
        #expect(bessie.webAddr?.uri == "http://www.booksbybessie.co")
        #expect(bessie.billAddr?.line1 == "15 Main St.")
        #expect(bessie.billAddr?.lat == "37.445013")

        let brosnahan = vendors.entities[2]
        #expect(brosnahan.balance == dec("241.23"))
        #expect(brosnahan.vendor1099 == true)
        #expect(brosnahan.mobile?.freeFormNumber == "(650) 555-9874")
        #expect(brosnahan.fax?.freeFormNumber == "(555) 123-4567")
        #expect(vendors.entities[3].termRef == QBO.Ref(value: "1"))
        #expect(vendors.entities[4].displayName == "Chin's Gas and Oil")
    }

    @Test func vendorCountAnswer() throws {
        let count = try page(QBO.Vendor.self, "qbo_api__query__vendor_count_response")
        #expect(count.totalCount == 26)
        #expect(count.entities.isEmpty)
    }

    @Test func paidBill() throws {
        let bill = try fixtureEntity(QBO.Bill.self, "integration-templates__bill__get_response")
        #expect(bill.id == "1")
        #expect(bill.syncToken == "1")
        #expect(bill.vendorRef == QBO.Ref(value: "31", name: "Brosnahan Insurance Agency"))
        #expect(bill.apAccountRef == QBO.Ref(value: "33", name: "Accounts Payable (A/P)"))
        #expect(bill.txnDate == "2026-04-01")
        #expect(bill.dueDate == "2026-04-01")
        #expect(bill.totalAmt == 2000)
        #expect(bill.balance == 0)
        #expect(bill.privateNote == "Opening Balance")
        #expect(bill.linkedTxn == [QBO.LinkedTxn(txnId: "22", txnType: "BillPaymentCheck")])
        #expect(bill.vendorAddr?.postalCode == "94482")
        #expect(bill.metaData?.lastModifiedByRef?.value == "9341457021722234")

        let line = try #require(bill.line?.first)
        #expect(line.id == "1")
        #expect(line.lineNum == 1)
        #expect(line.amount == 2000)
        #expect(line.linkedTxn == [])
        #expect(line.detail == .accountBasedExpense(QBO.AccountBasedExpenseLineDetail(
            accountRef: .init(value: "14", name: "Miscellaneous"), billableStatus: "NotBillable", taxCodeRef: .init(value: "NON")
        )))
        #expect(line.detail.detailType == "AccountBasedExpenseLineDetail")
    }

    @Test func createdBill() throws {
        let bill = try fixtureEntity(QBO.Bill.self, "integration-templates__bill__create_response")
        #expect(bill.id == "191")
        #expect(bill.syncToken == "0")
        #expect(bill.totalAmt == 150)
        #expect(bill.balance == 150)
        #expect(bill.dueDate == "2026-05-05")
        guard case .accountBasedExpense(let detail) = bill.line?.first?.detail else {
            Issue.record("the bill line should be an account expense line")
            return
        }
        #expect(detail.accountRef == QBO.Ref(value: "69", name: "Legal & Professional Fees:Accounting"))
        #expect(detail.customerRef == nil)
        #expect(detail.classRef == nil)
    }

    @Test func billPaymentsByCardAndByCheck() throws {
        let payments = try page(QBO.BillPayment.self, "integration-templates__billpayment__query_response_extract").entities
        #expect(payments.map(\.id) == ["118", "117", "104"])

        let card = payments[0]
        #expect(card.payType == "CreditCard")
        #expect(card.creditCardPayment?.ccAccountRef == QBO.Ref(value: "41", name: "Mastercard"))
        #expect(card.checkPayment == nil)
        #expect(card.totalAmt == dec("103.55"))
        #expect(card.docNumber == "1")
        #expect(card.vendorRef?.name == "Norton Lumber and Building Materials")
        #expect(card.line == [.applying(dec("103.55"), toBill: "25")])
        #expect(payments[1].totalAmt == dec("56.5"))

        let check = payments[2]
        #expect(check.payType == "Check")
        #expect(check.checkPayment == QBO.BillPayment.CheckPayment(bankAccountRef: .init(value: "35", name: "Checking"), printStatus: "NotSet"))
        #expect(check.creditCardPayment == nil)
        #expect(check.totalAmt == 900)
        #expect(check.txnDate == "2026-04-01")
        #expect(check.line?.first?.linkedTxn == [QBO.LinkedTxn(txnId: "24", txnType: "Bill")])
    }

    @Test func createdPurchaseOrder() throws {
        let order = try fixtureEntity(QBO.PurchaseOrder.self, "integration-templates__purchaseorder__create_response")
        #expect(order.id == "162")
        #expect(order.poStatus == "Open")
        #expect(order.docNumber == "1009")
        #expect(order.memo == "Test purchase order")
        #expect(order.emailStatus == "NotSet")
        #expect(order.totalAmt == 150)
        #expect(order.linkedTxn == [])
        #expect(order.apAccountRef?.value == "33")
        let line = try #require(order.line?.first)
        #expect(line.description == "Office supplies")
        guard case .accountBasedExpense(let detail) = line.detail else {
            Issue.record("the order line should be an account expense line")
            return
        }
        #expect(detail.billableStatus == "NotBillable")
    }

    @Test func purchasesByCardCashAndCheck() throws {
        let purchases = try page(QBO.Purchase.self, "integration-templates__purchase__query_response_extract").entities
        #expect(purchases.map(\.id) == ["139", "137", "115"])

        let cardCredit = purchases[0]
        #expect(cardCredit.paymentType == "CreditCard")
        #expect(cardCredit.credit == true)
        #expect(cardCredit.entityRef == nil)
        #expect(cardCredit.accountRef == QBO.Ref(value: "41", name: "Mastercard"))
        #expect(cardCredit.privateNote == "Monthly Payment")

        let cash = purchases[1]
        #expect(cash.paymentType == "Cash")
        #expect(cash.credit == nil)
        #expect(cash.entityRef == QBO.Ref(value: "56", name: "Bob's Burger Joint", type: "Vendor"))
        #expect(cash.totalAmt == dec("3.86"))

        let check = purchases[2]
        #expect(check.paymentType == "Check")
        #expect(check.docNumber == "75")
        #expect(check.printStatus == "NotSet")
        #expect(check.remitToAddr?.line1 == "42 Main St.")
        #expect(check.entityRef?.type == "Vendor")
        #expect(check.totalAmt == dec("228.75"))
        let lines = try #require(check.line)
        #expect(lines.count == 4)
        guard case .itemBasedExpense(let heads) = lines[1].detail else {
            Issue.record("line 2 should be an item expense line")
            return
        }
        #expect(lines[1].amount == dec("11.25"))
        #expect(heads.itemRef == QBO.Ref(value: "16", name: "Sprinkler Heads"))
        #expect(heads.unitPrice == dec("0.75"))
        #expect(heads.qty == 15)
        #expect(heads.billableStatus == "NotBillable")
        #expect(heads.taxCodeRef?.value == "NON")
        // Amount is Qty x UnitPrice on every line, and the lines add up to the total, exactly.
        var total = Decimal(0)
        for line in lines {
            guard case .itemBasedExpense(let detail) = line.detail else { continue }
            #expect(line.amount == (detail.qty ?? 0) * (detail.unitPrice ?? 0))
            total += line.amount ?? 0
        }
        #expect(total == check.totalAmt)
    }
}
