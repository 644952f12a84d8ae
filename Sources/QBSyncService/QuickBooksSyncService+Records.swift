import QBSyncCore
import QBSyncRPC
import QBSyncStore
import QBSyncWire

extension QuickBooksSyncService {
    // MARK: Customers

    public func linkCustomer(_ request: LinkCustomerRequest, context: ServerContext) async throws -> LinkCustomerResponse {
        let customer = try FieldRules.validate(request)
        let lane = try FieldRules.lane(context.metadata)
        let mode = request.mode == .unspecified ? LinkMode.auto : request.mode
        let link = try await self.mapping {
            try await self.engine.intake.linkCustomer(companyID: request.companyID, customer, mode: mode, qboCustomerID: request.qboCustomerID, lane: lane)
        }
        let settled = try await self.settle(link, context: context)
        return LinkCustomerResponse(outcome: settled.outcome, qboCustomerID: settled.row.qboID, candidates: settled.candidates, record: settled.record)
    }

    /// What a link came to: the record, and the outcome once QBO answered.
    struct SettledLink {
        var row: RecordRow
        var record: SyncRecord
        var outcome: LinkOutcome
        var candidates: [CustomerCandidate]
    }

    /// Waits (within the caller's deadline) for the engine to match, create
    /// or link a customer or vendor. A link QBO refused is the RPC's error.
    func settle(_ link: Intake.LinkRequest, context: ServerContext) async throws -> SettledLink {
        let key = link.record.key
        var row = link.record
        if link.immediateOutcome == nil || row.status == .pending {
            // Changed details of a linked customer or vendor are pushed as an update.
            self.engine.kick(key.companyID)
        }
        if link.immediateOutcome == nil {
            row = try await self.mapping { try await self.engine.settled(key, timeout: self.waitBudget(context)) } ?? row
        }
        let blockers = try await self.mapping { try self.engine.store.read { try $0.blockers(of: row.id) } }
        var settled = SettledLink(row: row, record: self.engine.view.record(row, blockers: blockers), outcome: .pending,
                                  candidates: row.state.candidates.map(\.message))
        if let immediate = link.immediateOutcome {
            settled.outcome = immediate
            return settled
        }
        switch row.status {
        case .synced, .blocked:
            settled.outcome = LinkOutcome(wireValue: row.state.linkOutcome)
        case .errored:
            let error = row.lastError ?? ErrorDetail()
            let code: RPCError.Code = switch error.errorClass {
            case .notFound: .notFound
            case .duplicate: .alreadyExists
            case .authDead: .failedPrecondition
            case .transient, .throttled: .unavailable
            default: .failedPrecondition
            }
            throw RPCError(code: code, message: "\(key.entity.label) \(key.externalID) could not be linked: \(error.message). \(error.fixHint)", detail: error)
        default:
            settled.outcome = .pending
        }
        return settled
    }

    public func unlinkCustomer(_ request: UnlinkCustomerRequest, context: ServerContext) async throws -> UnlinkCustomerResponse {
        try FieldRules.companyID(request.companyID)
        try FieldRules.externalID(request.externalID, field: "external_id")
        let (record, previous) = try await self.mapping { try await self.engine.intake.unlinkCustomer(companyID: request.companyID, externalID: request.externalID) }
        return UnlinkCustomerResponse(record: record, previousQBOCustomerID: previous)
    }

