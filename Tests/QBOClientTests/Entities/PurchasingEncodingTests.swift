import Foundation
import Testing
@testable import QBOClient

/// What the client sends for purchasing entities: the recorded request bodies, round
/// trips of recorded responses, omitted optionals, and money exact to the cent.
@Suite("Purchasing entities encode as QBO expects")
struct PurchasingEncodingTests {
    private func sent(fixture response: String, _ call: (QBOClient) async throws -> Void) async throws -> HTTPRequest {
        let transport = RecordingTransport(fixture: response)
        try await call(makeClient(transport))
        return try #require(transport.requests.last)
    }

    private func json(_ text: String) throws -> JSONValue { try jsonTree(Data(text.utf8)) }

    @Test func billCreateMatchesTheRecordedRequest() async throws {
        let request = try await sent(fixture: "integration-templates__bill__create_response") { client in
            let bill = QBO.Bill(
                vendorRef: .init(value: "56"),
                line: [QBO.Line(amount: 150, detail: .accountBasedExpense(.init(accountRef: .init(value: "69"))))],
                txnDate: "2026-05-05"
            )
            let created = try await client.create(bill, requestID: rid())
            #expect(created.id == "191")
            #expect(created.balance == 150)
        }
        #expect(try jsonTree(request.body) == Fixtures.tree("integration-templates__bill__create_request"))
        #expect(request.pathForLogging == "/v3/company/9341457021722202/bill")
    }

    @Test func purchaseOrderCreateMatchesTheRecordedRequest() async throws {
        let request = try await sent(fixture: "integration-templates__purchaseorder__create_response") { client in
            let order = QBO.PurchaseOrder(
                vendorRef: .init(value: "56", name: "Bob's Burger Joint"),
                line: [QBO.Line(
                    amount: 150,
                    detail: .accountBasedExpense(.init(accountRef: .init(value: "69", name: "Accounting"))),
                    description: "Office supplies"
                )],
                apAccountRef: .init(value: "33", name: "Accounts Payable (A/P)"),
                memo: "Test purchase order"
            )
            let created = try await client.create(order, requestID: rid())
            #expect(created.poStatus == "Open")
        }
        #expect(try jsonTree(request.body) == Fixtures.tree("integration-templates__purchaseorder__create_request"))
        #expect(request.pathForLogging.hasSuffix("/purchaseorder"))
    }

    @Test func pathSegments() {
        #expect(QBO.Vendor.pathSegment == "vendor")
        #expect(QBO.Bill.pathSegment == "bill")
        #expect(QBO.BillPayment.pathSegment == "billpayment")
        #expect(QBO.PurchaseOrder.pathSegment == "purchaseorder")
        #expect(QBO.Purchase.pathSegment == "purchase")
        #expect(QBO.Department.pathSegment == "department")
        #expect(QBO.Class.pathSegment == "class")
        #expect(QBO.Term.pathSegment == "term")
        #expect(QBO.Preferences.pathSegment == "preferences")
        #expect(QBO.CompanyInfo.pathSegment == "companyinfo")
    }

    /// Decoding a recorded body and encoding it again keeps every modelled field.
    @Test func recordedBodiesRoundTrip() throws {
        func roundTrip<E: QBOEntity & Equatable>(_ value: E) throws {
            let data = try QBOCoding.encoder.encode(value)
            #expect(try JSONDecoder().decode(E.self, from: data) == value)
            #expect(!String(decoding: data, as: UTF8.self).contains("null"))
        }
        try roundTrip(fixtureEntity(QBO.Bill.self, "integration-templates__bill__get_response"))
        try roundTrip(fixtureEntity(QBO.PurchaseOrder.self, "integration-templates__purchaseorder__create_response"))
        try roundTrip(fixtureEntity(QBO.Preferences.self, "ExQuickBooks__preferences__read_response"))
        let vendors = try JSONDecoder().decode(QueryEnvelope<QBO.Vendor>.self, from: Fixtures.data("qbo_api__query__vendor_page_response"))
        for vendor in vendors.page.entities { try roundTrip(vendor) }
        let payments = try JSONDecoder().decode(
            QueryEnvelope<QBO.BillPayment>.self, from: Fixtures.data("integration-templates__billpayment__query_response_extract")
        )
        for payment in payments.page.entities { try roundTrip(payment) }
        let purchases = try JSONDecoder().decode(
            QueryEnvelope<QBO.Purchase>.self, from: Fixtures.data("integration-templates__purchase__query_response_extract")
        )
        for purchase in purchases.page.entities { try roundTrip(purchase) }
    }

