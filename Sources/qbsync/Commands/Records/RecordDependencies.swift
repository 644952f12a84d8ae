import QBSyncClient
import QBSyncWire

/// One thing a record needs before it can go to QuickBooks: its customer
/// linked, an item mapped, an invoice synced first.
struct RecordDependency {
    enum Target {
        case mapping(MappingKind)
        case record(EntityType)
    }

    var target: Target
    var ref: String
    /// Blocker kinds that name this dependency when it is missing.
    var blockerKinds: Set<BlockerKind>

    /// "item TENT-20", "customer c-17".
    var label: String {
        switch self.target {
        case .mapping(let kind): "\(kind.noun) \(self.ref)"
        case .record(let entity): "\(entity.label) \(self.ref)"
        }
    }

    /// The blocker this dependency would be, for its fix command.
    var missingBlocker: Blocker {
        switch self.target {
        case .mapping(.item): Blocker(kind: .itemNotMapped, ref: self.ref)
        case .mapping(.account): Blocker(kind: .accountNotMapped, ref: self.ref)
        case .mapping(.taxCode): Blocker(kind: .taxCodeNotMapped, ref: self.ref)
        case .mapping: Blocker(kind: .paymentMethodNotMapped, ref: self.ref)
        case .record(.customer): Blocker(kind: .customerNotLinked, ref: self.ref)
        case .record(.payment): Blocker(kind: .paymentNotSynced, ref: self.ref)
        case .record: Blocker(kind: .invoiceNotSynced, ref: self.ref)
        }
    }

    /// The dependencies named in a record's accepted content (GetRecordResponse.content_json).
    static func of(entity: EntityType, contentJSON: String, company: String) -> [RecordDependency] {
        guard let document = try? JSONDocuments.parse(contentJSON, source: "content").first?.value else { return [] }
        var result: [RecordDependency] = []
        func add(_ target: Target, _ ref: String, _ kinds: Set<BlockerKind>) {
            guard !ref.isEmpty, !result.contains(where: { $0.ref == ref && $0.label == RecordDependency(target: target, ref: ref, blockerKinds: kinds).label }) else { return }
            result.append(RecordDependency(target: target, ref: ref, blockerKinds: kinds))
        }
        let customerKinds: Set<BlockerKind> = [.customerNotLinked, .customerNeedsConfirmation]
        switch entity {
        case .invoice:
            guard let invoice = try? Invoice.decode(document, location: "content", company: company) else { return [] }
            add(.record(.customer), invoice.customerExternalID, customerKinds)
            for line in invoice.lines {
                if line.kind == .discount {
                    add(.mapping(.account), line.discountAccountCode, [.accountNotMapped])
                } else {
                    add(.mapping(.item), line.itemCode, [.itemNotMapped])
                    add(.mapping(.taxCode), line.taxCode, [.taxCodeNotMapped])
                }
            }
        case .payment:
            guard let payment = try? Payment.decode(document, location: "content", company: company) else { return [] }
            add(.record(.customer), payment.customerExternalID, customerKinds)
            add(.mapping(.paymentMethod), payment.methodCode, [.paymentMethodNotMapped])
            for application in payment.applications {
                add(.record(.invoice), application.invoiceExternalID, [.invoiceNotSynced, .unknownReference])
            }
        case .refund:
            guard let refund = try? Refund.decode(document, location: "content", company: company) else { return [] }
            switch refund.target {
            case .invoiceExternalID(let id)?: add(.record(.invoice), id, [.invoiceNotSynced, .unknownReference])
            case .paymentExternalID(let id)?: add(.record(.payment), id, [.paymentNotSynced, .unknownReference])
            case nil: break
            }
            add(.mapping(.item), refund.itemCode, [.itemNotMapped])
            add(.mapping(.account), refund.refundAccountCode, [.accountNotMapped])
        default:
            break
        }
        return result
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
