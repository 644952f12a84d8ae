import QBSyncCore
import QBSyncRPC
import QBSyncStore
import QBSyncWire

extension QuickBooksSyncService {
    // MARK: Vendors

    public func linkVendor(_ request: LinkVendorRequest, context: ServerContext) async throws -> LinkVendorResponse {
        let vendor = try FieldRules.validate(request)
        let lane = try FieldRules.lane(context.metadata)
        let mode = request.mode == .unspecified ? LinkMode.auto : request.mode
        let link = try await self.mapping {
            try await self.engine.intake.linkVendor(companyID: request.companyID, vendor, mode: mode, qboVendorID: request.qboVendorID, lane: lane)
        }
        let settled = try await self.settle(link, context: context)
        return LinkVendorResponse(outcome: settled.outcome, qboVendorID: settled.row.qboID, candidates: settled.candidates, record: settled.record)
    }

    // MARK: Bills, bill payments, purchase orders, expenses

    public func syncBill(_ request: SyncBillRequest, context: ServerContext) async throws -> SyncBillResponse {
        let bill = try FieldRules.validate(request)
        let accepted = try await self.accept(request.companyID, context) { try await $0.acceptBill(companyID: request.companyID, bill, lane: $1) }
        return SyncBillResponse(record: accepted.record, changed: accepted.changed)
    }

    public func syncBillPayment(_ request: SyncBillPaymentRequest, context: ServerContext) async throws -> SyncBillPaymentResponse {
        let payment = try FieldRules.validate(request)
        let accepted = try await self.accept(request.companyID, context) { try await $0.acceptBillPayment(companyID: request.companyID, payment, lane: $1) }
        return SyncBillPaymentResponse(record: accepted.record, changed: accepted.changed)
    }

    public func syncPurchaseOrder(_ request: SyncPurchaseOrderRequest, context: ServerContext) async throws -> SyncPurchaseOrderResponse {
        let order = try FieldRules.validate(request)
        let accepted = try await self.accept(request.companyID, context) { try await $0.acceptPurchaseOrder(companyID: request.companyID, order, lane: $1) }
        return SyncPurchaseOrderResponse(record: accepted.record, changed: accepted.changed)
    }

    public func syncExpense(_ request: SyncExpenseRequest, context: ServerContext) async throws -> SyncExpenseResponse {
        let expense = try FieldRules.validate(request)
        let accepted = try await self.accept(request.companyID, context) { try await $0.acceptExpense(companyID: request.companyID, expense, lane: $1) }
        return SyncExpenseResponse(record: accepted.record, changed: accepted.changed)
    }

    /// Stores through the intake, in the lane the call's metadata asks for,
    /// and wakes the company's syncer when something changed.
    func accept(_ companyID: String, _ context: ServerContext, _ body: (Intake, QueueLane) async throws -> Intake.Accepted) async throws -> Intake.Accepted {
        let lane = try FieldRules.lane(context.metadata)
        let accepted = try await self.mapping { try await body(self.engine.intake, lane) }
        if accepted.changed { self.engine.kick(companyID) }
        return accepted
    }
}
