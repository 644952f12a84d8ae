/// A parsed `SELECT ... FROM <Entity> [WHERE ...] [ORDERBY ...] [STARTPOSITION n] [MAXRESULTS m]`.
struct EntityQuery: Sendable, Equatable {
    enum Selection: Sendable, Equatable {
        case all
        case count
        case properties([String])
    }

    enum Operator: String, Sendable, Equatable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case like = "LIKE"
        case `in` = "IN"
    }

    /// A literal on the right of a condition; QBO writes most as quoted strings.
    enum Literal: Sendable, Equatable {
        case string(String)
        case number(String)
        case bool(Bool)

        var text: String {
            switch self {
            case .string(let text), .number(let text): return text
            case .bool(let value): return value ? "true" : "false"
            }
        }
    }

    struct Condition: Sendable, Equatable {
        var property: String
        var op: Operator
        var values: [Literal]
    }

    struct Ordering: Sendable, Equatable {
        var property: String
        var ascending: Bool
    }

    static let defaultMaxResults = 100
    static let maximumMaxResults = 1000

    var entity: EntityKind
    var selection: Selection = .all
    var conditions: [Condition] = []
    var ordering: [Ordering] = []
    /// 1-based.
    var startPosition = 1
    var maxResults = EntityQuery.defaultMaxResults
}
