import Foundation
import Testing
@testable import QBOClient

/// What the client refuses before anything is sent.
@Suite("Local validation: money, request ids, batches")
struct LocalValidationTests {
    @Test func moneyRoundTripsExactly() throws {
        #expect(try QBO.Money.minorUnits(dec("26.82")) == 2682)
        #expect(try QBO.Money.minorUnits(dec("954.75")) == 95475)
        #expect(try QBO.Money.minorUnits(dec("-50.25")) == -5025)
        #expect(try QBO.Money.minorUnits(dec("100")) == 10000)
        #expect(try QBO.Money.minorUnits(dec("0.1")) == 10)
        #expect(QBO.Money.amount(minorUnits: 2682) == dec("26.82"))
        #expect(QBO.Money.amount(minorUnits: -1) == dec("-0.01"))
        for cents: Int64 in [0, 1, 99, 33_525, 92_233_720_368_547_758] {
            #expect(try QBO.Money.minorUnits(QBO.Money.amount(minorUnits: cents)) == cents)
        }
    }

    @Test func moneyNeverRounds() {
        for text in ["26.825", "0.001", "1.999"] {
            #expect(throws: QBOError.self) { try QBO.Money.minorUnits(dec(text)) }
        }
        #expect(throws: QBOError.self) { try QBO.Money.minorUnits(dec("100000000000000000000")) }
        #expect(throws: QBOError.self) { try QBO.Money.minorUnits(Decimal.nan) }
    }

    @Test func requestIDLimits() throws {
        #expect(try RequestID(String(repeating: "a", count: 50)).value.count == 50)
        #expect(throws: QBOError.self) { try RequestID(String(repeating: "a", count: 51)) }
        #expect(throws: QBOError.self) { try RequestID("") }
        #expect(throws: QBOError.self) { try RequestID("has space") }
        #expect(throws: QBOError.self) { try RequestID("ünï") }
        let random = RequestID.random()
        #expect(random.value.count == 36)
        #expect(random != RequestID.random())
    }

    @Test func batchOverThirtyIsRejectedBeforeSending() async throws {
        let transport = UnreachableTransport()
        let client = makeClient(transport)
        let operations = (1...31).map { BatchOperation.query(QBOQuery<QBO.Item>.select(), batchID: "b\($0)") }
        let error = await expectQBOError { _ = try await client.batch(operations, requestID: rid()) }
        #expect(error?.kind == .invalidRequest)
        let empty = await expectQBOError { _ = try await client.batch([], requestID: rid()) }
        #expect(empty?.kind == .invalidRequest)
        let repeated = await expectQBOError {
            _ = try await client.batch([.query(QBOQuery<QBO.Item>.select(), batchID: "x"), .query(QBOQuery<QBO.Item>.select(), batchID: "x")], requestID: rid())
        }
        #expect(repeated?.kind == .invalidRequest)
        #expect(transport.calls == 0)
    }

    @Test func updateNeedsIdAndSyncToken() async {
        let transport = UnreachableTransport()
        let error = await expectQBOError { _ = try await makeClient(transport).update(QBO.Customer(displayName: "x"), requestID: rid()) }
        #expect(error?.kind == .invalidRequest)
        #expect(transport.calls == 0)
    }

    @Test func batchResponseItemsAreTyped() async throws {
        let body = """
        {"BatchItemResponse":[
          {"bId":"bid1","Customer":{"Id":"9","SyncToken":"0","DisplayName":"Zed","Balance":12.34}},
          {"bId":"bid2","Fault":{"Error":[{"Message":"Duplicate Document Number Error","Detail":"DocNumber=7 is assigned to TxnType=Invoice with TxnId=145","code":"6140"}],"type":"ValidationFault"}},
          {"bId":"bid3","QueryResponse":{"Item":[{"Id":"1","Name":"Services"}],"startPosition":1,"maxResults":1}}
        ],"time":"2020-09-29T08:13:20.000-07:00"}
        """
        let transport = RecordingTransport { _ in HTTPResponse(status: 200, body: Data(body.utf8)) }
        let results = try await makeClient(transport).batch([
            .create(QBO.Customer(displayName: "Zed"), batchID: "bid1"),
            .create(QBO.Invoice(docNumber: "7"), batchID: "bid2"),
            .query(QBOQuery<QBO.Item>.select(), batchID: "bid3"),
        ], requestID: rid())
        #expect(results.map(\.batchID) == ["bid1", "bid2", "bid3"])
        #expect(try results[0].entity(as: QBO.Customer.self).balance == dec("12.34"))
        #expect(results[1].error?.kind == .duplicate)
        #expect(results[1].error?.duplicateHolderID == "145")
        #expect(throws: QBOError.self) { try results[1].entity(as: QBO.Invoice.self) }
        #expect(try results[2].queryPage(as: QBO.Item.self).entities.first?.name == "Services")
        #expect(throws: QBOError.self) { try results[0].entity(as: QBO.Invoice.self) }
    }
}
