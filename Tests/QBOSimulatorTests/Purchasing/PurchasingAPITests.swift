import Foundation
import Testing

@testable import QBOSimulator

/// The new entities through the API's other doors: picker queries, change data capture,
/// batch and requestid replay.
@Suite(.timeLimit(.minutes(3))) struct PurchasingAPITests {
    private func rows(_ qbo: SimulatorHarness, _ query: String, _ entity: String) async throws -> [JSONValue] {
        let reply = try await qbo.query(query)
        #expect(reply.status == 200, "\(query): \(reply.text)")
        return try reply.json()["QueryResponse"]?[entity]?.arrayValue ?? []
    }

    @Test func everyPickerListPagesAndMatchesLikeIgnoringCase() async throws {
        try await withSimulator { qbo in
            let lists: [(String, Int)] = [
                ("TaxCode", 3), ("TaxRate", 1), ("Term", 4), ("PaymentMethod", 5), ("Class", 1), ("Department", 1),
                ("Account", 11), ("Item", 5), ("Vendor", 2), ("Customer", 0),
            ]
            for (entity, count) in lists {
                let all = try await rows(qbo, "select * from \(entity)", entity)
                #expect(all.count == count, "\(entity)")
                guard count > 1 else { continue }
                // Two pages of one row each, in the default order.
                let first = try await rows(qbo, "select * from \(entity) STARTPOSITION 1 MAXRESULTS 1", entity)
                let second = try await rows(qbo, "select * from \(entity) STARTPOSITION 2 MAXRESULTS 1", entity)
                #expect(first == [all[0]], "\(entity)")
                #expect(second == [all[1]], "\(entity)")
                let past = try await qbo.query("select * from \(entity) STARTPOSITION \(count + 1) MAXRESULTS 10")
                #expect(try past.json()["QueryResponse"] == [:], "\(entity)")
            }
            #expect(try await rows(qbo, "select * from Account where Name like '%PAY%'", "Account")
                .compactMap { $0["Name"]?.stringValue } == ["Accounts Payable (A/P)"])
            #expect(try await rows(qbo, "select * from Term where Name like 'net%'", "Term").count == 3)
            #expect(try await rows(qbo, "select * from Vendor where DisplayName like '%hard%'", "Vendor").count == 1)
            #expect(try await rows(qbo, "select * from Item where Name like '%RENTAL'", "Item").count == 1)
            #expect(try await rows(qbo, "select * from Account where AccountType = 'Credit Card'", "Account")
                .first?["Id"] == "7")
            let terms = try await rows(qbo, "select * from Term", "Term")
            #expect(terms.map { $0["Name"] } == ["Due on receipt", "Net 15", "Net 30", "Net 60"])
            #expect(terms[2]["Id"] == "3")
            #expect(terms[2]["DueDays"] == 30)
        }
    }

    @Test func transactionsAnswerNewestUpdatedFirstWithTotalCount() async throws {
        try await withSimulator { qbo in
            let first = try await qbo.makeBill(amounts: [1])
            try qbo.simulator.advanceClock(by: .seconds(5))
            let second = try await qbo.makeBill(amounts: [2])
            let page = try await qbo.query("select * from Bill")
            let response = try #require(try page.json()["QueryResponse"])
            #expect(response["Bill"]?.arrayValue?.map { $0["Id"] } == [second["Id"], first["Id"]])
            #expect(response["totalCount"] == 2)
            let byVendor = try await rows(qbo, "select * from Bill where VendorRef = '1' ORDERBY Id", "Bill")
            #expect(byVendor.map { $0["Id"] } == [first["Id"], second["Id"]])
        }
    }

    @Test func changeDataCaptureSeesBillsPaymentsAndDeletions() async throws {
        try await withSimulator { qbo in
            // Past the second the realm was seeded in (times have whole seconds).
            try qbo.simulator.advanceClock(by: .seconds(2))
            let since = QBOTime.dateTime(qbo.simulator.now)
            let bill = try await qbo.makeBill(amounts: [10])
            let payment = try #require(try await qbo.payBills(total: 10, applied: [(bill, 10)]).json()["BillPayment"])
            _ = try await qbo.api(.POST, "billpayment", query: [("operation", "delete")], json: [
                "Id": payment["Id"] ?? nil, "SyncToken": "0",
            ])
            let vendor = try await qbo.makeVendor("New Supplier")
            let reply = try await qbo.api(.GET, "cdc", query: [("entities", "Bill,BillPayment,Vendor"), ("changedSince", since)])
            #expect(reply.status == 200, "\(reply.text)")
            let responses = try #require(try reply.json()["CDCResponse"]?.arrayValue?.first?["QueryResponse"]?.arrayValue)
            #expect(responses.count == 3)
            #expect(responses[0]["Bill"]?.arrayValue?.first?["Balance"] == 10)
            #expect(responses[1]["BillPayment"]?.arrayValue?.first?["status"] == "Deleted")
            #expect(responses[2]["Vendor"]?.arrayValue?.map { $0["Id"] } == [vendor["Id"]])
        }
    }

    @Test func requestIDReplaysABillPayment() async throws {
        try await withSimulator { qbo in
            let bill = try await qbo.makeBill(amounts: [90])
            let first = try await qbo.payBills(total: 30, applied: [(bill, 30)], query: [("requestid", "bp-7f3a")])
            let again = try await qbo.payBills(total: 30, applied: [(bill, 30)], query: [("requestid", "bp-7f3a")])
            #expect(first.body == again.body)
            #expect(try await qbo.reread("Bill", bill)["Balance"] == 60)
            let payments = try await rows(qbo, "select * from BillPayment", "BillPayment")
            #expect(payments.count == 1)
        }
    }

    @Test func batchCreatesAndVoids() async throws {
        try await withSimulator { qbo in
            let bill = try await qbo.makeBill(amounts: [50])
            let reply = try await qbo.api(.POST, "batch", json: [
                "BatchItemRequest": [
                    ["bId": "v", "operation": "create", "Vendor": ["DisplayName": "Batch Vendor"]],
                    ["bId": "p", "operation": "create", "BillPayment": [
                        "VendorRef": ["value": "1"], "PayType": "Check", "TotalAmt": 20,
                        "CheckPayment": ["BankAccountRef": ["value": "2"]],
                        "Line": [["Amount": 20, "LinkedTxn": [["TxnId": bill["Id"] ?? nil, "TxnType": "Bill"]]]],
                    ]],
                    ["bId": "d", "operation": "create", "Department": ["Name": "Batch Yard"]],
                    ["bId": "q", "Query": "select * from Class"],
                ],
            ])
            let items = try #require(try reply.json()["BatchItemResponse"]?.arrayValue)
            #expect(items[0]["Vendor"]?["DisplayName"] == "Batch Vendor")
            let payment = try #require(items[1]["BillPayment"])
            #expect(items[2]["Department"]?["Name"] == "Batch Yard")
            #expect(items[3]["QueryResponse"]?["Class"]?.arrayValue?.count == 1)
            #expect(try await qbo.reread("Bill", bill)["Balance"] == 30)
            let void = try await qbo.api(.POST, "batch", json: [
                "BatchItemRequest": [["bId": "x", "operation": "update", "optionsData": "void",
                                      "BillPayment": ["Id": payment["Id"] ?? nil, "SyncToken": "0", "sparse": true]]],
            ])
            #expect(try void.json()["BatchItemResponse"]?.arrayValue?.first?["BillPayment"]?["TotalAmt"] == 0)
            #expect(try await qbo.reread("Bill", bill)["Balance"] == 50)
        }
    }
}
