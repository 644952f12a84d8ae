import Foundation
import Testing
@testable import QBOClient

/// Every recorded response decodes, with exact amounts and the fields the engine uses.
@Suite("Entity decoding from recorded QBO responses")
struct EntityDecodingTests {
    @Test func invoiceWithTaxLine() throws {
        let invoice = try fixtureEntity(QBO.Invoice.self, "integration-templates__invoice__get_with_taxline_response")
        #expect(invoice.id == "130")
        #expect(invoice.syncToken == "3")
        #expect(invoice.sparse == false)
        #expect(invoice.docNumber == "1037")
        #expect(invoice.txnDate == "2026-04-08")
        #expect(invoice.dueDate == "2026-05-08")
        #expect(invoice.privateNote == "Test update from Nango action retry")
        #expect(invoice.customerRef == QBO.Ref(value: "24", name: "Sonnenschein Family Store"))
        #expect(invoice.customerMemo?.value == "Thank you for your business and have a great day!")
        #expect(invoice.totalAmt == dec("362.07"))
        #expect(invoice.balance == dec("362.07"))
        #expect(invoice.billEmail?.address == "Familiystore@intuit.com")
        #expect(invoice.linkedTxn == [QBO.LinkedTxn(txnId: "100", txnType: "Estimate")])
        #expect(invoice.metaData?.lastUpdatedTime == "2026-05-05T03:13:29-07:00")
        #expect(invoice.shipAddr?.postalCode == "94303")
        #expect(invoice.billAddr?.line3 == "5647 Cypress Hill Ave.")

        let tax = try #require(invoice.txnTaxDetail)
        #expect(tax.totalTax == dec("26.82"))
        #expect(tax.txnTaxCodeRef?.value == "2")
        let taxLine = try #require(tax.taxLine?.first)
        #expect(taxLine.amount == dec("26.82"))
        #expect(taxLine.detailType == "TaxLineDetail")
        #expect(taxLine.taxLineDetail?.taxPercent == dec("8"))
        #expect(taxLine.taxLineDetail?.netAmountTaxable == dec("335.25"))
        #expect(taxLine.taxLineDetail?.taxRateRef?.value == "3")

        let lines = try #require(invoice.line)
        #expect(lines.count == 4)
        guard case .salesItem(let pump) = lines[1].detail else {
            Issue.record("line 2 should be a sales item line")
            return
        }
        #expect(lines[1].amount == dec("12.75"))
        #expect(lines[1].description == "Fountain Pump")
        #expect(pump.unitPrice == dec("12.75"))
        #expect(pump.qty == dec("1"))
        #expect(pump.itemRef == QBO.Ref(value: "11", name: "Pump"))
        #expect(pump.taxCodeRef?.value == "TAX")
        #expect(pump.itemAccountRef?.value == "79")
        guard case .salesItem(let concrete) = lines[2].detail else {
            Issue.record("line 3 should be a sales item line")
            return
        }
        #expect(concrete.unitPrice == dec("9.5"))
        #expect(lines[2].amount == dec("47.5"))
        #expect(lines[3].detail == .subTotal(QBO.SubTotalLineDetail()))
        #expect(lines[3].amount == dec("335.25"))
    }

    @Test func invoiceWithDiscountLine() throws {
        let invoice = try fixtureEntity(QBO.Invoice.self, "integration-templates__invoice__discountline_extract")
        #expect(invoice.totalAmt == dec("954.75"))
        #expect(invoice.balance == dec("954.75"))
        let lines = try #require(invoice.line)
        #expect(lines.count == 6)
        guard case .salesItem(let rocks) = lines[3].detail else {
            Issue.record("line 4 should be a sales item line")
            return
        }
        #expect(rocks.unitPrice == dec("22.5"))
        #expect(rocks.qty == dec("8"))
        #expect(lines[3].amount == dec("180"))
        #expect(lines[4].detail.detailType == "SubTotalLineDetail")
        #expect(lines[4].amount == dec("1005"))
        guard case .discount(let discount) = lines[5].detail else {
            Issue.record("last line should be a discount line")
            return
        }
        #expect(lines[5].amount == dec("50.25"))
        #expect(discount.percentBased == true)
        #expect(discount.discountPercent == dec("5"))
        #expect(discount.discountAccountRef == QBO.Ref(value: "86", name: "Discounts given"))
        #expect(invoice.salesTermRef?.name == "Net 30")
    }

    @Test func invoiceCreateVoidAndDelete() throws {
        let created = try fixtureEntity(QBO.Invoice.self, "qbo_api__invoice__create_response")
        #expect(created.id == "266")
        #expect(created.totalAmt == dec("100.0"))
        #expect(created.dueDate == "2020-10-29")
        #expect(created.customerRef?.name == "Amy's Bird Sanctuary")

        let voided = try fixtureEntity(QBO.Invoice.self, "qbo_api__invoice__void_response")
        #expect(voided.id == "264")
        #expect(voided.syncToken == "1")
        #expect(voided.privateNote == "Voided")
        #expect(voided.totalAmt == 0)
        #expect(voided.balance == 0)
        #expect(voided.line?.first?.amount == 0)

        let deleted = try JSONDecoder().decode(DeletionEnvelope<QBO.Invoice>.self, from: Fixtures.data("qbo_api__invoice__delete_response")).deleted
        #expect(deleted == DeletedRecord(id: "266", status: "Deleted"))
    }

