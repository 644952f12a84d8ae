import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

extension Pusher {
    /// Creates or updates an item. Item names are unique in QBO and items
    /// carry no note for a marker, so an item whose create's outcome is
    /// unknown, or whose name QBO reports taken, is looked up by name and
    /// taken over (updated with the rental system's fields) rather than
    /// created twice.
    func pushItem(_ plan: ItemPlan, row: RecordRow) async throws -> PushOutcome {
        switch plan.mode {
        case .update(let qboID):
            return try await self.updateItem(plan, id: qboID, row: row, note: "updated in QBO (Item \(qboID))")
        case .create:
            if row.outcomeUnknown, let found = try await self.itemNamed(plan.body.name ?? "") {
                return try await self.updateItem(plan, id: found.id ?? "", row: row, note: "found in QBO as Item \(found.id ?? "") after an unknown outcome; not created twice")
            }
            do {
                let created = try await self.client.create(plan.body, requestID: try Self.requestID(row, "c"))
                return self.synced(created.id, created.syncToken, note: "created in QBO as Item \(created.id ?? "")")
            } catch let error as QBOError where error.kind == .duplicate || error.code == "6240" {
                guard let found = try await self.itemNamed(plan.body.name ?? "") else { throw error }
                return try await self.updateItem(plan, id: found.id ?? "", row: row,
                                                  note: "QBO already has an item named \"\(plan.body.name ?? "")\" (Item \(found.id ?? "")); linked and updated")
            }
        }
    }

    private func updateItem(_ plan: ItemPlan, id: String, row: RecordRow, note: String) async throws -> PushOutcome {
        var known = row
        if row.qboID != id {
            // Taking over a QBO item: start from its current SyncToken.
            known.qboID = id
            known.qboSyncToken = try await self.client.read(QBO.Item.self, id: id).syncToken ?? ""
        }
        let updated = try await self.withFreshToken(known, read: { try await self.client.read(QBO.Item.self, id: id).syncToken }) { token, step in
            var body = plan.body
            body.id = id
            body.syncToken = token
            body.sparse = true
            return try await self.client.sparseUpdate(body, requestID: try Self.requestID(row, "u\(step)"))
        }
        return self.synced(updated.id ?? id, updated.syncToken, note: note)
    }

    private func itemNamed(_ name: String) async throws -> QBO.Item? {
        try await self.client.queryAll(QBOQuery<QBO.Item>.select().where("Name", .equals, .string(name))).first
    }
}
