import Foundation
import Testing

@testable import QBOSimulator

/// Bills: lines by account and by item, the AP account, due dates, references, numbers,
/// updates and deletion.
@Suite(.timeLimit(.minutes(3))) struct BillTests {
    @Test func createAnswersQBOsBill() async throws {
        try await withSimulator { qbo in
            let bill = try await qbo.create("Bill", [
                "VendorRef": ["value": "1"], "TxnDate": "2026-03-02", "DocNumber": "HH-4471", "PrivateNote": "tent poles",
                "Line": [
                    ["Amount": .money("125.55"), "DetailType": "AccountBasedExpenseLineDetail", "Description": "welding",
                     "AccountBasedExpenseLineDetail": ["AccountRef": ["value": "10"], "ClassRef": ["value": "1"]]],
                    ["Amount": .money("37.50"), "DetailType": "ItemBasedExpenseLineDetail",
                     "ItemBasedExpenseLineDetail": ["ItemRef": ["value": "3"], "Qty": 3, "UnitPrice": .money("12.50"),
                                                    "BillableStatus": "Billable"]],
                ],
            ])
            #expect(bill["Id"] == "1")
            #expect(bill["VendorRef"] == ["value": "1", "name": "Hicks Hardware"])
            // No APAccountRef sent: the company's AP account, as QBO implies it.
            #expect(bill["APAccountRef"] == ["value": "6", "name": "Accounts Payable (A/P)"])
            #expect(bill["TotalAmt"] == .money("163.05"))
            #expect(bill["Balance"] == .money("163.05"))
            #expect(bill["DueDate"] == "2026-03-02")
            #expect(bill["DocNumber"] == "HH-4471")
            #expect(bill["LinkedTxn"] == [])
            let lines = try #require(bill["Line"]?.arrayValue)
            #expect(lines.map { $0["Id"] } == ["1", "2"])
            let byAccount = try #require(lines[0]["AccountBasedExpenseLineDetail"])
            #expect(byAccount["AccountRef"] == ["value": "10", "name": "Equipment Repairs"])
            #expect(byAccount["ClassRef"] == ["value": "1", "name": "Rentals"])
            #expect(byAccount["BillableStatus"] == "NotBillable")
            #expect(byAccount["TaxCodeRef"] == ["value": "NON"])
            let byItem = try #require(lines[1]["ItemBasedExpenseLineDetail"])
            #expect(byItem["ItemRef"] == ["value": "3", "name": "Delivery"])
            #expect(byItem["BillableStatus"] == "Billable")
            #expect(try await qbo.reread("Bill", bill) == bill)
            #expect(try await qbo.read("Vendor", "1")["Balance"] == .money("163.05"))
        }
    }

    @Test func dueDateFollowsTheTerms() async throws {
        try await withSimulator { qbo in
            let bill = try await qbo.makeBill(amounts: [10], extra: ["TxnDate": "2026-01-15", "SalesTermRef": ["value": "3"]])
            #expect(bill["DueDate"] == "2026-02-14")
            #expect(bill["SalesTermRef"] == ["value": "3", "name": "Net 30"])
            let given = try await qbo.makeBill(amounts: [10], extra: ["TxnDate": "2026-01-15", "DueDate": "2026-01-20"])
            #expect(given["DueDate"] == "2026-01-20")
        }
    }

    @Test func referencesAreCheckedAsQBOChecksThem() async throws {
        try await withSimulator { qbo in
            let line = SimulatorHarness.expenseLine(10)
            let cases: [(JSONValue, String, String)] = [
                (["Line": [line]], "2020", "VendorRef"),
                (["VendorRef": ["value": "1"]], "2020", "Line"),
                (["VendorRef": ["value": "99"], "Line": [line]], "2500", "VendorRef"),
                (["VendorRef": ["value": "1"], "Line": [SimulatorHarness.expenseLine(10, account: "999")]],
                 "2500", "Line.AccountBasedExpenseLineDetail.AccountRef"),
                (["VendorRef": ["value": "1"], "APAccountRef": ["value": "77"], "Line": [line]], "2500", "APAccountRef"),
                (["VendorRef": ["value": "1"], "DepartmentRef": ["value": "42"], "Line": [line]], "2500", "DepartmentRef"),
                (["VendorRef": ["value": "1"], "Line": [["Amount": 5, "DetailType": "AccountBasedExpenseLineDetail"]]],
                 "2020", "Line.AccountBasedExpenseLineDetail"),
                (["VendorRef": ["value": "1"], "Line": [["DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": ["AccountRef": ["value": "10"]]]]], "2020", "Line.Amount"),
                // An AP account must be one: Checking is a bank.
                (["VendorRef": ["value": "1"], "APAccountRef": ["value": "2"], "Line": [line]], "6000", "APAccountRef"),
                (["VendorRef": ["value": "1"], "Line": [["Amount": 5, "DetailType": "SalesItemLineDetail"]]], "2010", ""),
            ]
            for (body, code, element) in cases {
                let reply = try await qbo.api(.POST, "bill", json: body)
                #expect(reply.status == 400, "\(body)")
                let fault = try reply.fault()
                #expect(fault.code == code, "\(body): \(fault)")
                if !element.isEmpty { #expect(fault.element == .string(element), "\(body): \(fault)") }
            }
            let wrongAmount = try await qbo.api(.POST, "bill", json: [
                "VendorRef": ["value": "1"],
                "Line": [["Amount": 40, "DetailType": "ItemBasedExpenseLineDetail",
                          "ItemBasedExpenseLineDetail": ["ItemRef": ["value": "3"], "Qty": 3, "UnitPrice": .money("12.50")]]],
            ])
            #expect(try wrongAmount.fault().code == "6070")
            // Nothing refused took an Id.
            #expect(try await qbo.makeBill(amounts: [1])["Id"] == "1")
        }
    }

    @Test func billNumbersMayRepeat() async throws {
        try await withSimulator { qbo in
            let first = try await qbo.makeBill(amounts: [10], extra: ["DocNumber": "INV-77"])
            let second = try await qbo.makeBill(amounts: [20], extra: ["DocNumber": "INV-77"])
            #expect(first["DocNumber"] == second["DocNumber"])
            // Nor do bill numbers collide with sales forms' numbers.
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [5], docNumber: "INV-77")
            #expect(invoice["DocNumber"] == "INV-77")
            let bills = try await qbo.query("select * from Bill where DocNumber = 'INV-77'")
            #expect(try bills.json()["QueryResponse"]?["Bill"]?.arrayValue?.count == 2)
            // A bill without a number gets none.
            #expect(try await qbo.makeBill(amounts: [1])["DocNumber"] == nil)
        }
    }

    @Test func updatesAndDeletion() async throws {
        try await withSimulator { qbo in
            let bill = try await qbo.makeBill(amounts: [100])
            let sparse = try await qbo.api(.POST, "bill", json: [
                "Id": bill["Id"] ?? nil, "SyncToken": "0", "sparse": true, "Line": [SimulatorHarness.expenseLine(.money("80.10"))],
            ])
            let updated = try #require(try sparse.json()["Bill"], "\(sparse.text)")
            #expect(updated["TotalAmt"] == .money("80.10"))
            #expect(updated["Balance"] == .money("80.10"))
            #expect(updated["SyncToken"] == "1")
            #expect(try await qbo.read("Vendor", "1")["Balance"] == .money("80.10"))
            let stale = try await qbo.api(.POST, "bill", query: [("operation", "delete")], json: [
                "Id": bill["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(try stale.fault().code == "5010")
            // QBO has no void for a bill: the reversal is a delete.
            let void = try await qbo.api(.POST, "bill", query: [("operation", "void")], json: [
                "Id": bill["Id"] ?? nil, "SyncToken": "1",
            ])
            #expect(try void.fault().code == "500")
            let delete = try await qbo.api(.POST, "bill", query: [("operation", "delete")], json: [
                "Id": bill["Id"] ?? nil, "SyncToken": "1",
            ])
            #expect(try delete.json()["Bill"] == ["domain": "QBO", "status": "Deleted", "Id": bill["Id"] ?? nil])
            #expect(try await qbo.api(.GET, "bill/1").fault().code == "610")
            #expect(try await qbo.read("Vendor", "1")["Balance"] == 0)
        }
    }
}
