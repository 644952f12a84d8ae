import QBSyncCore
import QBSyncRPC
import QBSyncStore
import QBSyncWire

extension QuickBooksSyncService {
    public func getRecord(_ request: GetRecordRequest, context: ServerContext) async throws -> GetRecordResponse {
        guard let ref = request.ref else { throw FieldRules.invalid("ref", "is required") }
        try FieldRules.companyID(ref.companyID, field: "ref.company_id")
        try FieldRules.entity(ref.entity, field: "ref.entity", required: true)
        try FieldRules.externalID(ref.externalID, field: "ref.external_id")
        guard request.historyLimit <= 1000 else { throw FieldRules.invalid("history_limit", "must be at most 1000") }
        let key = RecordKey(companyID: ref.companyID, entity: ref.entity, externalID: ref.externalID)
        return try await self.mapping {
            try self.engine.store.read { database in
                guard let row = try database.record(key) else {
                    throw RPCError(code: .notFound, message: "\(ref.entity.label) \(ref.externalID) of company \(ref.companyID) is not known to qbsync")
                }
                let history = request.historyLimit == 0 ? [] : try database.history(recordID: row.id, limit: Int(request.historyLimit))
                let content = (try? RecordPayload(row: row))?.json ?? "{}"
                return GetRecordResponse(
                    record: self.engine.view.record(row, blockers: try database.blockers(of: row.id)),
                    history: history.map {
                        StatusChange(sequence: $0.sequence, at: $0.at, fromStatus: $0.fromStatus, toStatus: $0.toStatus, note: $0.note, error: $0.error)
                    },
                    contentJson: content,
                    candidates: row.state.candidates.map(\.message)
                )
            }
        }
    }

    public func listRecords(_ request: ListRecordsRequest, context: ServerContext) async throws -> ListRecordsResponse {
        try FieldRules.companyID(request.companyID)
        try FieldRules.entity(request.entity, field: "entity", required: false)
        let statuses = try FieldRules.statusFilter(request.statuses, field: "statuses")
        let pageSize = try FieldRules.pageSize(request.pageSize, field: "page_size")
        let after = try FieldRules.pageToken(request.pageToken, field: "page_token")
        return try await self.mapping {
            try self.engine.store.read { database in
                guard try database.company(request.companyID) != nil else {
                    throw RPCError(code: .notFound, message: "company \(request.companyID) is not known")
                }
                let rows = try database.records(
                    companyID: request.companyID,
                    entity: request.entity == .unspecified ? nil : request.entity,
                    statuses: statuses,
                    afterID: after,
                    limit: pageSize + 1
                )
                var response = ListRecordsResponse()
                for row in rows.prefix(pageSize) {
                    response.records.append(self.engine.view.record(row, blockers: row.status == .blocked ? try database.blockers(of: row.id) : []))
                }
                if rows.count > pageSize, let last = rows.prefix(pageSize).last { response.nextPageToken = String(last.id) }
                return response
            }
        }
    }

    public func resync(_ request: ResyncRequest, context: ServerContext) async throws -> ResyncResponse {
        try FieldRules.companyID(request.companyID)
        switch request.target {
        case .record(let ref)?:
            try FieldRules.entity(ref.entity, field: "record.entity", required: true)
            try FieldRules.externalID(ref.externalID, field: "record.external_id")
            guard ref.companyID.isEmpty || ref.companyID == request.companyID else {
                throw FieldRules.invalid("record.company_id", "differs from company_id")
            }
            let record = try await self.mapping {
                try await self.engine.resync(RecordKey(companyID: request.companyID, entity: ref.entity, externalID: ref.externalID), force: request.force)
            }
            return ResyncResponse(requeued: 1, record: record)
        case .allErrored(let all)?:
            guard all else { throw FieldRules.invalid("all_errored", "must be true when set") }
            return ResyncResponse(requeued: UInt32(clamping: try await self.mapping { try await self.engine.resyncErrored(companyID: request.companyID) }))
        case nil:
            throw FieldRules.invalid("target", "name a record or set all_errored")
        }
    }

    public func bulkSync(_ request: BulkSyncRequest, writer: RPCWriter<BulkSyncProgress>, context: ServerContext) async throws {
        try FieldRules.companyID(request.companyID)
        let entities = try FieldRules.entityFilter(request.entities, field: "entities")
        try FieldRules.date(request.fromDate, field: "from_date", required: false)
        try FieldRules.date(request.toDate, field: "to_date", required: false)
        if !request.fromDate.isEmpty, !request.toDate.isEmpty, request.toDate < request.fromDate {
            throw FieldRules.invalid("to_date", "is before from_date")
        }
        let bulk = SyncEngine.BulkRequest(companyID: request.companyID, entities: entities, fromDate: request.fromDate,
                                          toDate: request.toDate, force: request.force, dryRun: request.dryRun)
        try await self.mapping {
            try await self.engine.bulkSync(bulk) { progress in try await writer.write(progress) }
        }
    }

