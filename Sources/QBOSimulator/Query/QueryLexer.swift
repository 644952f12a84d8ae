/// One token of QBO's SQL-like query language.
struct QueryToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word(String)
        case string(String)
        case number(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    /// 1-based column, as QBO's parser errors report it.
    var column: Int

    var text: String {
        switch kind {
        case .word(let text), .number(let text), .symbol(let text): return text
        case .string(let text): return "'\(text)'"
        case .end: return "<EOF>"
        }
    }
}

/// Splits a query into tokens. Strings are single-quoted with `\'` for an apostrophe and
/// `\\` for a backslash; curly quotes are not quotes (QBO's lexer rejects them with 4000).
enum QueryLexer {
    static func tokens(_ query: String) throws(QBOFault) -> [QueryToken] {
        let scalars = Array(query.unicodeScalars)
        var tokens: [QueryToken] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let column = index + 1
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar == "'" {
                var text = String.UnicodeScalarView()
                index += 1
                var closed = false
                while index < scalars.count {
                    let next = scalars[index]
                    if next == "\\", index + 1 < scalars.count {
                        text.append(scalars[index + 1])
                        index += 2
                    } else if next == "'" {
                        index += 1
                        closed = true
                        break
                    } else {
                        text.append(next)
                        index += 1
                    }
                }
                guard closed else {
                    throw .queryParser(
                        "Lexical error at line 1, column \(scalars.count + 1).  Encountered: <EOF> after : \"'\(String(text))\"")
                }
                tokens.append(QueryToken(kind: .string(String(text)), column: column))
            } else if isWordStart(scalar) {
                var text = String.UnicodeScalarView()
                while index < scalars.count, isWordPart(scalars[index]) {
                    text.append(scalars[index])
                    index += 1
                }
                tokens.append(QueryToken(kind: .word(String(text)), column: column))
            } else if isDigit(scalar) {
                var text = String.UnicodeScalarView()
                while index < scalars.count, isDigit(scalars[index]) || scalars[index] == "." {
                    text.append(scalars[index])
                    index += 1
                }
                tokens.append(QueryToken(kind: .number(String(text)), column: column))
            } else if let symbol = symbol(at: index, in: scalars) {
                tokens.append(QueryToken(kind: .symbol(symbol), column: column))
                index += symbol.unicodeScalars.count
            } else {
                throw .queryParser(
                    "Encountered \" \"\(scalar)\" \"\(scalar) \"\" at line 1, column \(column).\nWas expecting:\n"
                        + "    <STRING> ...\n    ")
            }
        }
        tokens.append(QueryToken(kind: .end, column: scalars.count + 1))
        return tokens
    }

    private static func symbol(at index: Int, in scalars: [Unicode.Scalar]) -> String? {
        let two = index + 1 < scalars.count ? String(scalars[index]) + String(scalars[index + 1]) : ""
        if ["<=", ">=", "!=", "<>"].contains(two) { return two }
        let one = String(scalars[index])
        return ["=", "<", ">", "(", ")", ",", "*"].contains(one) ? one : nil
    }

    private static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }

    private static func isWordPart(_ scalar: Unicode.Scalar) -> Bool {
        isWordStart(scalar) || isDigit(scalar) || scalar == "."
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar >= "0" && scalar <= "9"
    }
}
