import Foundation
import Testing

@testable import QBOSimulator

/// The tax rules on their own: manual and automated sales tax, with and without a sent code
/// or total, and QBO's rounding to the cent.
@Suite struct SalesTaxCalculationTests {
    private typealias Calculation = SalesTaxCalculation
    private let california = Calculation.Code(id: "2", rates: [.init(id: "1", percent: 8)])
    private let engine = Calculation.Code(id: "3", rates: [.init(id: "2", percent: Self.decimal("8.25"))])

    private static func decimal(_ text: String) -> Decimal {
        Decimal.exactly(text) ?? .nan
    }

    private func outcome(
        _ mode: Calculation.Mode, code: Calculation.Code? = nil, total: String? = nil, taxable: String
    ) -> Calculation.Outcome {
        Calculation(mode: mode, sentCode: code, sentTotal: total.map(Self.decimal), taxableAmount: Self.decimal(taxable))
            .outcome
    }

    // MARK: Manual sales tax

    @Test func manualCodeAppliesItsRateToTheTaxableAmount() {
        // The recorded invoice 130: 8% of 335.25 is 26.82.
        let result = outcome(.manual, code: california, taxable: "335.25")
        #expect(result.totalTax == Self.decimal("26.82"))
        #expect(result.detail == [
            "TxnTaxCodeRef": ["value": "2"], "TotalTax": .money("26.82"),
            "TaxLine": [[
                "Amount": .money("26.82"), "DetailType": "TaxLineDetail",
                "TaxLineDetail": [
                    "TaxRateRef": ["value": "1"], "PercentBased": true, "TaxPercent": 8, "NetAmountTaxable": .money("335.25"),
                ],
            ]],
        ])
    }

    @Test func manualTotalIsKeptAsSentWithOrWithoutACode() {
        let alone = outcome(.manual, total: "5.00", taxable: "335.25")
        #expect(alone.totalTax == 5)
        #expect(alone.detail == ["TotalTax": 5])
        let coded = outcome(.manual, code: california, total: "5.00", taxable: "335.25")
        #expect(coded.totalTax == 5)
        #expect(coded.detail["TxnTaxCodeRef"] == ["value": "2"])
        #expect(coded.detail["TaxLine"]?.arrayValue?.first?["Amount"] == 5)
    }

    @Test func manualWithNeitherCodeNorTotalHasNoTax() {
        let result = outcome(.manual, taxable: "335.25")
        #expect(result.totalTax == 0)
        #expect(result.detail == ["TotalTax": 0])
    }

    // MARK: Automated sales tax

    @Test func automatedChargesTheEngineRateWhenNothingIsSent() {
        let result = outcome(.automated(engine: engine), taxable: "100")
        #expect(result.totalTax == Self.decimal("8.25"))
        #expect(result.detail["TxnTaxCodeRef"] == ["value": "3"])
        #expect(result.detail["TaxLine"]?.arrayValue?.first?["TaxLineDetail"]?["TaxPercent"] == .money("8.25"))
    }

    @Test func automatedIgnoresATotalSentWithoutACode() {
        let result = outcome(.automated(engine: engine), total: "1.00", taxable: "100")
        #expect(result.totalTax == Self.decimal("8.25"))
        #expect(result.detail["TxnTaxCodeRef"] == ["value": "3"])
    }

    @Test func automatedIgnoresACodeSentWithoutATotal() {
        let result = outcome(.automated(engine: engine), code: california, taxable: "100")
        #expect(result.totalTax == Self.decimal("8.25"))
        #expect(result.detail["TxnTaxCodeRef"] == ["value": "3"])
    }

    @Test func automatedKeepsATotalSentWithItsCode() {
        let result = outcome(.automated(engine: engine), code: california, total: "1.00", taxable: "100")
        #expect(result.totalTax == 1)
        #expect(result.detail["TxnTaxCodeRef"] == ["value": "2"])
        #expect(result.detail["TotalTax"] == 1)
        #expect(result.detail["TaxLine"]?.arrayValue?.first?["Amount"] == 1)
    }

    @Test func automatedWithNothingTaxableAssignsNoCode() {
        let result = outcome(.automated(engine: engine), taxable: "0")
        #expect(result.totalTax == 0)
        #expect(result.detail == ["TotalTax": 0])
    }

    // MARK: Rounding and several rates

    @Test func taxRoundsHalfAwayFromZero() {
        // 8.25% of 2.00 is 0.165: 0.17, where rounding half to even would give 0.16.
        #expect(outcome(.automated(engine: engine), taxable: "2").totalTax == Self.decimal("0.17"))
        // 8.25% of 10.30 is 0.84975: 0.85.
        #expect(outcome(.automated(engine: engine), taxable: "10.30").totalTax == Self.decimal("0.85"))
        // 8% of 0.0625 is 0.005: 0.01.
        #expect(outcome(.manual, code: california, taxable: "0.0625").totalTax == Self.decimal("0.01"))
        #expect(Self.decimal("-0.165").roundedToCents == Self.decimal("-0.17"))
        #expect(Self.decimal("0.164999").roundedToCents == Self.decimal("0.16"))
    }

    @Test func eachRateIsRoundedOnItsOwn() {
        let combined = Calculation.Code(id: "7", rates: [
            .init(id: "4", percent: 6), .init(id: "5", percent: Self.decimal("2.25")),
        ])
        // 6% of 10.10 = 0.606 -> 0.61; 2.25% of 10.10 = 0.22725 -> 0.23.
        let result = outcome(.manual, code: combined, taxable: "10.10")
        #expect(result.totalTax == Self.decimal("0.84"))
        #expect(result.detail["TaxLine"]?.arrayValue?.map { $0["Amount"] } == [.money("0.61"), .money("0.23")])
    }

    @Test func aKeptTotalIsSpreadOverTheRatesByTheirShare() {
        let combined = Calculation.Code(id: "7", rates: [
            .init(id: "4", percent: 6), .init(id: "5", percent: Self.decimal("2.25")),
        ])
        // 10 x 6 / 8.25 = 7.2727... -> 7.27; the last rate takes the 2.73 left.
        let result = outcome(.automated(engine: engine), code: combined, total: "10.00", taxable: "100")
        #expect(result.totalTax == 10)
        #expect(result.detail["TaxLine"]?.arrayValue?.map { $0["Amount"] } == [.money("7.27"), .money("2.73")])
    }

    @Test func aCodeWithoutRatesCarriesNoTaxLines() {
        let pseudo = Calculation.Code(id: "TAX", rates: [])
        let result = outcome(.manual, code: pseudo, taxable: "100")
        #expect(result.totalTax == 0)
        #expect(result.detail == ["TxnTaxCodeRef": ["value": "TAX"], "TotalTax": 0])
    }
}
