import Foundation

/// A QBO query (`SELECT * FROM Customer WHERE ...`) built from typed parts, so
/// values are always quoted and escaped the way QBO's lexer expects.
///
/// ```swift
/// let query = QBOQuery<QBO.Customer>.select()
///     .where("DisplayName", .equals, "Amy's Bird Sanctuary")
///     .where("Active", .equals, true)
///     .orderBy("Id")
/// ```
///
/// Strings are single-quoted with `\` escaped as `\\` and `'` as `\'`; curly
/// quotes (‘ ’ “ ”), which break QBO's lexer, become straight ones first.
/// Non-ASCII text is kept; the whole statement is percent-encoded for the URL
/// (``percentEncoded``), so `&`, `%`, `#` and `+` survive.
public struct QBOQuery<Entity: QBOEntity>: Sendable {
    /// A field name such as `DisplayName` or `MetaData.LastUpdatedTime`.
    public struct Field: Sendable, Hashable, ExpressibleByStringLiteral {
        /// The field name.
        public let name: String

        /// Validates a field name built at run time.
        /// - Parameter name: Letters, digits, `_` and `.` only.
        public init?(validating name: String) {
            guard Self.isValid(name) else { return nil }
            self.name = name
        }

        /// A field name written in code. A literal with other characters is a
        /// programming error and stops the program.
        /// - Parameter value: The field name.
        public init(stringLiteral value: String) {
            precondition(Self.isValid(value), "invalid QBO query field name: \(value)")
            self.name = value
        }

