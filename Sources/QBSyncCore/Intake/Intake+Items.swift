import QBSyncStore
import QBSyncWire

extension Intake {
    /// Accepts an item to create or update in QBO.
    ///
    /// - Throws: ``RPCError`` FAILED_PRECONDITION for an inventory item when the
    ///   QBO company does not track quantities, or a type change of an item
    ///   already in QBO (QBO does not change an item's type).
    public func acceptItem(companyID: String, _ item: Item, lane: QueueLane = .interactive) async throws -> Accepted {
        let payload = item.packed()
        let hash = ContentHash.of(payload)
        let key = RecordKey(companyID: companyID, entity: .item, externalID: item.externalID)
        let trace = RecordTrace.current()
        return self.view(try await self.store.write { transaction in
            let company = try Self.company(companyID, in: transaction)
            let existing = try transaction.record(key)
            if let existing, existing.contentHash == hash {
                return try self.accepted(existing, changed: false, in: transaction)
            }
            if item.type == .inventory, company.qboFacts.known, !company.qboFacts.tracksInventory {
                let name = company.qboFacts.companyName.isEmpty ? "the QuickBooks company" : "QuickBooks company \"\(company.qboFacts.companyName)\""
                throw RPCError(
                    code: .failedPrecondition,
                    message: "item \(item.externalID): \(name) does not track inventory quantities (its plan, or the Track quantity on hand setting, has it off), so it cannot hold inventory items; send the item as ITEM_TYPE_NON_INVENTORY, or turn inventory tracking on in QuickBooks (Plus or Advanced) and connect the company again"
                )
            }
            if let existing, !existing.qboID.isEmpty || existing.outcomeUnknown, case .item(let before) = try RecordPayload(row: existing), before.type != item.type {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "item \(item.externalID) is in QuickBooks as \(before.type.protoName); QuickBooks does not change an item's type. Make it inactive and send a new item (a new external id)"
                )
            }
            var (row, isNew) = Self.prepare(key, existing: existing, payload: payload, hash: hash, trace: trace, in: transaction)
            let decision: Decision
            if row.status == .syncing {
                decision = Decision(status: .syncing, note: "content changed during a push; it is pushed again after this one")
            } else {
                decision = try Self.pushable(row, payload: .item(item), company: company, note: isNew ? "accepted" : "content changed", in: transaction)
            }
            try Self.commit(&row, isNew: isNew, decision, lane: lane, in: transaction)
            return self.accepted(row, decision)
        })
    }
}
