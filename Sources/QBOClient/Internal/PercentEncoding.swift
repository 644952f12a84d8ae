/// Strict percent-encoding for URL query values and paths.
///
/// Everything but RFC 3986's unreserved characters is encoded, so `&`, `%`,
/// `#`, `+`, `'`, `\`, spaces and non-ASCII text (as UTF-8 bytes) can never
/// change the meaning of a URL. Foundation's `urlQueryAllowed` leaves `&`, `+`
/// and `'` alone, which is why it is not used.
enum PercentEncoding {
    static func encode(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output.unicodeScalars.append("%")
                output.unicodeScalars.append(hexDigits[Int(byte >> 4)])
                output.unicodeScalars.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return output
    }

    /// `application/x-www-form-urlencoded` value encoding (same strict set).
    static func formValue(_ text: String) -> String { encode(text) }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static let hexDigits: [Unicode.Scalar] = Array("0123456789ABCDEF".unicodeScalars)
}
