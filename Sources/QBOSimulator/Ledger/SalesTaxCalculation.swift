import Foundation

/// A US sales form's tax as QBO works it out: from how the company charges sales tax, the
/// `TxnTaxDetail` the client sent and the amount of the form's taxable lines.
///
/// It knows nothing of the books (the ledger resolves the codes and rates first), so each
/// rule can be tested on its own:
///
/// - Manual sales tax: a sent `TotalTax` is kept as sent; otherwise the sent
///   `TxnTaxCodeRef`'s rates apply to the taxable lines; with neither, there is no tax.
/// - Automated sales tax (AST): the engine's code and rate apply, whatever code or total is
///   sent alone; only a `TxnTaxCodeRef` sent together with a `TotalTax` overrides the engine,
///   and then both are kept as sent.
///
/// A kept total is spread over the code's rates in proportion to their percentages (the
/// last rate takes what rounding leaves); a computed one is each rate applied to the taxable
/// amount and rounded to the cent, half away from zero.
struct SalesTaxCalculation: Sendable, Hashable {
    /// A `TaxRate` as a tax code charges it.
    struct Rate: Sendable, Hashable {
        /// The TaxRate's Id, for `TaxLineDetail.TaxRateRef`.
        var id: String
        /// Its `RateValue`: 8 means 8%.
        var percent: Decimal
    }

    /// A `TaxCode` and the sales rates of its `SalesTaxRateList`.
    struct Code: Sendable, Hashable {
        var id: String
        var rates: [Rate]
    }

    /// How the company charges sales tax (`Preferences.TaxPrefs.PartnerTaxEnabled`).
    enum Mode: Sendable, Hashable {
        /// The tax the client's code or total says.
        case manual
        /// QBO's automated sales tax engine, which charges `engine`'s rates.
        case automated(engine: Code)
    }

    /// The outcome: the tax to add to the form's total, and its `TxnTaxDetail`.
    struct Outcome: Sendable, Hashable {
        var totalTax: Decimal
        var detail: JSONObject
    }

    var mode: Mode
    /// The `TxnTaxCodeRef` sent, resolved.
    var sentCode: Code?
    /// The `TotalTax` sent, already rounded to cents.
    var sentTotal: Decimal?
    /// The sum of the amounts of the lines whose tax code is taxable.
    var taxableAmount: Decimal

    var outcome: Outcome {
        switch mode {
        case .manual:
            if let sentTotal { return kept(sentTotal, under: sentCode) }
            if let sentCode { return computed(under: sentCode) }
            return Outcome(totalTax: 0, detail: ["TotalTax": 0])
        case .automated(let engine):
            if let sentCode, let sentTotal { return kept(sentTotal, under: sentCode) }
            // The engine assigns no code to a form with nothing taxable.
            if taxableAmount == 0 { return Outcome(totalTax: 0, detail: ["TotalTax": 0]) }
            return computed(under: engine)
        }
    }

    /// Each rate of `code` applied to the taxable amount, rounded to the cent.
    private func computed(under code: Code) -> Outcome {
        let amounts = code.rates.map { (taxableAmount * $0.percent / 100).roundedToCents }
        return outcome(code: code, amounts: amounts, total: amounts.reduce(0, +))
    }

    /// `total` as sent, spread over `code`'s rates by their share of the combined percentage.
    private func kept(_ total: Decimal, under code: Code?) -> Outcome {
        guard let code else { return Outcome(totalTax: total, detail: ["TotalTax": .number(total)]) }
        let combined = code.rates.reduce(Decimal(0)) { $0 + $1.percent }
        var amounts: [Decimal] = []
        var left = total
        for (index, rate) in code.rates.enumerated() {
            let isLast = index == code.rates.count - 1
            let share: Decimal
            if isLast {
                share = left
            } else if combined == 0 {
                share = 0
            } else {
                share = (total * rate.percent / combined).roundedToCents
            }
            amounts.append(share)
            left -= share
        }
        return outcome(code: code, amounts: amounts, total: total)
    }

    private func outcome(code: Code, amounts: [Decimal], total: Decimal) -> Outcome {
        var detail: JSONObject = ["TxnTaxCodeRef": ["value": .string(code.id)], "TotalTax": .number(total)]
        guard !code.rates.isEmpty else { return Outcome(totalTax: total, detail: detail) }
        detail["TaxLine"] = .array(zip(code.rates, amounts).map { rate, amount in
            [
                "Amount": .number(amount), "DetailType": "TaxLineDetail",
                "TaxLineDetail": [
                    "TaxRateRef": ["value": .string(rate.id)], "PercentBased": true, "TaxPercent": .number(rate.percent),
                    "NetAmountTaxable": .number(taxableAmount),
                ],
            ]
        })
        return Outcome(totalTax: total, detail: detail)
    }
}
