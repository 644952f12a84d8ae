import Foundation
import Testing

@testable import QBOSimulator

/// Bill payments: applying money to bills (to the cent), the account paid from, new bill
/// versions, void and delete giving the money back.
@Suite(.timeLimit(.minutes(3))) struct BillPaymentTests {
    @Test func aPaymentOverTwoBillsLeavesTheirBalancesToTheCent() async throws {
        try await withSimulator { qbo in
            let first = try await qbo.makeBill(amounts: [.money("100.10"), .money("0.25")])
            let second = try await qbo.makeBill(amounts: [.money("49.99")])
            let reply = try await qbo.payBills(total: .money("120.34"), applied: [(first, .money("70.35")), (second, .money("49.99"))])
            #expect(reply.status == 200, "\(reply.text)")
            let payment = try #require(try reply.json()["BillPayment"])
            #expect(payment["Id"] == "3")
            #expect(payment["PayType"] == "Check")
            #expect(payment["TotalAmt"] == .money("120.34"))
            #expect(payment["VendorRef"] == ["value": "1", "name": "Hicks Hardware"])
            #expect(payment["CheckPayment"] == [
                "BankAccountRef": ["value": "2", "name": "Checking"], "PrintStatus": "NeedToPrint",
            ])
            #expect(payment["APAccountRef"]?["value"] == "6")
            let paidFirst = try await qbo.reread("Bill", first)
            #expect(paidFirst["Balance"] == 30)
            #expect(paidFirst["TotalAmt"] == .money("100.35"))
            // A bill whose balance moves is a new version, and lists the payment.
            #expect(paidFirst["SyncToken"] == "1")
            #expect(paidFirst["LinkedTxn"] == [["TxnId": "3", "TxnType": "BillPayment"]])
            #expect(try await qbo.reread("Bill", second)["Balance"] == 0)
            #expect(try await qbo.read("Vendor", "1")["Balance"] == 30)
            let stale = try await qbo.api(.POST, "bill", json: [
                "Id": first["Id"] ?? nil, "SyncToken": "0", "sparse": true, "PrivateNote": "x",
            ])
            #expect(try stale.fault().code == "5010")
        }
    }

    @Test func applyingMoreThanABillOwesIsRefused() async throws {
        try await withSimulator { qbo in
            let bill = try await qbo.makeBill(amounts: [50])
            _ = try await qbo.payBills(total: 30, applied: [(bill, 30)])
            let over = try await qbo.payBills(total: 25, applied: [(bill, 25)])
            #expect(over.status == 400)
            let fault = try over.fault()
            #expect(fault.code == "6000")
            #expect(fault.detail.contains("exceeds its open balance (20.00)"), "\(fault.detail)")
            let linesOverTotal = try await qbo.payBills(total: 5, applied: [(bill, 10)])
            #expect(try linesOverTotal.fault().code == "6000")
            let otherVendors = try await qbo.makeBill(vendor: Seeded.nortonLumber, amounts: [10])
            let wrongVendor = try await qbo.payBills(total: 10, applied: [(otherVendors, 10)])
            #expect(try wrongVendor.fault().code == "6000")
            // More than the lines is a credit with the vendor, as QBO documents.
            let credit = try await qbo.payBills(total: 35, applied: [(bill, 20)])
            #expect(credit.status == 200, "\(credit.text)")
            #expect(try await qbo.reread("Bill", bill)["Balance"] == 0)
        }
    }

    @Test func theAccountPaidFromMustFitThePayType() async throws {
        try await withSimulator { qbo in
            let bill = try await qbo.makeBill(amounts: [40])
            let line: JSONValue = ["Amount": 40, "LinkedTxn": [["TxnId": bill["Id"] ?? nil, "TxnType": "Bill"]]]
            let card = try await qbo.api(.POST, "billpayment", json: [
                "VendorRef": ["value": "1"], "PayType": "CreditCard", "TotalAmt": 40, "Line": [line],
                "CreditCardPayment": ["CCAccountRef": ["value": "7"]],
            ])
            #expect(card.status == 200, "\(card.text)")
            #expect(try card.json()["BillPayment"]?["CreditCardPayment"]?["CCAccountRef"] == ["value": "7", "name": "Mastercard"])
            let cases: [(JSONValue, String, String)] = [
                (["VendorRef": ["value": "1"], "PayType": "Check", "TotalAmt": 1,
                  "CheckPayment": ["BankAccountRef": ["value": "7"]]], "6000", "CheckPayment.BankAccountRef"),
                (["VendorRef": ["value": "1"], "PayType": "CreditCard", "TotalAmt": 1,
                  "CreditCardPayment": ["CCAccountRef": ["value": "2"]]], "6000", "CreditCardPayment.CCAccountRef"),
                (["VendorRef": ["value": "1"], "PayType": "Check", "TotalAmt": 1], "2020", "CheckPayment.BankAccountRef"),
                (["VendorRef": ["value": "1"], "TotalAmt": 1], "2020", "PayType"),
                (["VendorRef": ["value": "1"], "PayType": "Check",
                  "CheckPayment": ["BankAccountRef": ["value": "2"]]], "2020", "TotalAmt"),
                (["PayType": "Check", "TotalAmt": 1, "CheckPayment": ["BankAccountRef": ["value": "2"]]], "2020", "VendorRef"),
            ]
            for (body, code, element) in cases {
                let fault = try await qbo.api(.POST, "billpayment", json: body).fault()
                #expect(fault.code == code, "\(body): \(fault)")
                #expect(fault.element == .string(element), "\(body): \(fault)")
            }
            let cash = try await qbo.api(.POST, "billpayment", json: ["VendorRef": ["value": "1"], "PayType": "Cash", "TotalAmt": 1])
            #expect(try cash.fault().code == "2010")
        }
    }

    @Test func voidGivesTheBillsTheirBalancesBack() async throws {
        try await withSimulator { qbo in
            let first = try await qbo.makeBill(amounts: [.money("60.40")])
            let second = try await qbo.makeBill(amounts: [.money("19.60")])
            let reply = try await qbo.payBills(total: 80, applied: [(first, .money("60.40")), (second, .money("19.60"))])
            let payment = try #require(try reply.json()["BillPayment"])
            _ = try await qbo.api(.POST, "billpayment", json: [
                "Id": payment["Id"] ?? nil, "SyncToken": "0", "sparse": true, "PrivateNote": "check 1043",
            ])
            // QBO's documented void: a sparse update with include=void.
            let void = try await qbo.api(.POST, "billpayment", query: [("operation", "update"), ("include", "void")], json: [
                "Id": payment["Id"] ?? nil, "SyncToken": "1", "sparse": true,
            ])
            #expect(void.status == 200, "\(void.text)")
            let voided = try #require(try void.json()["BillPayment"])
            #expect(voided["Id"] == payment["Id"])
            #expect(voided["SyncToken"] == "2")
            #expect(voided["TotalAmt"] == 0)
            #expect(voided["Line"] == [])
            #expect(voided["PrivateNote"] == "Voided - check 1043")
            let firstAfter = try await qbo.reread("Bill", first)
            #expect(firstAfter["Balance"] == .money("60.40"))
            #expect(firstAfter["LinkedTxn"] == [])
            #expect(firstAfter["SyncToken"] == "2")
            #expect(try await qbo.reread("Bill", second)["Balance"] == .money("19.60"))
            #expect(try await qbo.read("Vendor", "1")["Balance"] == 80)
            // A retried void is harmless.
            let again = try await qbo.api(.POST, "billpayment", query: [("operation", "update"), ("include", "void")], json: [
                "Id": payment["Id"] ?? nil, "SyncToken": "1", "sparse": true,
            ])
            #expect(try again.json()["BillPayment"] == voided)
            // The bill can now be paid again in full.
            #expect(try await qbo.payBills(total: .money("60.40"), applied: [(first, .money("60.40"))]).status == 200)
        }
    }

    @Test func deleteGivesTheMoneyBackAndAPaidBillCannotBeDeleted() async throws {
        try await withSimulator { qbo in
            let bill = try await qbo.makeBill(amounts: [75])
            let payment = try #require(try await qbo.payBills(total: 25, applied: [(bill, 25)]).json()["BillPayment"])
            let paidBill = try await qbo.reread("Bill", bill)
            let refused = try await qbo.api(.POST, "bill", query: [("operation", "delete")], json: [
                "Id": bill["Id"] ?? nil, "SyncToken": paidBill["SyncToken"] ?? nil,
            ])
            #expect(try refused.fault().code == "6000")
            #expect(try refused.fault().detail.contains("unlink"))
            let delete = try await qbo.api(.POST, "billpayment", query: [("operation", "delete")], json: [
                "Id": payment["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(try delete.json()["BillPayment"]?["status"] == "Deleted")
            let unpaid = try await qbo.reread("Bill", bill)
            #expect(unpaid["Balance"] == 75)
            #expect(try await qbo.read("Vendor", "1")["Balance"] == 75)
            let deleteBill = try await qbo.api(.POST, "bill", query: [("operation", "delete")], json: [
                "Id": bill["Id"] ?? nil, "SyncToken": unpaid["SyncToken"] ?? nil,
            ])
            #expect(deleteBill.status == 200, "\(deleteBill.text)")
        }
    }

    @Test func aBillTotalCannotFallBelowWhatIsPaid() async throws {
        try await withSimulator { qbo in
            let bill = try await qbo.makeBill(amounts: [100])
            _ = try await qbo.payBills(total: 60, applied: [(bill, 60)])
            let lower = try await qbo.api(.POST, "bill", json: [
                "Id": bill["Id"] ?? nil, "SyncToken": "1", "sparse": true, "Line": [SimulatorHarness.expenseLine(50)],
            ])
            #expect(try lower.fault().code == "6000")
            let higher = try await qbo.api(.POST, "bill", json: [
                "Id": bill["Id"] ?? nil, "SyncToken": "1", "sparse": true, "Line": [SimulatorHarness.expenseLine(.money("120.01"))],
            ])
            #expect(try higher.json()["Bill"]?["Balance"] == .money("60.01"))
        }
    }
}
