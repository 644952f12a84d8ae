import Foundation

// A sales form's tax: the sent TxnTaxDetail resolved against the company's tax codes and
// rates, then worked out by `SalesTaxCalculation` under the company's kind of sales tax.
extension Ledger {
    /// The tax of a sales form whose taxable lines come to `taxableAmount`, and the
    /// `TxnTaxDetail` QBO returns for it. A sent `TaxLine` is ignored (QBO works the lines
    /// out itself); an unknown `TxnTaxCodeRef` is 2500, an inactive one 610.
    func salesTax(_ draft: JSONObject, taxableAmount: Decimal) throws(QBOFault) -> SalesTaxCalculation.Outcome {
        var sent = JSONObject()
        if let value = draft["TxnTaxDetail"], value != .null {
            guard let object = value.objectValue else { throw .invalidValue("TxnTaxDetail must be an object;") }
            sent = object
        }
        let calculation = SalesTaxCalculation(
            mode: salesTaxMode, sentCode: try transactionTaxCode(sent["TxnTaxCodeRef"]),
            sentTotal: try decimal(sent["TotalTax"], element: "TotalTax")?.roundedToCents, taxableAmount: taxableAmount)
        return calculation.outcome
    }

    /// How this company charges sales tax: manual, or automated at the engine's TaxCode.
    var salesTaxMode: SalesTaxCalculation.Mode {
        guard settings.automatedSalesTax else { return .manual }
        let engine = defaults.automatedTaxCode.flatMap { entity(.taxCode, $0) }.map(taxCode(of:))
        return .automated(engine: engine ?? SalesTaxCalculation.Code(id: "", rates: []))
    }

    /// The code a `TxnTaxCodeRef` names, with its sales rates; nil when none is sent.
    private func transactionTaxCode(_ reference: JSONValue?) throws(QBOFault) -> SalesTaxCalculation.Code? {
        guard let reference, reference != .null else { return nil }
        guard let id = reference["value"]?.idString ?? reference.idString else {
            throw .invalidValue("TxnTaxCodeRef must be an object with a \"value\"")
        }
        guard let code = entity(.taxCode, id) else { throw .invalidReference("TxnTaxDetail.TxnTaxCodeRef") }
        guard code.isActive else { throw .objectNotFound() }
        return taxCode(of: code)
    }

    /// A TaxCode's sales rates, in `SalesTaxRateList` order; the pseudo codes TAX and NON
    /// have none.
    private func taxCode(of code: StoredEntity) -> SalesTaxCalculation.Code {
        var rates: [SalesTaxCalculation.Rate] = []
        for detail in code.body["SalesTaxRateList"]?["TaxRateDetail"]?.arrayValue ?? [] {
            guard let rateID = detail["TaxRateRef"]?["value"]?.stringValue, let rate = entity(.taxRate, rateID),
                let percent = rate.body["RateValue"]?.decimalValue
            else { continue }
            rates.append(SalesTaxCalculation.Rate(id: rateID, percent: percent))
        }
        return SalesTaxCalculation.Code(id: code.id, rates: rates)
    }

    /// A sparse update that sends lines but no `TxnTaxDetail` keeps the form's tax code and
    /// nothing else of its tax: QBO works the tax out again from the new lines. Without new
    /// lines the stored `TxnTaxDetail` stands (so a kept total stays kept).
    static func keepingTaxCode(_ draft: JSONObject, sent: JSONObject) -> JSONObject {
        guard sent["TxnTaxDetail"] == nil, sent["Line"] != nil else { return draft }
        var draft = draft
        if let code = draft["TxnTaxDetail"]?["TxnTaxCodeRef"], code != .null {
            draft["TxnTaxDetail"] = ["TxnTaxCodeRef": code]
        } else {
            draft["TxnTaxDetail"] = nil
        }
        return draft
    }
}
