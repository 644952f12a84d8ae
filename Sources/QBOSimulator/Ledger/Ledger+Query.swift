extension Ledger {
    /// The rows a query needs to look at, oldest first: only the matching row when it asks
    /// for one `Id` or `DocNumber` (the read-back a sync client makes before re-creating),
    /// otherwise every row. The query's own conditions still decide what matches.
    func candidates(for query: EntityQuery) -> [JSONObject] {
        for condition in query.conditions where condition.op == .equal {
            guard case .string(let literal)? = condition.values.first else { continue }
            // The index is exact; text with letters may differ in case, which QBO ignores.
            let caseless = literal.lowercased() == literal.uppercased()
            if condition.property == "Id", caseless {
                return entity(query.entity, literal).map { [$0.body] } ?? []
            }
            if condition.property == "DocNumber", caseless, query.entity.hasUniqueDocNumber {
                return holders(ofDocNumber: literal, kind: query.entity).map(\.body)
            }
        }
        return all(query.entity).map(\.body)
    }
}
