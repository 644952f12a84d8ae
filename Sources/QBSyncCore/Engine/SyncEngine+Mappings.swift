import QBOClient
import QBSyncStore
import QBSyncWire

extension SyncEngine {
    /// Stores a mapping; records blocked on it unblock in the same commit.
    public func setMapping(companyID: String, _ mapping: Mapping) async throws -> (Mapping, Int) {
        let unblocked = try await self.store.write { transaction -> Int in
            guard try transaction.company(companyID) != nil else {
                throw RPCError(code: .notFound, message: "company \(companyID) is not known")
            }
            try transaction.save(mapping, companyID: companyID)
            return try Dependencies.satisfied(Self.blockerKind(mapping.kind), ref: mapping.externalCode, companyID: companyID, in: transaction)
        }
        if unblocked > 0 { self.kick(companyID) }
        return (mapping, unblocked)
    }

    /// Deletes a mapping; records already in QBO keep their data.
    public func deleteMapping(companyID: String, kind: MappingKind, code: String) async throws -> Bool {
        try await self.store.write { transaction in
            guard try transaction.company(companyID) != nil else {
                throw RPCError(code: .notFound, message: "company \(companyID) is not known")
            }
            return try transaction.deleteMapping(kind, code, companyID: companyID)
        }
    }

    /// Mappings and the codes records are blocked on.
    public nonisolated func mappings(companyID: String, kind: MappingKind?) throws -> ([Mapping], [UnmappedCode]) {
        try self.store.read { database in
            guard try database.company(companyID) != nil else {
                throw RPCError(code: .notFound, message: "company \(companyID) is not known")
            }
            let mappings = try database.mappings(companyID: companyID, kind: kind)
            let unmapped = try database.blockingCodes(companyID: companyID).compactMap { code -> UnmappedCode? in
                guard let mappingKind = Self.mappingKind(code.kind), kind == nil || kind == mappingKind else { return nil }
                return UnmappedCode(kind: mappingKind, externalCode: code.ref, blockedRecords: UInt32(clamping: code.records))
            }
            return (mappings, unmapped)
        }
    }

    /// Maps codes to QBO objects with the same name (case-insensitive).
    public func autoMap(companyID: String, kind: MappingKind, entries: [AutoMapEntry], dryRun: Bool) async throws -> AutoMapResponse {
        let client = try await self.client(companyID)
        let named: [(id: String, name: String)]
        do {
            switch kind {
            case .item: named = try await client.queryAll(QBOQuery<QBO.Item>.select()).filter { $0.active != false }.map { ($0.id ?? "", $0.name ?? "") }
            case .account, .paymentMethod: named = try await client.queryAll(QBOQuery<QBO.Account>.select()).filter { $0.active != false }.map { ($0.id ?? "", $0.name ?? "") }
            case .taxCode: named = try await client.queryAll(QBOQuery<QBO.TaxCode>.select()).filter { $0.active != false }.map { ($0.id ?? "", $0.name ?? "") }
            case .location: named = try await client.queryAll(QBOQuery<QBO.Department>.select()).filter { $0.active != false }.map { ($0.id ?? "", $0.name ?? "") }
            case .class: named = try await client.queryAll(QBOQuery<QBO.Class>.select()).filter { $0.active != false }.map { ($0.id ?? "", $0.name ?? "") }
            case .unspecified, .unrecognized: throw RPCError(code: .invalidArgument, message: "kind: a mapping kind is required")
            }
        } catch let error as QBOError {
            throw RPCError(code: .unavailable, message: "could not read \(kind) names from QuickBooks: \(error.message)", detail: FixHints.detail(error, retryable: error.isRetryable, subject: "auto-map"))
        }
        var byName: [String: [(id: String, name: String)]] = [:]
        for object in named { byName[object.name.lowercased(), default: []].append(object) }
        var response = AutoMapResponse()
        var toStore: [Mapping] = []
        for entry in entries {
            let matches = byName[entry.name.lowercased()] ?? []
            switch matches.count {
            case 0: response.unmatchedCodes.append(entry.externalCode)
            case 1: toStore.append(Mapping(kind: kind, externalCode: entry.externalCode, qboID: matches[0].id, qboName: matches[0].name))
            default: response.ambiguousCodes.append(entry.externalCode)
            }
        }
        response.mapped = toStore
        let mappings = toStore
        if !dryRun, !mappings.isEmpty {
            response.recordsUnblocked = UInt32(clamping: try await self.store.write { transaction -> Int in
                var unblocked = 0
                for mapping in mappings {
                    try transaction.save(mapping, companyID: companyID)
                    unblocked += try Dependencies.satisfied(Self.blockerKind(kind), ref: mapping.externalCode, companyID: companyID, in: transaction)
                }
                return unblocked
            })
            self.kick(companyID)
        }
        return response
    }

    static func blockerKind(_ kind: MappingKind) -> BlockerKind {
        switch kind {
        case .item: .itemNotMapped
        case .account: .accountNotMapped
        case .taxCode: .taxCodeNotMapped
        case .paymentMethod: .paymentMethodNotMapped
        case .location: .locationNotMapped
        case .class: .classNotMapped
        case .unspecified, .unrecognized: .unspecified
        }
    }

    static func mappingKind(_ kind: BlockerKind) -> MappingKind? {
        switch kind {
        case .itemNotMapped: .item
        case .accountNotMapped: .account
        case .taxCodeNotMapped: .taxCode
        case .paymentMethodNotMapped: .paymentMethod
        case .locationNotMapped: .location
        case .classNotMapped: .class
        default: nil
        }
    }
}