    @Test func customers() throws {
        let created = try fixtureEntity(QBO.Customer.self, "qbo_api__customer__create_response")
        #expect(created.id == "70")
        #expect(created.displayName == "Doe5, Jane")
        #expect(created.balance == 0)
        #expect(created.defaultTaxCodeRef?.value == "2")
        #expect(created.active == true)

        let updated = try fixtureEntity(QBO.Customer.self, "qbo_api__customer__full_update_response")
        #expect(updated.syncToken == "1")
        #expect(updated.primaryPhone?.freeFormNumber == "(415) 444-1234")
    }

    @Test func queryResponsePage() throws {
        let page = try JSONDecoder().decode(
            QueryEnvelope<QBO.Customer>.self, from: Fixtures.data("qbo_api__query__customer_escaped_apostrophe_response")
        ).page
        #expect(page.entities.count == 1)
        #expect(page.startPosition == 1)
        #expect(page.maxResults == 1)
        let customer = try #require(page.entities.first)
        #expect(customer.displayName == "Amy's Bird Sanctuary")
        #expect(customer.primaryEmailAddr?.address == "Birds@Intuit.com")
        #expect(customer.balance == dec("739.0"))
        #expect(customer.givenName == "Amy")
        #expect(customer.companyName == "Amy's Bird Sanctuary")
    }

    @Test func emptyQueryPage() throws {
        let page = try JSONDecoder().decode(
            QueryEnvelope<QBO.Payment>.self, from: Fixtures.data("integration-templates__query__empty_page_response")
        ).page
        #expect(page.entities.isEmpty)
        #expect(page.startPosition == nil)
        #expect(page.totalCount == nil)
    }

    @Test func paymentCreditMemoItemAccount() throws {
        let payment = try fixtureEntity(QBO.Payment.self, "integration-templates__payment__create_response_unapplied")
        #expect(payment.id == "180")
        #expect(payment.totalAmt == dec("100"))
        #expect(payment.unappliedAmt == dec("100"))
        #expect(payment.line == [])
        #expect(payment.depositToAccountRef?.value == "4")
        #expect(payment.processPayment == false)

        let memo = try fixtureEntity(QBO.CreditMemo.self, "integration-templates__creditmemo__create_response")
        #expect(memo.id == "181")
        #expect(memo.remainingCredit == dec("100"))
        #expect(memo.totalAmt == dec("100"))
        #expect(memo.docNumber == "1050")
        #expect(memo.line?.count == 2)

        let item = try fixtureEntity(QBO.Item.self, "integration-templates__item__create_response")
        #expect(item.id == "23")
        #expect(item.type == "Service")
        #expect(item.incomeAccountRef == QBO.Ref(value: "79", name: "Sales of Product Income"))
        #expect(item.unitPrice == 0)

        let account = try fixtureEntity(QBO.Account.self, "integration-templates__account__create_response")
        #expect(account.id == "1150040002")
        #expect(account.accountType == "Bank")
        #expect(account.accountSubType == "CashOnHand")
        #expect(account.classification == "Asset")
        #expect(account.currentBalance == 0)
    }

    @Test func salesReceiptVoidThroughACustomEntity() throws {
        let receipt = try fixtureEntity(SalesReceipt.self, "ExQuickBooks__salesreceipt__void_response")
        #expect(receipt.id == "6")
        #expect(receipt.privateNote == "Voided")
        #expect(receipt.line?.first?.detail.detailType == "SalesItemLineDetail")
    }

    @Test func unknownDetailTypeIsTolerated() throws {
        let json = #"{"Amount": 5, "DetailType": "DescriptionOnly", "DescriptionLineDetail": {"ServiceDate": "2020-01-01"}, "Extra": [1, 2]}"#
        let line = try JSONDecoder().decode(QBO.Line.self, from: Data(json.utf8))
        #expect(line.detail == .other(detailType: "DescriptionOnly"))
        #expect(line.amount == 5)
    }

    @Test func decimalsSurviveEncoding() throws {
        let line = QBO.Line(amount: dec("26.82"), detail: .salesItem(.init(qty: dec("0.1"), unitPrice: dec("268.2"))))
        let tree = try jsonTree(of: line)
        #expect(tree["Amount"] == .number(dec("26.82")))
        let text = String(decoding: try QBOCoding.encoder.encode(line), as: UTF8.self)
        #expect(text.contains("26.82"))
        #expect(text.contains("\"Qty\":0.1"))
        #expect(!text.contains("26.81999"))
    }

    @Test func nilFieldsAreOmittedNotNull() throws {
        let text = String(decoding: try QBOCoding.encoder.encode(QBO.Invoice(customerRef: .init(value: "1"))), as: UTF8.self)
        #expect(text == #"{"CustomerRef":{"value":"1"}}"#)
        #expect(!text.contains("null"))
    }
}

/// A SalesReceipt, modelled in the tests only: proves ``QBOEntity`` is open to entities QBOClient does not ship.
struct SalesReceipt: QBOEntity {
    static let entityName = "SalesReceipt"
    var id: String?
    var syncToken: String?
    var sparse: Bool?
    var domain: String?
    var privateNote: String?
    var line: [QBO.Line]?

    enum CodingKeys: String, CodingKey {
        case id = "Id", syncToken = "SyncToken", sparse, domain, privateNote = "PrivateNote", line = "Line"
    }
}
