import Foundation
import Testing
@testable import QBOClient

/// The bodies the client actually sends match the recorded request bodies (as JSON trees).
@Suite("Request bodies match recorded QBO requests")
struct RequestEncodingTests {
    private func sent(fixture response: String, _ call: (QBOClient) async throws -> Void) async throws -> HTTPRequest {
        let transport = RecordingTransport(fixture: response)
        try await call(makeClient(transport))
        return try #require(transport.requests.last)
    }

    @Test func customerFullUpdate() async throws {
        let request = try await sent(fixture: "qbo_api__customer__full_update_response") { client in
            var customer = QBO.Customer(id: "68", syncToken: "0", displayName: "Jack Moe", primaryPhone: .init(freeFormNumber: "(415) 444-1234"))
            customer.sparse = true // a full update must never go out sparse
            let updated = try await client.update(customer, requestID: rid())
            #expect(updated.syncToken == "1")
        }
        #expect(try jsonTree(request.body) == Fixtures.tree("qbo_api__customer__full_update_request"))
        #expect(request.method == .post)
        #expect(request.pathForLogging == "/v3/company/9341457021722202/customer")
    }

    @Test func invoiceSparseUpdate() async throws {
        let request = try await sent(fixture: "integration-templates__invoice__get_with_taxline_response") { client in
            var change = QBO.Invoice(privateNote: "Test update from Nango action retry")
            change.id = "130"
            change.syncToken = "2"
            let updated = try await client.sparseUpdate(change, requestID: rid())
            #expect(updated.syncToken == "3")
        }
        #expect(try jsonTree(request.body) == Fixtures.tree("integration-templates__invoice__sparse_update_request"))
    }

    @Test func invoiceVoid() async throws {
        let request = try await sent(fixture: "qbo_api__invoice__void_response") { client in
            let voided = try await client.voidInvoice(id: "264", syncToken: "0", requestID: rid())
            #expect(voided.privateNote == "Voided")
        }
        #expect(try jsonTree(request.body) == Fixtures.tree("qbo_api__invoice__void_request"))
        #expect(request.queryItems["operation"] == "void")
        #expect(request.pathForLogging.hasSuffix("/invoice"))
    }

    @Test func paymentVoidIsSparseUpdateWithIncludeVoid() async throws {
        let request = try await sent(fixture: "integration-templates__payment__create_response_unapplied") { client in
            _ = try await client.voidPayment(id: "180", syncToken: "0", requestID: rid())
        }
        #expect(try jsonTree(request.body) == jsonTree(Data(#"{"Id":"180","SyncToken":"0","sparse":true}"#.utf8)))
        #expect(request.queryItems["operation"] == "update")
        #expect(request.queryItems["include"] == "void")
    }

    @Test func paymentCreate() async throws {
        let request = try await sent(fixture: "integration-templates__payment__create_response_unapplied") { client in
            let payment = try await client.create(QBO.Payment(customerRef: .init(value: "1"), totalAmt: 100), requestID: rid())
            #expect(payment.unappliedAmt == 100)
        }
        #expect(try jsonTree(request.body) == Fixtures.tree("integration-templates__payment__create_request"))
    }

    @Test func appliedPaymentShape() throws {
        let payment = QBO.Payment(customerRef: .init(value: "1"), totalAmt: dec("150.50"), line: [.applying(dec("150.50"), toInvoice: "266")])
        let expected = #"{"CustomerRef":{"value":"1"},"TotalAmt":150.5,"Line":[{"Amount":150.5,"LinkedTxn":[{"TxnId":"266","TxnType":"Invoice"}]}]}"#
        #expect(try jsonTree(of: payment) == jsonTree(Data(expected.utf8)))
    }

    @Test func creditMemoCreate() async throws {
        let request = try await sent(fixture: "integration-templates__creditmemo__create_response") { client in
            let memo = QBO.CreditMemo(
                customerRef: .init(value: "1"),
                line: [QBO.Line(amount: 100, detail: .salesItem(.init(itemRef: .init(value: "1"))))]
            )
            let created = try await client.create(memo, requestID: rid())
            #expect(created.remainingCredit == 100)
        }
        #expect(try jsonTree(request.body) == Fixtures.tree("integration-templates__creditmemo__create_request"))
    }

    @Test func salesReceiptFullUpdateWithRequestID() async throws {
        let requestID = rid("a90bfae9-9c6b-4179-9c7e-d8f538d09f6f")
        let request = try await sent(fixture: "ExQuickBooks__salesreceipt__void_response") { client in
            var receipt = SalesReceipt()
            receipt.id = "17"
            receipt.syncToken = "4"
            receipt.line = [QBO.Line(
                amount: dec("337.5"),
                detail: .salesItem(.init(
                    itemRef: .init(value: "4", name: "Design"), qty: dec("4.5"), unitPrice: 75, taxCodeRef: .init(value: "NON")
                )),
                description: "Custom Design"
            )]
            _ = try await client.update(receipt, requestID: requestID)
        }
        #expect(try jsonTree(request.body) == Fixtures.tree("qbo_api__salesreceipt__full_update_with_requestid_request"))
        #expect(request.queryItems["requestid"] == requestID.value)
        #expect(request.queryItems["minorversion"] == "75")
    }

    @Test func batchRequest() async throws {
        let transport = RecordingTransport { _ in
            HTTPResponse(status: 200, body: Data(#"{"BatchItemResponse":[],"time":"2020-09-29T08:13:20.000-07:00"}"#.utf8))
        }
        var receipt = SalesReceipt()
        receipt.id = "11"
        receipt.syncToken = "0"
        receipt.domain = "QBO"
        receipt.privateNote = "A private note."
        _ = try await makeClient(transport).batch([
            .create(QBO.Vendor(displayName: "Boraski Family Store"), batchID: "bid1"),
            .delete(QBO.Invoice.self, id: "129", syncToken: "0", batchID: "bid2"),
            .sparseUpdate(receipt, batchID: "bid3"),
            .query(QBOQuery<SalesReceipt>(unchecked: "select * from SalesReceipt where TotalAmt > '300.00'"), batchID: "bid4"),
        ], requestID: rid())
        let request = try #require(transport.requests.first)
        #expect(try jsonTree(request.body) == Fixtures.tree("qbo_api__batch__request"))
        #expect(request.pathForLogging.hasSuffix("/batch"))
    }

    @Test func everyCallCarriesProtocolHeaders() async throws {
        let transport = RecordingTransport(fixture: "qbo_api__customer__create_response")
        let client = makeClient(transport)
        _ = try await client.read(QBO.Customer.self, id: "70")
        _ = try await client.create(QBO.Customer(displayName: "Doe5, Jane"), requestID: rid("create-1"))
        for request in transport.requests {
            #expect(request.header("Accept") == "application/json")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("User-Agent")?.hasPrefix("qbsync") == true)
            #expect(request.queryItems["minorversion"] == "75")
            #expect(request.authorization?.exposedValue == "Bearer test-access-token")
        }
        #expect(transport.requests[0].method == .get)
        #expect(transport.requests[0].pathForLogging == "/v3/company/9341457021722202/customer/70")
        #expect(transport.requests[0].queryItems["requestid"] == nil)
        #expect(transport.requests[1].queryItems["requestid"] == "create-1")
    }
}
