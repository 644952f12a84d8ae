import Foundation

/// What a query returns: a page of entities, or a `COUNT(*)`.
enum QueryResult: Sendable, Equatable {
    case page([JSONObject], startPosition: Int)
    case count(Int)

    /// The `QueryResponse` object; an empty page is `{}` with no entity key, exactly as QBO
    /// sends it. A page of transactions also carries `totalCount`, which QBO sets to the
    /// rows of this page, not to every match (that takes a `COUNT(*)`); a page of a name
    /// list has none, as the recorded customer query shows.
    func responseObject(for entity: EntityKind) -> JSONObject {
        switch self {
        case .count(let total):
            return ["totalCount": .number(Decimal(total))]
        case .page(let rows, _) where rows.isEmpty:
            return [:]
        case .page(let rows, let start):
            var response: JSONObject = [
                entity.name: .array(rows.map(JSONValue.object)), "startPosition": .number(Decimal(start)),
                "maxResults": .number(Decimal(rows.count)),
            ]
            if entity.isTransaction { response["totalCount"] = .number(Decimal(rows.count)) }
            return response
        }
    }
}

extension EntityQuery {
    /// Runs the query over `rows`, in QBO's default order unless it says `ORDERBY`. Name
    /// lists answer only active rows unless the query mentions `Active`, as QBO's do.
    func evaluate(over rows: [JSONObject]) -> QueryResult {
        if selection == .count { return .count(self.matching(rows).count) }
        return self.page(of: self.listing(over: rows))
    }

    /// The query without its paging: what every page of it is cut from.
    var listingKey: EntityQuery {
        var key = self
        key.startPosition = 1
        key.maxResults = 0
        return key
    }

    /// The rows that match, in the order pages are cut from (QBO's default order, then `ORDERBY`).
    func listing(over rows: [JSONObject]) -> [JSONObject] {
        var matching = Self.inDefaultOrder(self.matching(rows), of: entity)
        if !ordering.isEmpty {
            matching = matching.enumerated().sorted { left, right in
                for order in ordering {
                    let comparison = Self.compare(
                        Self.value(of: order.property, in: left.element), Self.value(of: order.property, in: right.element),
                        property: order.property)
                    if comparison != .orderedSame {
                        return order.ascending ? comparison == .orderedAscending : comparison == .orderedDescending
                    }
                }
                return left.offset < right.offset
            }.map(\.element)
        }
        return matching
    }

    /// This query's page of a ``listing(over:)``.
    func page(of listing: [JSONObject]) -> QueryResult {
        let page = listing.dropFirst(startPosition - 1).prefix(maxResults)
        if case .properties(let names) = selection {
            return .page(page.map { Self.project($0, onto: names) }, startPosition: startPosition)
        }
        return .page(Array(page), startPosition: startPosition)
    }

    private func matching(_ rows: [JSONObject]) -> [JSONObject] {
        let mentionsActive = conditions.contains { $0.property == "Active" }
        return rows.filter { row in
            if entity.hasActiveFlag, !mentionsActive, row["Active"]?.boolValue == false { return false }
            return conditions.allSatisfy { $0.matches(row) }
        }
    }

    private static func project(_ row: JSONObject, onto names: [String]) -> JSONObject {
        var projected: JSONObject = ["domain": "QBO", "sparse": true, "Id": row["Id"] ?? .null]
        for name in names where !name.contains(".") {
            if let value = row[name] { projected[name] = value }
        }
        return projected
    }

    /// The comparable value of a property: a reference's `value`, an email's `Address`, a
    /// phone's `FreeFormNumber`; QBO compares these, not the objects.
    static func value(of property: String, in row: JSONObject) -> JSONValue? {
        if property.hasPrefix("MetaData.") {
            return row["MetaData"]?[String(property.dropFirst("MetaData.".count))]
        }
        guard let raw = row[property] else { return nil }
        if case .object(let object) = raw {
            return object["value"] ?? object["Address"] ?? object["FreeFormNumber"] ?? object["URI"]
        }
        return raw
    }

    static func compare(_ left: JSONValue?, _ right: JSONValue?, property: String) -> ComparisonResult {
        switch (left, right) {
        case (nil, nil): return .orderedSame
        case (nil, _): return .orderedAscending
        case (_, nil): return .orderedDescending
        case (.number(let a)?, .number(let b)?): return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
        case (.bool(let a)?, .bool(let b)?): return a == b ? .orderedSame : (!a ? .orderedAscending : .orderedDescending)
        default:
            return compareText(left?.stringValue ?? left?.jsonText ?? "", right?.stringValue ?? right?.jsonText ?? "",
                property: property)
        }
    }

    /// Integers compare as numbers (Ids), dates and times as instants, the rest as text
    /// ignoring case.
    static func compareText(_ left: String, _ right: String, property: String) -> ComparisonResult {
        if let a = Int(left), let b = Int(right) {
            return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
        }
        if property.hasSuffix("Date") || property.hasSuffix("Time"), let a = QBOTime.epochSeconds(left),
            let b = QBOTime.epochSeconds(right)
        {
            return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
        }
        let a = left.lowercased()
        let b = right.lowercased()
        return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
    }
}

extension EntityQuery.Condition {
    func matches(_ row: JSONObject) -> Bool {
        guard let value = EntityQuery.value(of: property, in: row), value != .null else { return false }
        switch op {
        case .like:
            guard let text = value.stringValue else { return false }
            return Self.like(text.lowercased(), pattern: values.first?.text.lowercased() ?? "")
        case .in:
            return values.contains { compare(value, $0) == .orderedSame }
        case .equal: return compare(value, values[0]) == .orderedSame
        case .notEqual: return compare(value, values[0]).map { $0 != .orderedSame } ?? false
        case .less: return compare(value, values[0]) == .orderedAscending
        case .lessOrEqual: return compare(value, values[0]).map { $0 != .orderedDescending } ?? false
        case .greater: return compare(value, values[0]) == .orderedDescending
        case .greaterOrEqual: return compare(value, values[0]).map { $0 != .orderedAscending } ?? false
        }
    }

    /// Compares a stored value with a literal; nil when they cannot be compared.
    private func compare(_ value: JSONValue, _ literal: EntityQuery.Literal) -> ComparisonResult? {
        switch value {
        case .number(let number):
            guard let other = Decimal.exactly(literal.text) else { return nil }
            return number == other ? .orderedSame : (number < other ? .orderedAscending : .orderedDescending)
        case .bool(let flag):
            guard let other = JSONValue.string(literal.text.lowercased()).boolValue else { return nil }
            return flag == other ? .orderedSame : (!flag ? .orderedAscending : .orderedDescending)
        case .string(let text):
            return EntityQuery.compareText(text, literal.text, property: property)
        default:
            return nil
        }
    }

    /// SQL LIKE with `%` as the only wildcard.
    static func like(_ text: String, pattern: String) -> Bool {
        let parts = pattern.split(separator: "%", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return text == pattern }
        var remainder = Substring(text)
        guard remainder.hasPrefix(parts[0]) else { return false }
        remainder = remainder.dropFirst(parts[0].count)
        for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
            guard let range = remainder.range(of: middle) else { return false }
            remainder = remainder[range.upperBound...]
        }
        return remainder.hasSuffix(parts[parts.count - 1])
    }
}
