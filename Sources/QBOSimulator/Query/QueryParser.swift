/// Parses QBO's query language: keywords in any case, `AND` only (QBO has no `OR`),
/// `=`, `!=`, `<`, `<=`, `>`, `>=`, `LIKE` (with `%`), `IN (...)`.
///
/// Syntax errors are 4000 "Error parsing query" in the words of QBO's JavaCC parser; an
/// unknown entity or property is 4001 "Invalid query".
struct QueryParser {
    private var tokens: [QueryToken]
    private var position = 0

    static func parse(_ text: String) throws(QBOFault) -> EntityQuery {
        var parser = QueryParser(tokens: try QueryLexer.tokens(text))
        return try parser.parseQuery()
    }

    private init(tokens: [QueryToken]) {
        self.tokens = tokens
    }

    private mutating func parseQuery() throws(QBOFault) -> EntityQuery {
        try expectKeyword("SELECT")
        let selection = try parseSelection()
        try expectKeyword("FROM")
        let entityToken = next()
        guard case .word(let entityName) = entityToken.kind else { throw unexpected(entityToken, expecting: "<IDENTIFIER>") }
        guard let entity = EntityKind(caseInsensitiveName: entityName) else {
            throw .invalidQuery("invalid context declaration: \(entityName)")
        }
        var query = EntityQuery(entity: entity)
        switch selection {
        case .properties(let names):
            var canonical: [String] = []
            for name in names { canonical.append(try property(name, of: entity)) }
            query.selection = .properties(canonical)
        default: query.selection = selection
        }
        while true {
            let token = peek()
            if case .end = token.kind { break }
            if isKeyword(token, "WHERE") {
                position += 1
                query.conditions.append(try parseCondition(entity))
                while isKeyword(peek(), "AND") {
                    position += 1
                    query.conditions.append(try parseCondition(entity))
                }
            } else if isKeyword(token, "ORDERBY") || isKeyword(token, "ORDER") {
                position += 1
                if isKeyword(token, "ORDER") { try expectKeyword("BY") }
                query.ordering = try parseOrdering(entity)
            } else if isKeyword(token, "STARTPOSITION") {
                position += 1
                query.startPosition = max(1, try parseCount())
            } else if isKeyword(token, "MAXRESULTS") {
                position += 1
                query.maxResults = min(EntityQuery.maximumMaxResults, try parseCount())
            } else {
                throw unexpected(token, expecting: "<EOF>")
            }
        }
        return query
    }

    private mutating func parseSelection() throws(QBOFault) -> EntityQuery.Selection {
        if case .symbol("*") = peek().kind {
            position += 1
            return .all
        }
        if isKeyword(peek(), "COUNT") {
            position += 1
            try expectSymbol("(")
            try expectSymbol("*")
            try expectSymbol(")")
            return .count
        }
        var names: [String] = []
        repeat {
            let token = next()
            guard case .word(let name) = token.kind else { throw unexpected(token, expecting: "<IDENTIFIER>") }
            names.append(name)
        } while consumeSymbol(",")
        return .properties(names)
    }

    private mutating func parseCondition(_ entity: EntityKind) throws(QBOFault) -> EntityQuery.Condition {
        let nameToken = next()
        guard case .word(let name) = nameToken.kind else { throw unexpected(nameToken, expecting: "<IDENTIFIER>") }
        let canonical = try property(name, of: entity)
        let opToken = next()
        if isKeyword(opToken, "IN") {
            try expectSymbol("(")
            var values: [EntityQuery.Literal] = []
            repeat { values.append(try parseLiteral()) } while consumeSymbol(",")
            try expectSymbol(")")
            return EntityQuery.Condition(property: canonical, op: .in, values: values)
        }
        if isKeyword(opToken, "LIKE") {
            let literalToken = peek()
            let value = try parseLiteral()
            guard case .string = value else { throw unexpected(literalToken, expecting: "<STRING>") }
            return EntityQuery.Condition(property: canonical, op: .like, values: [value])
        }
        guard case .symbol(let symbol) = opToken.kind,
            let op = EntityQuery.Operator(rawValue: symbol == "<>" ? "!=" : symbol)
        else { throw unexpected(opToken, expecting: "\"=\" ...\n    \"IN\" ...\n    \"LIKE\"") }
        return EntityQuery.Condition(property: canonical, op: op, values: [try parseLiteral()])
    }

    private mutating func parseLiteral() throws(QBOFault) -> EntityQuery.Literal {
        let token = next()
        switch token.kind {
        case .string(let text): return .string(text)
        case .number(let text): return .number(text)
        case .word(let word) where word.lowercased() == "true": return .bool(true)
        case .word(let word) where word.lowercased() == "false": return .bool(false)
        default: throw unexpected(token, expecting: "<STRING>")
        }
    }

    private mutating func parseOrdering(_ entity: EntityKind) throws(QBOFault) -> [EntityQuery.Ordering] {
        var orderings: [EntityQuery.Ordering] = []
        repeat {
            let token = next()
            guard case .word(let name) = token.kind else { throw unexpected(token, expecting: "<IDENTIFIER>") }
            var ordering = EntityQuery.Ordering(property: try property(name, of: entity), ascending: true)
            if isKeyword(peek(), "DESC") {
                position += 1
                ordering.ascending = false
            } else if isKeyword(peek(), "ASC") {
                position += 1
            }
            orderings.append(ordering)
        } while consumeSymbol(",")
        return orderings
    }

    private mutating func parseCount() throws(QBOFault) -> Int {
        let token = next()
        guard case .number(let text) = token.kind, let value = Int(text) else {
            throw unexpected(token, expecting: "<INTEGER>")
        }
        return value
    }

    private func property(_ name: String, of entity: EntityKind) throws(QBOFault) -> String {
        guard let canonical = entity.queryableProperty(name) else {
            throw .invalidQuery("property '\(name)' is not queryable")
        }
        return canonical
    }

    // MARK: Tokens

    private func peek() -> QueryToken {
        tokens[min(position, tokens.count - 1)]
    }

    private mutating func next() -> QueryToken {
        defer { position += 1 }
        return peek()
    }

    private func isKeyword(_ token: QueryToken, _ keyword: String) -> Bool {
        if case .word(let word) = token.kind { return word.uppercased() == keyword }
        return false
    }

    private mutating func expectKeyword(_ keyword: String) throws(QBOFault) {
        let token = next()
        guard isKeyword(token, keyword) else { throw unexpected(token, expecting: "\"\(keyword)\"") }
    }

    private mutating func expectSymbol(_ symbol: String) throws(QBOFault) {
        let token = next()
        guard token.kind == .symbol(symbol) else { throw unexpected(token, expecting: "\"\(symbol)\"") }
    }

    private mutating func consumeSymbol(_ symbol: String) -> Bool {
        guard peek().kind == .symbol(symbol) else { return false }
        position += 1
        return true
    }

    private func unexpected(_ token: QueryToken, expecting: String) -> QBOFault {
        .queryParser(
            "Encountered \" \"\(token.text)\" \"\(token.text.uppercased()) \"\" at line 1, column \(token.column).\n"
                + "Was expecting:\n    \(expecting) ...\n    ")
    }
}
