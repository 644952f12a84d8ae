import QBSyncWire

extension FieldRules {
    /// Most entries a filter list (statuses, entity types) may carry. Each
    /// value appears once after deduplication, so no honest caller needs more.
    static let maxFilterEntries = 32

    /// A status filter: every entry known and set, at most
    /// ``maxFilterEntries`` entries; returned deduplicated and in wire order,
    /// so a query's shape depends on which statuses are asked for, not how often.
    static func statusFilter(_ statuses: [SyncStatus], field: String) throws(RPCError) -> [SyncStatus] {
        try self.filter(statuses, field: field) { status, index throws(RPCError) in
            if case .unrecognized = status { throw self.invalid("\(field)[\(index)]", "has a value this server does not know") }
            if status == .unspecified { throw self.invalid("\(field)[\(index)]", "is unspecified") }
        }
    }

    /// An entity-type filter, checked and deduplicated like ``statusFilter(_:field:)``.
    static func entityFilter(_ entities: [EntityType], field: String) throws(RPCError) -> [EntityType] {
        try self.filter(entities, field: field) { entity, index throws(RPCError) in
            try self.entity(entity, field: "\(field)[\(index)]", required: true)
        }
    }

    private static func filter<Value: Hashable>(
        _ values: [Value],
        field: String,
        check: (Value, Int) throws(RPCError) -> Void
    ) throws(RPCError) -> [Value] where Value: WireEnum {
        guard values.count <= self.maxFilterEntries else {
            throw self.invalid(field, "has \(values.count) entries; at most \(self.maxFilterEntries) are accepted (each value once is enough)")
        }
        var seen = Set<Value>()
        var unique: [Value] = []
        for (index, value) in values.enumerated() {
            try check(value, index)
            if seen.insert(value).inserted { unique.append(value) }
        }
        return unique.sorted { $0.wireValue < $1.wireValue }
    }
}