    @Test func absentOptionalsAreOmitted() throws {
        #expect(try jsonTree(of: QBO.Vendor(displayName: "Hicks Hardware")) == json(#"{"DisplayName":"Hicks Hardware"}"#))
        #expect(try jsonTree(of: QBO.Bill(vendorRef: .init(value: "41"))) == json(#"{"VendorRef":{"value":"41"}}"#))
        #expect(try jsonTree(of: QBO.Department(name: "Yard B")) == json(#"{"Name":"Yard B"}"#))
        #expect(try jsonTree(of: QBO.Class(name: "France", parentRef: .init(value: "5")))
            == json(#"{"Name":"France","SubClass":true,"ParentRef":{"value":"5"}}"#))
        #expect(try jsonTree(of: QBO.Term(name: "Net 30", dueDays: 30)) == json(#"{"Name":"Net 30","DueDays":30}"#))
        let line = QBO.Line(amount: 125, detail: .itemBasedExpense(.init(itemRef: .init(value: "5"))))
        #expect(try jsonTree(of: line)
            == json(#"{"Amount":125,"DetailType":"ItemBasedExpenseLineDetail","ItemBasedExpenseLineDetail":{"ItemRef":{"value":"5"}}}"#))
        let text = String(decoding: try QBOCoding.encoder.encode(QBO.Purchase(paymentType: "Cash")), as: UTF8.self)
        #expect(text == #"{"PaymentType":"Cash"}"#)
    }

    @Test func vendorForCreate() throws {
        let vendor = QBO.Vendor(
            displayName: "Ellis Equipment Rental", givenName: "Julie", familyName: "Ellis", companyName: "Ellis Equipment Rental",
            primaryEmailAddr: .init(address: "Rental@intuit.com"), primaryPhone: .init(freeFormNumber: "(650) 555-3333"),
            billAddr: .init(line1: "45896 Main St.", city: "Middlefield", countrySubDivisionCode: "CA", postalCode: "94303"),
            acctNum: "39765", vendor1099: true, notes: "Delivers on Tuesdays"
        )
        #expect(try jsonTree(of: vendor) == json("""
        {"DisplayName":"Ellis Equipment Rental","GivenName":"Julie","FamilyName":"Ellis","CompanyName":"Ellis Equipment Rental",
         "PrimaryEmailAddr":{"Address":"Rental@intuit.com"},"PrimaryPhone":{"FreeFormNumber":"(650) 555-3333"},
         "BillAddr":{"Line1":"45896 Main St.","City":"Middlefield","CountrySubDivisionCode":"CA","PostalCode":"94303"},
         "AcctNum":"39765","Vendor1099":true,"Notes":"Delivers on Tuesdays"}
        """))
    }

    @Test func billPaymentShapes() throws {
        let check = QBO.BillPayment(
            vendorRef: .init(value: "40"), totalAmt: dec("900.10"), payType: "Check",
            checkPayment: .init(bankAccountRef: .init(value: "35"), printStatus: "NeedToPrint"),
            line: [.applying(dec("900.10"), toBill: "24")], txnDate: "2026-04-01", docNumber: "11"
        )
        #expect(try jsonTree(of: check) == json("""
        {"VendorRef":{"value":"40"},"TotalAmt":900.1,"PayType":"Check",
         "CheckPayment":{"BankAccountRef":{"value":"35"},"PrintStatus":"NeedToPrint"},
         "Line":[{"Amount":900.1,"LinkedTxn":[{"TxnId":"24","TxnType":"Bill"}]}],"TxnDate":"2026-04-01","DocNumber":"11"}
        """))
        let card = QBO.BillPayment(
            vendorRef: .init(value: "46"), totalAmt: dec("103.55"), payType: "CreditCard",
            creditCardPayment: .init(ccAccountRef: .init(value: "41")), line: [.applying(dec("103.55"), toBill: "25")]
        )
        #expect(try jsonTree(of: card) == json("""
        {"VendorRef":{"value":"46"},"TotalAmt":103.55,"PayType":"CreditCard","CreditCardPayment":{"CCAccountRef":{"value":"41"}},
         "Line":[{"Amount":103.55,"LinkedTxn":[{"TxnId":"25","TxnType":"Bill"}]}]}
        """))
    }

    @Test func purchaseWithTypedEntityRefAndBillableLines() throws {
        var purchase = QBO.Purchase(
            paymentType: "CreditCard", accountRef: .init(value: "41"),
            entityRef: .init(value: "57", name: "Squeaky Kleen Car Wash", type: "Vendor"),
            line: [
                QBO.Line(amount: dec("19.99"), detail: .accountBasedExpense(.init(
                    accountRef: .init(value: "55"), classRef: .init(value: "9"), customerRef: .init(value: "26"),
                    billableStatus: "Billable", taxCodeRef: .init(value: "NON")
                ))),
                QBO.Line(amount: dec("11.25"), detail: .itemBasedExpense(.init(
                    itemRef: .init(value: "16"), qty: 15, unitPrice: dec("0.75"), customerRef: .init(value: "26"),
                    classRef: .init(value: "9"), billableStatus: "Billable", taxCodeRef: .init(value: "NON")
                ))),
            ],
            txnDate: "2026-04-20"
        )
        purchase.credit = false
        purchase.departmentRef = .init(value: "3")
        #expect(try jsonTree(of: purchase) == json("""
        {"PaymentType":"CreditCard","AccountRef":{"value":"41"},
         "EntityRef":{"value":"57","name":"Squeaky Kleen Car Wash","type":"Vendor"},
         "Line":[
           {"Amount":19.99,"DetailType":"AccountBasedExpenseLineDetail","AccountBasedExpenseLineDetail":{
             "AccountRef":{"value":"55"},"ClassRef":{"value":"9"},"CustomerRef":{"value":"26"},"BillableStatus":"Billable","TaxCodeRef":{"value":"NON"}}},
           {"Amount":11.25,"DetailType":"ItemBasedExpenseLineDetail","ItemBasedExpenseLineDetail":{
             "ItemRef":{"value":"16"},"Qty":15,"UnitPrice":0.75,"CustomerRef":{"value":"26"},"ClassRef":{"value":"9"},
             "BillableStatus":"Billable","TaxCodeRef":{"value":"NON"}}}],
         "TxnDate":"2026-04-20","Credit":false,"DepartmentRef":{"value":"3"}}
        """))
    }

    @Test func salesLineClassRef() throws {
        let line = QBO.Line(amount: 50, detail: .salesItem(.init(itemRef: .init(value: "1"), classRef: .init(value: "9"))))
        #expect(try jsonTree(of: line)
            == json(#"{"Amount":50,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"},"ClassRef":{"value":"9"}}}"#))
    }

    @Test func expenseLinesWithoutTheirDetailObjectDecode() throws {
        let account = try JSONDecoder().decode(QBO.Line.self, from: Data(#"{"Amount": 5, "DetailType": "AccountBasedExpenseLineDetail"}"#.utf8))
        #expect(account.detail == .accountBasedExpense(.init()))
        let item = try JSONDecoder().decode(QBO.Line.self, from: Data(#"{"Amount": 5, "DetailType": "ItemBasedExpenseLineDetail"}"#.utf8))
        #expect(item.detail == .itemBasedExpense(.init()))
    }

    @Test func moneyIsExactToTheCent() throws {
        let tenCents = dec("0.1"), twentyCents = dec("0.2")
        let bill = QBO.Bill(
            vendorRef: .init(value: "31"),
            line: [
                QBO.Line(amount: tenCents, detail: .accountBasedExpense(.init(accountRef: .init(value: "14")))),
                QBO.Line(amount: twentyCents, detail: .accountBasedExpense(.init(accountRef: .init(value: "14")))),
                QBO.Line(amount: dec("1234567.89"), detail: .itemBasedExpense(.init(
                    itemRef: .init(value: "5"), qty: 1, unitPrice: dec("1234567.89")
                ))),
            ]
        )
        let text = String(decoding: try QBOCoding.encoder.encode(bill), as: UTF8.self)
        #expect(text.contains(#""Amount":0.1,"#))
        #expect(text.contains(#""Amount":0.2,"#))
        #expect(text.contains(#""Amount":1234567.89,"#))
        #expect(text.contains(#""UnitPrice":1234567.89"#))
        #expect(!text.contains("0.30000000000000004"))
        #expect(!text.contains("1234567.8899"))

        let decoded = try JSONDecoder().decode(QBO.Bill.self, from: Data(text.utf8))
        let amounts = decoded.line?.compactMap(\.amount) ?? []
        #expect(amounts[0] + amounts[1] == dec("0.3"))
        #expect(amounts.reduce(0, +) == dec("1234568.19"))
        #expect(try QBO.Money.minorUnits(amounts.reduce(0, +)) == 123_456_819)

        // Totals QBO sends back are read exactly, however the number is spelled.
        let answer = try JSONDecoder().decode(QBO.Bill.self, from: Data(#"{"TotalAmt": 1234567.89, "Balance": 0.30}"#.utf8))
        #expect(answer.totalAmt == dec("1234567.89"))
        #expect(answer.balance == tenCents + twentyCents)
        #expect(try QBO.Money.minorUnits(answer.totalAmt ?? 0) == 123_456_789)
    }
}
