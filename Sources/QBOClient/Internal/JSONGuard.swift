import Foundation

/// Checks a response body before any JSON decoder sees it.
///
/// Foundation's decoders recurse once per nesting level, so a hostile body of
/// `[[[[...` could exhaust the stack; and a body that is not UTF-8 should fail
/// as "unreadable response", not as a confusing decoding error.
enum JSONGuard {
    /// The deepest nesting accepted. QBO's deepest documents are about 6 levels.
    static let maxDepth = 64

    /// Throws ``QBOError`` of kind ``QBOError/Kind/invalidResponse`` when `data`
    /// is not UTF-8 or nests objects and arrays deeper than ``maxDepth``.
    /// - Parameter data: A response body.
    static func validate(_ data: Data) throws {
        guard String(validating: data, as: UTF8.self) != nil else {
            throw QBOError(kind: .invalidResponse, message: "response body is not valid UTF-8")
        }
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > maxDepth {
                    throw QBOError(kind: .invalidResponse, message: "response JSON nests deeper than \(maxDepth) levels")
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            default:
                break
            }
        }
    }
}
