import Foundation
import QBOClient
import QBSyncStore

/// Backfill creates, up to 30 in one `POST /batch`.
///
/// Only creates that need nothing read first go in a batch: a record is
/// claimed once everything it refers to is in QBO, so no item depends on
/// another of the same batch. Each item's answer is applied like the answer
/// to a single create (a 6140 is adopted when the holder carries the
/// record's marker; any other fault is the record's own failure). A batch
/// whose answer is lost is never sent again: each of its records keeps an
/// unknown outcome and is looked up in QBO, by DocNumber or marker, by the
/// single-request path before anything is created.
extension Pusher {
    /// The batch item creating the claim's document, or nil when the push
    /// is not a plain create (an update, a void, a look-up after an unknown outcome).
    static func batchOperation(for claim: Claim, batchID: String) -> BatchOperation? {
        guard !claim.row.outcomeUnknown, claim.row.qboID.isEmpty else { return nil }
        switch claim.plan {
        case .invoice(let plan) where plan.operation == .create: return .create(plan.body, batchID: batchID)
        case .bill(let plan) where plan.operation == .create: return .create(plan.body, batchID: batchID)
        case .purchaseOrder(let plan) where plan.operation == .create: return .create(plan.body, batchID: batchID)
        case .expense(let plan) where plan.operation == .create: return .create(plan.body, batchID: batchID)
        default: return nil
        }
    }

    /// Creates the claims' documents in one batch request; one outcome per
    /// claim, in order. Every claim must have a ``batchOperation(for:batchID:)``.
    func pushBatch(_ claims: [Claim]) async -> [PushOutcome] {
        let operations = claims.enumerated().compactMap { index, claim in Self.batchOperation(for: claim, batchID: "\(index)") }
        let items: [BatchItemResult]
        do {
            guard operations.count == claims.count else {
                throw QBOError(kind: .invalidRequest, message: "a record in the batch is not a plain create")
            }
            // A fresh id: a batch is never replayed, so QBO must never answer with another batch's result.
            items = try await self.client.batch(operations, requestID: try RequestID("b\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"))
        } catch {
            let failure = error as? QBOError ?? QBOError(kind: .invalidResponse, message: "\(error)")
            return claims.map { _ in PushOutcome(result: .failed(failure)) }
        }
        var byID: [String: BatchItemResult] = [:]
        for item in items where byID[item.batchID] == nil { byID[item.batchID] = item }
        var outcomes: [PushOutcome] = []
        for (index, claim) in claims.enumerated() {
            outcomes.append(await self.outcome(of: byID["\(index)"], claim: claim))
        }
        return outcomes
    }

    private func outcome(of item: BatchItemResult?, claim: Claim) async -> PushOutcome {
        do {
            guard let item else {
                throw QBOError(kind: .invalidResponse, message: "QuickBooks' batch answer has no item for this record")
            }
            switch claim.plan {
            case .invoice(let plan):
                do {
                    let created = try item.entity(as: QBO.Invoice.self)
                    return self.syncedInvoice(created, plan: plan, note: "created in QBO as Invoice \(created.id ?? "") (in a batch)")
                } catch let error as QBOError where error.kind == .duplicate {
                    return try await self.adoptDuplicate(plan, row: claim.row, error)
                }
            case .bill: return self.created(try item.entity(as: QBO.Bill.self))
            case .purchaseOrder: return self.created(try item.entity(as: QBO.PurchaseOrder.self))
            case .expense: return self.created(try item.entity(as: QBO.Purchase.self))
            default: throw QBOError(kind: .invalidRequest, message: "not a batch create")
            }
        } catch var error as QBOError {
            // An item QBO answered without a readable document may have been created.
            if error.kind == .invalidResponse { error.outcomeUnknown = true }
            return PushOutcome(result: .failed(error))
        } catch {
            return PushOutcome(result: .failed(QBOError(kind: .invalidResponse, message: "\(error)", outcomeUnknown: true)))
        }
    }

    private func created<Document: QBOEntity>(_ document: Document) -> PushOutcome {
        self.synced(document.id, document.syncToken, note: "created in QBO as \(Document.entityName) \(document.id ?? "") (in a batch)")
    }
}
