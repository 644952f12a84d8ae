import Logging
import QBSyncCore
import QBSyncRPC
import QBSyncStore
import QBSyncWire

/// The `QuickBooksSync` service: validates each request, hands it to the
/// sync core, and shapes the answer.
public struct QuickBooksSyncService: QuickBooksSyncHandler {
    let engine: SyncEngine
    let logger: Logger
    /// How long LinkCustomer and VoidPayment wait for QBO before answering PENDING.
    let settleTimeout: Duration
    /// Events a StreamSyncEvents subscriber may lag behind before its stream
    /// is ended RESOURCE_EXHAUSTED with where to resume.
    let subscriberBuffer: Int

    /// Creates the service over an engine.
    ///
    /// - Parameters:
    ///   - engine: The sync core.
    ///   - settleTimeout: Longest wait for QBO inside LinkCustomer and VoidPayment.
    ///   - subscriberBuffer: Events a stream subscriber may lag behind.
    ///   - logger: Where the service logs.
    public init(
        engine: SyncEngine,
        settleTimeout: Duration = .seconds(10),
        subscriberBuffer: Int = QuickBooksSyncService.defaultSubscriberBuffer,
        logger: Logger = Logger(label: "qbsync.service")
    ) {
        self.engine = engine
        self.settleTimeout = settleTimeout
        self.subscriberBuffer = subscriberBuffer
        self.logger = logger
    }

    /// The time left before the caller's deadline, less a margin for the reply.
    func waitBudget(_ context: ServerContext) -> Duration {
        guard let deadline = context.deadline else { return self.settleTimeout }
        let left = deadline - .now
        // Keep a fifth of the time (at most 200 ms) to answer.
        let margin = min(.milliseconds(200), left / 5)
        return max(.zero, min(self.settleTimeout, left - margin))
    }

    /// Store and engine failures the caller cannot act on are INTERNAL; RPC errors pass through.
    func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RPCError {
            throw error
        } catch let error as any DatabaseFailure where error.isStorageFull {
            self.logger.error("store full", metadata: ["error": "\(error)", "database": "\(self.engine.store.path)"])
            throw RPCError(
                code: .resourceExhausted,
                message: "disk full: the database \(self.engine.store.path) cannot grow, so nothing was stored; free space on its file system, then retry",
                cause: error
            )
        } catch let error as any DatabaseFailure {
            self.logger.error("store failure", metadata: ["error": "\(error)"])
            throw RPCError(code: .unavailable, message: "the store could not complete the request; retry", cause: error)
        }
    }

    // MARK: Companies

    public func connectCompany(_ request: ConnectCompanyRequest, context: ServerContext) async throws -> ConnectCompanyResponse {
        try FieldRules.validate(request)
        return ConnectCompanyResponse(company: try await self.mapping {
            try await self.engine.connect(companyID: request.companyID, credentials: request.credentials!, settings: request.settings)
        })
    }

    public func disconnectCompany(_ request: DisconnectCompanyRequest, context: ServerContext) async throws -> DisconnectCompanyResponse {
        try FieldRules.companyID(request.companyID)
        return DisconnectCompanyResponse(company: try await self.mapping { try await self.engine.disconnect(companyID: request.companyID) })
    }

    public func getCompany(_ request: GetCompanyRequest, context: ServerContext) async throws -> GetCompanyResponse {
        try FieldRules.companyID(request.companyID)
        return GetCompanyResponse(company: try await self.mapping { try self.engine.company(request.companyID) })
    }

    public func updateCompanySettings(_ request: UpdateCompanySettingsRequest, context: ServerContext) async throws -> UpdateCompanySettingsResponse {
        try FieldRules.companyID(request.companyID)
        if case .unrecognized = request.invoicePolicy { throw FieldRules.invalid("invoice_policy", "has a value this server does not know") }
        let toggles = try FieldRules.validateToggles(request)
        if case .unrecognized = request.driftPolicy { throw FieldRules.invalid("drift_policy", "has a value this server does not know") }
        let (company, changed) = try await self.mapping {
            try await self.engine.updateSettings(companyID: request.companyID, autoCreateCustomers: request.autoCreateCustomers,
                                                 invoicePolicy: request.invoicePolicy, enable: toggles.enable, disable: toggles.disable,
                                                 driftPolicy: request.driftPolicy)
        }
        return UpdateCompanySettingsResponse(company: company, recordsRequeued: UInt32(clamping: changed))
    }

    // MARK: Mappings

    public func setMapping(_ request: SetMappingRequest, context: ServerContext) async throws -> SetMappingResponse {
        try FieldRules.companyID(request.companyID)
        let mapping = try FieldRules.validate(request.mapping, field: "mapping")
        let (stored, unblocked) = try await self.mapping { try await self.engine.setMapping(companyID: request.companyID, mapping) }
        return SetMappingResponse(mapping: stored, recordsUnblocked: UInt32(clamping: unblocked))
    }

    public func deleteMapping(_ request: DeleteMappingRequest, context: ServerContext) async throws -> DeleteMappingResponse {
        try FieldRules.companyID(request.companyID)
        try FieldRules.mappingKind(request.kind, field: "kind", required: true)
        try FieldRules.text(request.externalCode, field: "external_code", max: 100, required: true)
        return DeleteMappingResponse(deleted: try await self.mapping {
            try await self.engine.deleteMapping(companyID: request.companyID, kind: request.kind, code: request.externalCode)
        })
    }

    public func listMappings(_ request: ListMappingsRequest, context: ServerContext) async throws -> ListMappingsResponse {
        try FieldRules.companyID(request.companyID)
        try FieldRules.mappingKind(request.kind, field: "kind", required: false)
        let (mappings, unmapped) = try await self.mapping {
            try self.engine.mappings(companyID: request.companyID, kind: request.kind == .unspecified ? nil : request.kind)
        }
        return ListMappingsResponse(mappings: mappings, unmapped: unmapped)
    }

    public func autoMap(_ request: AutoMapRequest, context: ServerContext) async throws -> AutoMapResponse {
        try FieldRules.companyID(request.companyID)
        try FieldRules.mappingKind(request.kind, field: "kind", required: true)
        guard !request.entries.isEmpty else { throw FieldRules.invalid("entries", "name at least one code to map") }
        guard request.entries.count <= 1000 else { throw FieldRules.invalid("entries", "has more than 1000 codes") }
        for (index, entry) in request.entries.enumerated() {
            try FieldRules.text(entry.externalCode, field: "entries[\(index)].external_code", max: 100, required: true)
            try FieldRules.text(entry.name, field: "entries[\(index)].name", max: 200, required: true)
        }
        return try await self.mapping {
            try await self.engine.autoMap(companyID: request.companyID, kind: request.kind, entries: request.entries, dryRun: request.dryRun)
        }
    }
}