        private static func isValid(_ name: String) -> Bool {
            !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ".") }
        }
    }

    /// A literal value in a condition.
    public enum Value: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
        /// Text, quoted and escaped.
        case string(String)
        /// A number, quoted as QBO's examples do (`TotalAmt > '300.00'`).
        case number(Decimal)
        /// `true` or `false`, unquoted.
        case bool(Bool)

        /// A string literal.
        /// - Parameter value: The text.
        public init(stringLiteral value: String) { self = .string(value) }
        /// An integer literal.
        /// - Parameter value: The number.
        public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
        /// A boolean literal.
        /// - Parameter value: The flag.
        public init(booleanLiteral value: Bool) { self = .bool(value) }

        var rendered: String {
            switch self {
            case .string(let text): QBOQueryEscaping.quote(text)
            case .number(let number): QBOQueryEscaping.quote(number.description)
            case .bool(let flag): flag ? "true" : "false"
            }
        }
    }

    /// A comparison operator.
    public enum Comparison: String, Sendable {
        /// `=`
        case equals = "="
        /// `!=`
        case notEquals = "!="
        /// `<`
        case lessThan = "<"
        /// `<=`
        case lessThanOrEqual = "<="
        /// `>`
        case greaterThan = ">"
        /// `>=`
        case greaterThanOrEqual = ">="
    }

    /// A sort direction.
    public enum SortDirection: String, Sendable {
        /// `ASC`
        case ascending = "ASC"
        /// `DESC`
        case descending = "DESC"
    }

    /// The most rows QBO returns per page.
    public static var maxPageSize: Int { 1000 }

    private var projection: String
    private var conditions: [String] = []
    private var ordering: [String] = []
    private var unchecked: String?
    /// The 1-based position of the first row, if set.
    public private(set) var startPosition: Int?
    /// The page size, if set (QBO's maximum is 1000).
    public private(set) var maxResults: Int?

    private init(projection: String) { self.projection = projection }

    /// `SELECT * FROM Entity`.
    public static func select() -> QBOQuery { QBOQuery(projection: "*") }

    /// `SELECT f1, f2 FROM Entity`: only these top-level fields (QBO adds
    /// `Id` and marks each row `sparse`), for reads that need a few fields of
    /// many rows. Fields the answer lacks decode as absent.
    /// - Parameter fields: One or more top-level field names.
    public static func select(_ fields: [Field]) -> QBOQuery {
        precondition(!fields.isEmpty && fields.allSatisfy { !$0.name.contains(".") }, "a projection names top-level fields")
        return QBOQuery(projection: fields.map(\.name).joined(separator: ", "))
    }

    /// `SELECT COUNT(*) FROM Entity`; run it with ``QBOClient/count(_:)``.
    public static func count() -> QBOQuery { QBOQuery(projection: "COUNT(*)") }

    /// A statement the builder cannot express, used verbatim. The caller is
    /// responsible for quoting and escaping values in it.
    /// - Parameter text: The whole statement.
    public init(unchecked text: String) {
        self.projection = "*"
        self.unchecked = text
    }

    /// Adds `field <op> value`, joined to earlier conditions with AND.
    /// - Parameters:
    ///   - field: The field.
    ///   - comparison: The operator.
    ///   - value: The value, escaped when rendered.
    public func `where`(_ field: Field, _ comparison: Comparison, _ value: Value) -> QBOQuery {
        adding("\(field.name) \(comparison.rawValue) \(value.rendered)")
    }

    /// Adds `field LIKE 'pattern'`; `%` in the pattern is QBO's wildcard.
    /// - Parameters:
    ///   - field: The field.
    ///   - pattern: The pattern, escaped when rendered.
    public func `where`(_ field: Field, like pattern: String) -> QBOQuery {
        adding("\(field.name) LIKE \(QBOQueryEscaping.quote(pattern))")
    }

    /// Adds `field IN ('a', 'b')`.
    /// - Parameters:
    ///   - field: The field.
    ///   - values: The accepted values; must not be empty.
    public func `where`(_ field: Field, in values: [Value]) -> QBOQuery {
        adding("\(field.name) IN (\(values.map(\.rendered).joined(separator: ", ")))")
    }

    /// Adds a sort key; several keys sort in the order added.
    /// - Parameters:
    ///   - field: The field.
    ///   - direction: Ascending by default.
    public func orderBy(_ field: Field, _ direction: SortDirection = .ascending) -> QBOQuery {
        var copy = self
        copy.ordering.append("\(field.name) \(direction.rawValue)")
        return copy
    }

    /// Sets the 1-based position of the first row.
    /// - Parameter position: At least 1.
    public func startPosition(_ position: Int) -> QBOQuery {
        var copy = self
        copy.startPosition = max(1, position)
        return copy
    }

    /// Sets the page size.
    /// - Parameter count: 1 to 1000.
    public func maxResults(_ count: Int) -> QBOQuery {
        var copy = self
        copy.maxResults = min(max(1, count), Self.maxPageSize)
        return copy
    }

    /// The statement as QBO reads it (before URL encoding).
    public var text: String {
        if let unchecked { return unchecked }
        var parts = ["SELECT \(projection) FROM \(Entity.entityName)"]
        if !conditions.isEmpty { parts.append("WHERE " + conditions.joined(separator: " AND ")) }
        if !ordering.isEmpty { parts.append("ORDERBY " + ordering.joined(separator: ", ")) }
        if let startPosition { parts.append("STARTPOSITION \(startPosition)") }
        if let maxResults { parts.append("MAXRESULTS \(maxResults)") }
        return parts.joined(separator: " ")
    }

    /// ``text`` percent-encoded for the `query` URL parameter.
    public var percentEncoded: String { PercentEncoding.encode(text) }

    private func adding(_ condition: String) -> QBOQuery {
        var copy = self
        copy.conditions.append(condition)
        return copy
    }
}

/// Quoting rules of QBO's query language.
public enum QBOQueryEscaping {
    /// Returns `text` as a single-quoted QBO string literal: curly quotes made
    /// straight, then `\` -> `\\` and `'` -> `\'`.
    /// - Parameter text: Any text, including non-ASCII.
    public static func quote(_ text: String) -> String {
        var escaped = "'"
        for character in text {
            switch character {
            case "\u{2018}", "\u{2019}", "'": escaped += "\\'"
            case "\u{201C}", "\u{201D}": escaped += "\""
            case "\\": escaped += "\\\\"
            default: escaped.append(character)
            }
        }
        return escaped + "'"
    }
}
