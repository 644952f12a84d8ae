import Foundation

extension Decimal {
    /// Rounded to cents, a half cent away from zero (2.345 to 2.35, -2.345 to -2.35), as QBO
    /// rounds line amounts and tax.
    var roundedToCents: Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, 2, .plain)
        return result
    }

    /// `150.00`, `22.50`: an amount as a person reads it in a fault's Detail.
    var moneyText: String {
        let text = roundedToCents.plainString
        guard let dot = text.firstIndex(of: ".") else { return text + ".00" }
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        return decimals >= 2 ? text : text + String(repeating: "0", count: 2 - decimals)
    }
}