    public func getHealth(_ request: GetHealthRequest, context: ServerContext) async throws -> GetHealthResponse {
        if !request.companyID.isEmpty { try FieldRules.companyID(request.companyID) }
        guard request.errorLimit <= 100 else { throw FieldRules.invalid("error_limit", "must be at most 100") }
        return try await self.mapping {
            try await self.engine.health(companyID: request.companyID.isEmpty ? nil : request.companyID, errorLimit: Int(request.errorLimit))
        }
    }
}

extension QuickBooksSyncService {
    public func listQBOEntities(_ request: ListQBOEntitiesRequest, context: ServerContext) async throws -> ListQBOEntitiesResponse {
        try FieldRules.companyID(request.companyID)
        switch request.list {
        case .unspecified: throw FieldRules.invalid("list", "is required")
        case .unrecognized: throw FieldRules.invalid("list", "has a value this server does not know")
        default: break
        }
        try FieldRules.text(request.nameContains, field: "name_contains", max: 100)
        let pageSize = try FieldRules.pageSize(request.pageSize, field: "page_size")
        let after = try FieldRules.pageToken(request.pageToken, field: "page_token")
        return try await self.mapping {
            try await self.engine.listQBO(
                companyID: request.companyID, list: request.list, nameContains: request.nameContains,
                includeInactive: request.includeInactive, pageSize: pageSize, after: Int(after)
            )
        }
    }

    // MARK: Drift

    public func checkDrift(_ request: CheckDriftRequest, context: ServerContext) async throws -> CheckDriftResponse {
        try FieldRules.companyID(request.companyID)
        let check = try await self.mapping {
            _ = try self.engine.company(request.companyID)  // NOT_FOUND for an unknown company
            return try await self.engine.checkDrift(companyID: request.companyID)
        }
        return CheckDriftResponse(changesRead: UInt32(clamping: check.changesRead), drifted: check.drifted,
                                  checkedThrough: check.checkedThrough, requests: UInt32(clamping: check.requests))
    }

    public func acceptDrift(_ request: AcceptDriftRequest, context: ServerContext) async throws -> AcceptDriftResponse {
        guard let ref = request.ref else { throw FieldRules.invalid("ref", "is required") }
        try FieldRules.companyID(ref.companyID, field: "ref.company_id")
        try FieldRules.entity(ref.entity, field: "ref.entity", required: true)
        try FieldRules.externalID(ref.externalID, field: "ref.external_id")
        let (record, accepted) = try await self.mapping {
            try await self.engine.acceptDrift(RecordKey(companyID: ref.companyID, entity: ref.entity, externalID: ref.externalID))
        }
        return AcceptDriftResponse(record: record, accepted: accepted)
    }

    public func reconcile(_ request: ReconcileRequest, context: ServerContext) async throws -> ReconcileResponse {
        try FieldRules.companyID(request.companyID)
        try FieldRules.date(request.fromDate, field: "from_date", required: false)
        try FieldRules.date(request.toDate, field: "to_date", required: false)
        let to = request.toDate.isEmpty ? Clock.date(milliseconds: Clock.milliseconds()) : request.toDate
        let from = request.fromDate.isEmpty ? Clock.date(milliseconds: Clock.milliseconds() - 30 * 86_400_000) : request.fromDate
        guard from <= to else { throw FieldRules.invalid("from_date", "is after to_date") }
        guard request.entities.count <= 32 else { throw FieldRules.invalid("entities", "names more than 32 entity types") }
        for (index, entity) in request.entities.enumerated() {
            switch entity {
            case .invoice, .payment, .refund, .bill, .billPayment, .expense, .purchaseOrder, .customer: continue
            default: throw FieldRules.invalid("entities[\(index)]", "is not something qbsync reconciles (invoices, payments, refunds, bills, bill payments, expenses, purchase orders, customers' balances)")
            }
        }
        return try await self.mapping {
            _ = try self.engine.company(request.companyID)
            return try await self.engine.reconcile(companyID: request.companyID, from: from, to: to, entities: Array(Set(request.entities)).sorted { $0.wireValue < $1.wireValue })
        }
    }
}