    public func listCustomers(_ request: ListCustomersRequest, context: ServerContext) async throws -> ListCustomersResponse {
        try FieldRules.companyID(request.companyID)
        if case .unrecognized = request.filter { throw FieldRules.invalid("filter", "has a value this server does not know") }
        let pageSize = try FieldRules.pageSize(request.pageSize, field: "page_size")
        let after = try FieldRules.pageToken(request.pageToken, field: "page_token")
        let statuses: [SyncStatus] = switch request.filter {
        case .mapped: [.synced]
        case .unmapped: [.pending, .syncing, .blocked, .errored, .skipped]
        default: []
        }
        return try await self.mapping {
            try self.engine.store.read { database in
                guard try database.company(request.companyID) != nil else {
                    throw RPCError(code: .notFound, message: "company \(request.companyID) is not known")
                }
                let rows = try database.records(companyID: request.companyID, entity: .customer, statuses: statuses, afterID: after, limit: pageSize + 1)
                var response = ListCustomersResponse()
                for row in rows.prefix(pageSize) {
                    let blockers = try database.blockers(of: row.id)
                    response.customers.append(CustomerSummary(
                        customer: try? Customer(unpacking: row.payload),
                        record: self.engine.view.record(row, blockers: blockers),
                        candidates: row.state.candidates.map(\.message)
                    ))
                }
                if rows.count > pageSize, let last = rows.prefix(pageSize).last { response.nextPageToken = String(last.id) }
                for counter in try database.counters(companyID: request.companyID) where counter.entity == .customer {
                    if counter.status == .synced { response.mappedCount += UInt64(clamping: counter.count) } else { response.unmappedCount += UInt64(clamping: counter.count) }
                }
                return response
            }
        }
    }

    // MARK: Transactions

    public func syncInvoice(_ request: SyncInvoiceRequest, context: ServerContext) async throws -> SyncInvoiceResponse {
        let invoice = try FieldRules.validate(request)
        let lane = try FieldRules.lane(context.metadata)
        let accepted = try await self.mapping { try await self.engine.intake.acceptInvoice(companyID: request.companyID, invoice, lane: lane) }
        if accepted.changed { self.engine.kick(request.companyID) }
        return SyncInvoiceResponse(record: accepted.record, changed: accepted.changed)
    }

    public func syncPayment(_ request: SyncPaymentRequest, context: ServerContext) async throws -> SyncPaymentResponse {
        let payment = try FieldRules.validate(request)
        let lane = try FieldRules.lane(context.metadata)
        let accepted = try await self.mapping { try await self.engine.intake.acceptPayment(companyID: request.companyID, payment, lane: lane) }
        if accepted.changed { self.engine.kick(request.companyID) }
        return SyncPaymentResponse(record: accepted.record, changed: accepted.changed)
    }

    public func refund(_ request: RefundRequest, context: ServerContext) async throws -> RefundResponse {
        let refund = try FieldRules.validate(request)
        let lane = try FieldRules.lane(context.metadata)
        let accepted = try await self.mapping { try await self.engine.intake.acceptRefund(companyID: request.companyID, refund, lane: lane) }
        if accepted.changed { self.engine.kick(request.companyID) }
        return RefundResponse(record: accepted.record, changed: accepted.changed)
    }

    public func voidPayment(_ request: VoidPaymentRequest, context: ServerContext) async throws -> VoidPaymentResponse {
        try FieldRules.companyID(request.companyID)
        try FieldRules.externalID(request.paymentExternalID, field: "payment_external_id")
        try FieldRules.text(request.reason, field: "reason", max: 1000)
        let (stored, already) = try await self.mapping {
            try await self.engine.intake.voidPayment(companyID: request.companyID, paymentExternalID: request.paymentExternalID, reason: request.reason)
        }
        var row = stored
        if !already, row.status == .pending || row.status == .syncing {
            self.engine.kick(request.companyID)
            row = try await self.mapping { try await self.engine.settled(row.key, timeout: self.waitBudget(context)) } ?? row
        }
        if row.status == .errored, let error = row.lastError, !row.voidedInQBO {
            let code: RPCError.Code = error.errorClass == .locked ? .failedPrecondition : (error.retryable ? .unavailable : .failedPrecondition)
            throw RPCError(code: code, message: "payment \(request.paymentExternalID) could not be voided in QuickBooks: \(error.message). \(error.fixHint)", detail: error)
        }
        let blockers = try await self.mapping { try self.engine.store.read { try $0.blockers(of: row.id) } }
        return VoidPaymentResponse(record: self.engine.view.record(row, blockers: blockers), alreadyVoided: already)
    }
}
