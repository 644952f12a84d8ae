import Foundation
import Testing

@testable import QBOSimulator

/// Sales tax over HTTP: manual and automated companies, taxable and NON lines, updates,
/// credit memos, and the fault for an unknown tax code.
@Suite(.timeLimit(.minutes(3))) struct SalesTaxTests {
    private static func line(_ amount: String, _ taxCode: String? = nil) -> JSONValue {
        var detail: JSONObject = ["ItemRef": ["value": "2"], "Qty": 1, "UnitPrice": .money(amount)]
        if let taxCode { detail["TaxCodeRef"] = ["value": .string(taxCode)] }
        return ["Amount": .money(amount), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": .object(detail)]
    }

    private static func invoice(_ customer: JSONValue, _ lines: [JSONValue], tax: JSONValue? = nil) -> JSONValue {
        var body: JSONObject = ["CustomerRef": ["value": customer["Id"] ?? nil], "Line": .array(lines)]
        if let tax { body["TxnTaxDetail"] = tax }
        return .object(body)
    }

    private func automated(_ qbo: SimulatorHarness, rate: String = "8.25") async throws {
        try await qbo.simulator.setSalesTax(realmID: qbo.realm.realmId, automated: true, rate: Decimal.exactly(rate))
    }

    // MARK: Manual sales tax (the default)

    @Test func manualCodeTaxesOnlyTheTaxableLines() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", Self.invoice(
                customer, [Self.line("275", "TAX"), Self.line("12.75", "TAX"), Self.line("47.50", "TAX"), Self.line("100", "NON"),
                    Self.line("40")],
                tax: ["TxnTaxCodeRef": ["value": "2"]]))
            // The recorded invoice 130: 8% of 335.25 = 26.82; the NON line and the uncoded one are not taxed.
            let detail = try #require(invoice["TxnTaxDetail"])
            #expect(detail["TxnTaxCodeRef"] == ["value": "2"])
            #expect(detail["TotalTax"] == .money("26.82"))
            let taxLine = try #require(detail["TaxLine"]?.arrayValue?.first)
            #expect(taxLine["TaxLineDetail"] == [
                "TaxRateRef": ["value": "1"], "PercentBased": true, "TaxPercent": 8, "NetAmountTaxable": .money("335.25"),
            ])
            #expect(invoice["TotalAmt"] == .money("502.07"))  // 475.25 + 26.82
            #expect(invoice["Balance"] == .money("502.07"))
            let lines = try #require(invoice["Line"]?.arrayValue)
            #expect(lines.prefix(5).map { $0["SalesItemLineDetail"]?["TaxCodeRef"]?["value"] }
                == ["TAX", "TAX", "TAX", "NON", "NON"])
        }
    }

    @Test func manualTotalIsKeptAsSent() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let coded = try await qbo.create("Invoice", Self.invoice(
                customer, [Self.line("100", "TAX")], tax: ["TxnTaxCodeRef": ["value": "2"], "TotalTax": .money("7.99")]))
            #expect(coded["TxnTaxDetail"]?["TotalTax"] == .money("7.99"))
            #expect(coded["TxnTaxDetail"]?["TaxLine"]?.arrayValue?.first?["Amount"] == .money("7.99"))
            #expect(coded["TotalAmt"] == .money("107.99"))
            let uncoded = try await qbo.create("Invoice", Self.invoice(
                customer, [Self.line("100", "TAX")], tax: ["TotalTax": .money("7.99")]))
            #expect(uncoded["TxnTaxDetail"] == ["TotalTax": .money("7.99")])
            #expect(uncoded["TotalAmt"] == .money("107.99"))
        }
    }

    @Test func manualWithoutCodeOrTotalHasNoTax() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", Self.invoice(customer, [Self.line("100", "TAX")]))
            #expect(invoice["TxnTaxDetail"] == ["TotalTax": 0])
            #expect(invoice["TotalAmt"] == 100)
        }
    }

    // MARK: Automated sales tax

    @Test func automatedIgnoresATotalSentWithoutTheCode() async throws {
        try await withSimulator { qbo in
            try await automated(qbo)
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", Self.invoice(
                customer, [Self.line("100", "TAX"), Self.line("50", "NON")], tax: ["TotalTax": 1]))
            let detail = try #require(invoice["TxnTaxDetail"])
            #expect(detail["TotalTax"] == .money("8.25"))
            #expect(detail["TxnTaxCodeRef"] == ["value": "3"])
            let rate = try #require(detail["TaxLine"]?.arrayValue?.first?["TaxLineDetail"])
            #expect(rate["TaxPercent"] == .money("8.25"))
            #expect(rate["NetAmountTaxable"] == 100)
            #expect(try await qbo.read("TaxRate", try #require(rate["TaxRateRef"]?["value"]?.stringValue))["RateValue"]
                == .money("8.25"))
            #expect(invoice["TotalAmt"] == .money("158.25"))
        }
    }

    @Test func automatedIgnoresACodeSentWithoutATotal() async throws {
        try await withSimulator { qbo in
            try await automated(qbo)
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", Self.invoice(
                customer, [Self.line("100", "TAX")], tax: ["TxnTaxCodeRef": ["value": "2"]]))
            #expect(invoice["TxnTaxDetail"]?["TxnTaxCodeRef"] == ["value": "3"])
            #expect(invoice["TxnTaxDetail"]?["TotalTax"] == .money("8.25"))
        }
    }

    @Test func automatedKeepsATotalSentWithTheCode() async throws {
        try await withSimulator { qbo in
            try await automated(qbo)
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", Self.invoice(
                customer, [Self.line("100", "TAX")], tax: ["TxnTaxCodeRef": ["value": "2"], "TotalTax": .money("6.50")]))
            let detail = try #require(invoice["TxnTaxDetail"])
            #expect(detail["TxnTaxCodeRef"] == ["value": "2"])
            #expect(detail["TotalTax"] == .money("6.50"))
            #expect(detail["TaxLine"]?.arrayValue?.first?["Amount"] == .money("6.50"))
            #expect(invoice["TotalAmt"] == .money("106.50"))
        }
    }

    @Test func automatedTaxRoundsHalfAwayFromZero() async throws {
        try await withSimulator { qbo in
            try await automated(qbo)
            let customer = try await qbo.makeCustomer()
            // 8.25% of 2.00 = 0.165: 0.17 (half to even would give 0.16).
            let invoice = try await qbo.create("Invoice", Self.invoice(customer, [Self.line("2", "TAX")]))
            #expect(invoice["TxnTaxDetail"]?["TotalTax"] == .money("0.17"))
            #expect(invoice["TotalAmt"] == .money("2.17"))
        }
    }

    @Test func aNewEngineRateIsANewTaxRateVersion() async throws {
        try await withSimulator { qbo in
            try await automated(qbo)
            let before = try #require(try await qbo.query("SELECT * FROM TaxRate WHERE Id = '2'").json()["QueryResponse"]?["TaxRate"]?
                .arrayValue?.first)
            try await automated(qbo, rate: "9.5")
            let after = try await qbo.read("TaxRate", "2")
            #expect(before["RateValue"] == .money("8.25"))
            #expect(after["RateValue"] == .money("9.5"))
            #expect(after["SyncToken"] == "1")
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", Self.invoice(customer, [Self.line("10", "TAX")]))
            #expect(invoice["TxnTaxDetail"]?["TotalTax"] == .money("0.95"))
        }
    }

    // MARK: Codes, updates, other sales forms

    @Test func anUnknownTransactionTaxCodeIs2500() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let reply = try await qbo.api(.POST, "invoice", json: Self.invoice(
                customer, [Self.line("100", "TAX")], tax: ["TxnTaxCodeRef": ["value": "99"], "TotalTax": 1]))
            #expect(reply.status == 400)
            let fault = try reply.fault()
            #expect(fault.code == "2500")
            #expect(fault.message == "Invalid Reference Id")
            #expect(fault.detail == "Invalid Reference Id : TxnTaxDetail.TxnTaxCodeRef")
            #expect(fault.element == "TxnTaxDetail.TxnTaxCodeRef")
            // An unknown code on a line is a reference to nothing as well.
            let badLine = try await qbo.api(.POST, "invoice", json: Self.invoice(customer, [Self.line("100", "XYZ")]))
            #expect(try badLine.fault().code == "610")
        }
    }

    @Test func aSparseUpdateWithNewLinesKeepsTheCodeAndRecomputes() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", Self.invoice(
                customer, [Self.line("100", "TAX")], tax: ["TxnTaxCodeRef": ["value": "2"]]))
            #expect(invoice["TxnTaxDetail"]?["TotalTax"] == 8)
            let reply = try await qbo.api(.POST, "invoice", json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "0", "sparse": true,
                "Line": [Self.line("200", "TAX"), Self.line("30", "NON")],
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let updated = try #require(try reply.json()["Invoice"])
            #expect(updated["TxnTaxDetail"]?["TxnTaxCodeRef"] == ["value": "2"])
            #expect(updated["TxnTaxDetail"]?["TotalTax"] == 16)
            #expect(updated["TxnTaxDetail"]?["TaxLine"]?.arrayValue?.first?["TaxLineDetail"]?["NetAmountTaxable"] == 200)
            #expect(updated["TotalAmt"] == 246)
        }
    }

    @Test func aSparseUpdateWithoutLinesKeepsAKeptTotal() async throws {
        try await withSimulator { qbo in
            try await automated(qbo)
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.create("Invoice", Self.invoice(
                customer, [Self.line("100", "TAX")], tax: ["TxnTaxCodeRef": ["value": "2"], "TotalTax": 5]))
            let reply = try await qbo.api(.POST, "invoice", json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "0", "sparse": true, "PrivateNote": "note only",
            ])
            let updated = try #require(try reply.json()["Invoice"])
            #expect(updated["TxnTaxDetail"]?["TotalTax"] == 5)
            #expect(updated["TotalAmt"] == 105)
            // New lines without a TxnTaxDetail: the code stays, the engine works the tax out again.
            let relined = try await qbo.api(.POST, "invoice", json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "1", "sparse": true, "Line": [Self.line("200", "TAX")],
            ])
            let recomputed = try #require(try relined.json()["Invoice"])
            #expect(recomputed["TxnTaxDetail"]?["TxnTaxCodeRef"] == ["value": "3"])
            #expect(recomputed["TxnTaxDetail"]?["TotalTax"] == .money("16.5"))
        }
    }

    @Test func aFullUpdateEchoingCodeAndTotalKeepsThem() async throws {
        try await withSimulator { qbo in
            try await automated(qbo)
            let customer = try await qbo.makeCustomer()
            let created = try await qbo.create("Invoice", Self.invoice(customer, [Self.line("100", "TAX")]))
            var body = try #require(created.objectValue)
            body["Line"] = [Self.line("200", "TAX")]
            // A client that echoes the TxnTaxDetail it read sends a code and a total: an override.
            let reply = try await qbo.api(.POST, "invoice", json: .object(body))
            let updated = try #require(try reply.json()["Invoice"])
            #expect(updated["TxnTaxDetail"]?["TotalTax"] == .money("8.25"))
            #expect(updated["TotalAmt"] == .money("208.25"))
            body = try #require(updated.objectValue)
            body["TxnTaxDetail"] = nil
            let recomputed = try #require(try await qbo.api(.POST, "invoice", json: .object(body)).json()["Invoice"])
            #expect(recomputed["TxnTaxDetail"]?["TotalTax"] == .money("16.5"))
        }
    }

    @Test func creditMemosAndRefundReceiptsAreTaxedTheSameWay() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let memo = try await qbo.create("CreditMemo", Self.invoice(
                customer, [Self.line("50", "TAX"), Self.line("10", "NON")], tax: ["TxnTaxCodeRef": ["value": "2"]]))
            #expect(memo["TxnTaxDetail"]?["TotalTax"] == 4)
            #expect(memo["TotalAmt"] == 64)
            #expect(memo["RemainingCredit"] == 64)
            try await automated(qbo)
            var refund = try #require(Self.invoice(customer, [Self.line("50", "TAX")]).objectValue)
            refund["DepositToAccountRef"] = ["value": "2"]
            let receipt = try await qbo.create("RefundReceipt", .object(refund))
            #expect(receipt["TxnTaxDetail"]?["TotalTax"] == .money("4.13"))  // 4.125 rounds up
            #expect(receipt["TotalAmt"] == .money("54.13"))
        }
    }
}
