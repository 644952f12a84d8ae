import QBSyncCore
import QBSyncRPC
import QBSyncWire

extension QuickBooksSyncService {
    // MARK: Items

    public func syncItem(_ request: SyncItemRequest, context: ServerContext) async throws -> SyncItemResponse {
        let item = try FieldRules.validate(request)
        let accepted = try await self.accept(request.companyID, context) { try await $0.acceptItem(companyID: request.companyID, item, lane: $1) }
        return SyncItemResponse(record: accepted.record, changed: accepted.changed)
    }
}
