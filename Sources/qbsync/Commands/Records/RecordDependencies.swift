import QBSyncClient
import QBSyncWire

/// One thing a record needs before it can go to QuickBooks, as the sync
/// core's own rule set (`DependencyRules`) names it.
struct RecordDependency {
    var reference: RecordReference

    var target: RecordReference.Target { self.reference.target }
    var ref: String { self.reference.ref }
    /// Blocker kinds that name this dependency when it is missing.
    var blockerKinds: Set<BlockerKind> { self.reference.blockerKinds }

    /// "item TENT-20", "customer c-17".
    var label: String {
        switch self.target {
        case .mapping(let kind): "\(kind.noun) \(self.ref)"
        case .record(let entity): "\(entity.label) \(self.ref)"
        }
    }

    /// The blocker this dependency would be, for its fix command.
    var missingBlocker: Blocker { Blocker(kind: self.reference.missingKind, ref: self.ref) }

    /// The dependencies named in a record's accepted content (GetRecordResponse.content_json).
    static func of(entity: EntityType, contentJSON: String, company: String) -> [RecordDependency] {
        guard let document = try? JSONDocuments.parse(contentJSON, source: "content").first?.value else { return [] }
        let references: [RecordReference]
        switch entity {
        case .invoice: references = (try? Invoice(protoJSON: document)).map(DependencyRules.references(of:)) ?? []
        case .payment: references = (try? Payment(protoJSON: document)).map(DependencyRules.references(of:)) ?? []
        case .refund: references = (try? Refund(protoJSON: document)).map(DependencyRules.references(of:)) ?? []
        case .bill: references = (try? Bill(protoJSON: document)).map(DependencyRules.references(of:)) ?? []
        case .billPayment: references = (try? BillPayment(protoJSON: document)).map(DependencyRules.references(of:)) ?? []
        case .purchaseOrder: references = (try? PurchaseOrder(protoJSON: document)).map(DependencyRules.references(of:)) ?? []
        case .expense: references = (try? Expense(protoJSON: document)).map(DependencyRules.references(of:)) ?? []
        case .item: references = (try? Item(protoJSON: document)).map(DependencyRules.references(of:)) ?? []
        default: references = []
        }
        return references.map(RecordDependency.init)
    }
}

/// What the service says about each dependency now: mapped to what, synced as what.
struct DependencyFacts {
    var mappings: [MappingKind: [String: Mapping]] = [:]
    var records: [String: SyncRecord] = [:]

    static func load(_ dependencies: [RecordDependency], company: String, client: QBSyncClient) async -> DependencyFacts {
        var facts = DependencyFacts()
        if dependencies.contains(where: { if case .mapping = $0.target { true } else { false } }),
           let list = try? await client.listMappings(ListMappingsRequest(companyID: company))
        {
            for mapping in list.mappings { facts.mappings[mapping.kind, default: [:]][mapping.externalCode] = mapping }
        }
        for dependency in dependencies {
            guard case .record(let entity) = dependency.target else { continue }
            let ref = RecordRef(companyID: company, entity: entity, externalID: dependency.ref)
            if let record = try? await client.getRecord(GetRecordRequest(ref: ref)).record {
                facts.records[dependency.label] = record
            }
        }
        return facts
    }

    /// Whether the dependency is met now, and how ("→ Equipment Rental (QBO 3)").
    func check(_ dependency: RecordDependency) -> (met: Bool, note: String) {
        switch dependency.target {
        case .mapping(let kind):
            guard let mapping = self.mappings[kind]?[dependency.ref] else { return (false, "not mapped") }
            let name = mapping.qboName.isEmpty ? "" : "\(mapping.qboName), "
            return (true, "mapped to \(name)\(kind.qboNoun) \(mapping.qboID)")
        case .record(let entity):
            guard let record = self.records[dependency.label] else { return (false, "not known to qbsync") }
            if record.status == .synced {
                return (true, entity == .customer ? "linked to QBO customer \(record.qboID)" : "synced as QBO \(record.qboEntity) \(record.qboID)")
            }
            return (false, "is \(record.status.label)")
        }
    }
}
