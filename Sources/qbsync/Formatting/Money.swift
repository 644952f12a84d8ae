/// Amounts in minor units, shown in major units with their currency:
/// `123450, "USD"` -> `1,234.50 USD`. Integer arithmetic only.
enum Money {
    /// Digits after the decimal point for an ISO 4217 code.
    static func exponent(_ currency: String) -> Int {
        switch currency.uppercased() {
        case "JPY", "KRW", "CLP", "VND", "ISK", "UGX", "XAF", "XOF", "PYG", "RWF", "KMF", "GNF", "VUV", "XPF", "BIF", "DJF": 0
        case "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD": 3
        default: 2
        }
    }

    static func format(_ minor: Int64, _ currency: String) -> String {
        let exponent = Self.exponent(currency)
        var divisor: UInt64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let magnitude = minor.magnitude
        let whole = magnitude / divisor
        let fraction = magnitude % divisor
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits = String(digits.dropLast(3))
        }
        grouped = digits + grouped
        var text = (minor < 0 ? "-" : "") + grouped
        if exponent > 0 {
            let padded = String(fraction)
            text += "." + String(repeating: "0", count: exponent - padded.count) + padded
        }
        return currency.isEmpty ? text : text + " " + currency.uppercased()
    }

    /// Parses "12.50" (major units) into minor units; nil when malformed or too precise.
    static func parse(_ text: String, _ currency: String) -> Int64? {
        let exponent = Self.exponent(currency)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0 else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= exponent, fraction.allSatisfy(\.isNumber) else { return nil }
        var scale: Int64 = 1
        for _ in 0..<exponent { scale *= 10 }
        let fractionValue = Int64(fraction + String(repeating: "0", count: exponent - fraction.count)) ?? 0
        let (product, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        return product + fractionValue
    }
}
