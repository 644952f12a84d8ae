import Foundation
import Testing

@testable import QBOSimulator

/// Totals, balances and applications, all in exact decimals.
@Suite(.timeLimit(.minutes(3))) struct MoneyTests {
    @Test func invoiceTotalIsLinesLessDiscountPlusTaxWithASubtotalLine() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            func item(_ amount: String, _ qty: String, _ price: String) -> JSONValue {
                ["Amount": .money(amount), "DetailType": "SalesItemLineDetail",
                 "SalesItemLineDetail": ["ItemRef": ["value": "2"], "Qty": .money(qty), "UnitPrice": .money(price)]]
            }
            // The recorded discount invoice: 300 + 250 + 275 + 180 = 1005, 5% off = 50.25.
            let invoice = try await qbo.create("Invoice", [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": [
                    item("300", "4", "75"), item("250", "5", "50"), item("275", "1", "275"), item("180", "8", "22.5"),
                    ["Amount": 0, "DetailType": "DiscountLineDetail",
                     "DiscountLineDetail": ["PercentBased": true, "DiscountPercent": 5]],
                ],
                "TxnTaxDetail": ["TotalTax": .money("26.82")],
            ])
            let lines = try #require(invoice["Line"]?.arrayValue)
            #expect(lines.count == 6)
            #expect(lines[4] == ["Amount": 1005, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": [:]])
            #expect(lines[5]["Amount"] == .money("50.25"))
            #expect(lines[0]["Id"] == "1")
            #expect(lines[3]["LineNum"] == 4)
            #expect(invoice["TotalAmt"] == .money("981.57"))  // 1005 - 50.25 + 26.82
            #expect(invoice["Balance"] == .money("981.57"))
        }
    }

    @Test func taxCodeRateAppliesToTaxableLines() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": [
                    ["Amount": 275, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["TaxCodeRef": ["value": "TAX"]]],
                    ["Amount": .money("12.75"), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["TaxCodeRef": ["value": "TAX"]]],
                    ["Amount": .money("47.5"), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["TaxCodeRef": ["value": "TAX"]]],
                    ["Amount": 100, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["TaxCodeRef": ["value": "NON"]]],
                ],
                "TxnTaxDetail": ["TxnTaxCodeRef": ["value": "2"]],
            ])
            // 8% of 335.25 = 26.82, as in the recorded invoice 130.
            #expect(invoice["TxnTaxDetail"]?["TotalTax"] == .money("26.82"))
            #expect(invoice["TxnTaxDetail"]?["TaxLine"]?.arrayValue?.first?["TaxLineDetail"]?["NetAmountTaxable"]
                == .money("335.25"))
            #expect(invoice["TotalAmt"] == .money("462.07"))
        }
    }

    @Test func decimalsStayExact() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": .array((0..<10).map { _ in
                    ["Amount": .money("0.1"), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]
                }),
            ])
            #expect(invoice["TotalAmt"] == 1)
            let big = try await qbo.create("Payment", [
                "CustomerRef": ["value": customer["Id"] ?? nil], "TotalAmt": .money("1234567890123.45"),
            ])
            #expect(big["TotalAmt"] == .money("1234567890123.45"))
            #expect(big["UnappliedAmt"] == .money("1234567890123.45"))
        }
    }

    @Test func partialPaymentsReduceTheBalance() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let id = try #require(invoice["Id"]?.stringValue)
            _ = try await qbo.makePayment(customer: customer, total: 30, applied: [(invoice, 30)])
            #expect(try await qbo.read("Invoice", id)["Balance"] == 70)
            let second = try await qbo.makePayment(customer: customer, total: .init(string: "45.55") ?? 0,
                applied: [(invoice, .init(string: "45.55") ?? 0)])
            #expect(second.status == 200)
            let read = try await qbo.read("Invoice", id)
            #expect(read["Balance"] == .money("24.45"))
            #expect(read["TotalAmt"] == 100)
            #expect(read["LinkedTxn"]?.arrayValue?.filter { $0["TxnType"] == "Payment" }.count == 2)
            // The customer owes what the invoice still owes.
            #expect(try await qbo.read("Customer", try #require(customer["Id"]?.stringValue))["Balance"] == .money("24.45"))
        }
    }

    @Test func onePaymentOverSeveralInvoicesWithAnUnappliedRemainder() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let first = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let second = try await qbo.makeInvoice(customer: customer, amounts: [50])
            let reply = try await qbo.makePayment(customer: customer, total: 200, applied: [(first, 100), (second, 20)])
            let payment = try #require(try reply.json()["Payment"])
            #expect(payment["TotalAmt"] == 200)
            #expect(payment["UnappliedAmt"] == 80)
            #expect(try await qbo.read("Invoice", try #require(first["Id"]?.stringValue))["Balance"] == 0)
            #expect(try await qbo.read("Invoice", try #require(second["Id"]?.stringValue))["Balance"] == 30)
            // 30 still owed less 80 paid ahead.
            #expect(try await qbo.read("Customer", try #require(customer["Id"]?.stringValue))["Balance"] == -50)
        }
    }

    @Test func unappliedPaymentHasNoLines() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let payment = try await qbo.create("Payment", ["CustomerRef": ["value": customer["Id"] ?? nil], "TotalAmt": 100])
            #expect(payment["UnappliedAmt"] == 100)
            #expect(payment["Line"] == [])
            #expect(payment["ProcessPayment"] == false)
            #expect(payment["DepositToAccountRef"] == ["value": "1"])  // Undeposited Funds
        }
    }

    @Test func creditMemoAppliedToAnInvoiceByAZeroPayment() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let memo = try await qbo.create("CreditMemo", [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": [["Amount": 40, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["ItemRef": ["value": "1"]]]],
            ])
            #expect(memo["RemainingCredit"] == 40)
            #expect(memo["Balance"] == 40)
            let reply = try await qbo.api(.POST, "payment", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "TotalAmt": 0,
                "Line": [
                    ["Amount": 40, "LinkedTxn": [["TxnId": invoice["Id"] ?? nil, "TxnType": "Invoice"]]],
                    ["Amount": 40, "LinkedTxn": [["TxnId": memo["Id"] ?? nil, "TxnType": "CreditMemo"]]],
                ],
            ])
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.json()["Payment"]?["UnappliedAmt"] == 0)
            #expect(try await qbo.read("Invoice", try #require(invoice["Id"]?.stringValue))["Balance"] == 60)
            let used = try await qbo.read("CreditMemo", try #require(memo["Id"]?.stringValue))
            #expect(used["RemainingCredit"] == 0)
            #expect(used["Balance"] == 0)
            // The credit is used up: applying it again is over-application.
            let again = try await qbo.api(.POST, "payment", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "TotalAmt": 0,
                "Line": [
                    ["Amount": 10, "LinkedTxn": [["TxnId": invoice["Id"] ?? nil, "TxnType": "Invoice"]]],
                    ["Amount": 10, "LinkedTxn": [["TxnId": memo["Id"] ?? nil, "TxnType": "CreditMemo"]]],
                ],
            ])
            #expect(try again.fault().code == "6000")
        }
    }

    @Test func voidedPaymentRestoresTheInvoiceBalance() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let first = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let second = try await qbo.makeInvoice(customer: customer, amounts: [60])
            let payment = try #require(
                try await qbo.makePayment(customer: customer, total: 130, applied: [(first, 100), (second, 30)]).json()["Payment"])
            let reply = try await qbo.api(.POST, "payment", query: [("operation", "update"), ("include", "void")], json: [
                "Id": payment["Id"] ?? nil, "SyncToken": "0", "sparse": true,
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let voided = try #require(try reply.json()["Payment"])
            #expect(voided["TotalAmt"] == 0)
            #expect(voided["SyncToken"] == "1")
            #expect(voided["PrivateNote"] == "Voided")
            #expect(try await qbo.read("Invoice", try #require(first["Id"]?.stringValue))["Balance"] == 100)
            #expect(try await qbo.read("Invoice", try #require(second["Id"]?.stringValue))["Balance"] == 60)
            // The invoices owe again, so a new payment can be applied in full.
            let again = try await qbo.makePayment(customer: customer, total: 100, applied: [(first, 100)])
            #expect(again.status == 200)
        }
    }

    @Test func voidingAPaidInvoiceLeavesItsPaymentUnapplied() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let payment = try #require(
                try await qbo.makePayment(customer: customer, total: 100, applied: [(invoice, 100)]).json()["Payment"])
            // The payment made the invoice a new version: SyncToken "1".
            let void = try await qbo.api(.POST, "invoice", query: [("operation", "void")], json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "1",
            ])
            #expect(void.status == 200, "\(void.text)")
            let unlinked = try await qbo.read("Payment", try #require(payment["Id"]?.stringValue))
            #expect(unlinked["UnappliedAmt"] == 100)
            #expect(unlinked["Line"] == [])
            #expect(unlinked["SyncToken"] == "1")
        }
    }

    @Test func refundReceiptTotalsItsLinesAndNamesTheAccount() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let refund = try await qbo.create("RefundReceipt", [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DepositToAccountRef": ["value": "2"],
                "Line": [
                    ["Amount": .money("19.99"), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["ItemRef": ["value": "4"]]],
                    ["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["ItemRef": ["value": "3"]]],
                ],
            ])
            #expect(refund["TotalAmt"] == .money("24.99"))
            #expect(refund["DepositToAccountRef"] == ["value": "2", "name": "Checking"])
            #expect(refund["Balance"] == 0)
        }
    }

    @Test func moneyRoundsHalfUpToCents() {
        #expect((Decimal.exactly("2.345") ?? 0).roundedToCents == Decimal.exactly("2.35"))
        #expect((Decimal.exactly("2.344") ?? 0).roundedToCents == Decimal.exactly("2.34"))
        #expect((Decimal.exactly("-2.345") ?? 0).roundedToCents == Decimal.exactly("-2.35"))
        #expect(Decimal(150).moneyText == "150.00")
        #expect((Decimal.exactly("22.5") ?? 0).moneyText == "22.50")
    }
}
