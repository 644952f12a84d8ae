import Foundation
import QBOClient
import QBSyncStore

/// Backfill creates, up to 30 in one `POST /batch`.
///
/// Only creates go in a batch: a record is claimed once everything it
/// refers to is in QBO, so no item depends on another of the same batch.
/// Payments are allocated first, as a single create would be: one query
/// reads the open balances of every invoice the batch's payments name, and
/// each payment gets what is still open after the ones before it. Each
/// item's answer is applied like the answer to a single create (a 6140 is
/// adopted when the holder carries the record's marker; any other fault is
/// the record's own). A batch whose answer is lost is never sent again: each
/// of its records keeps an unknown outcome and is looked up in QBO, by
/// DocNumber or marker, by the single-request path before anything is created.
extension Pusher {
    /// Whether the claim's push is a create a batch can carry (not an
    /// update, a void, or a look-up after an unknown outcome).
    static func batchable(_ claim: Claim) -> Bool {
        guard !claim.row.outcomeUnknown, claim.row.qboID.isEmpty else { return false }
        switch claim.plan {
        case .invoice(let plan): return plan.operation == .create
        case .payment(let plan): return plan.operation == .create
        case .bill(let plan): return plan.operation == .create
        case .purchaseOrder(let plan): return plan.operation == .create
        case .expense(let plan): return plan.operation == .create
        default: return false
        }
    }

    /// Creates the claims' documents in one batch request; one outcome per
    /// claim, in order. Every claim must be ``batchable(_:)``.
    func pushBatch(_ claims: [Claim]) async -> [PushOutcome] {
        var outcomes = [PushOutcome?](repeating: nil, count: claims.count)
        var allocations: [Int: Allocation] = [:]
        do {
            allocations = try await self.allocatePayments(claims)
        } catch {
            // The balances could not be read: the payments wait for another try, the rest go.
            let failure = PushOutcome(result: .failed(error as? QBOError ?? QBOError(kind: .invalidResponse, message: "\(error)")))
            for (index, claim) in claims.enumerated() where claim.plan.isPayment { outcomes[index] = failure }
        }
        var operations: [BatchOperation] = []
        for (index, claim) in claims.enumerated() where outcomes[index] == nil {
            let batchID = "\(index)"
            switch claim.plan {
            case .invoice(let plan): operations.append(.create(plan.body, batchID: batchID))
            case .bill(let plan): operations.append(.create(plan.body, batchID: batchID))
            case .purchaseOrder(let plan): operations.append(.create(plan.body, batchID: batchID))
            case .expense(let plan): operations.append(.create(plan.body, batchID: batchID))
            case .payment(let plan):
                guard let allocation = allocations[index] else { continue }
                if let skipped = Self.alreadyPaid(plan, allocation) {
                    outcomes[index] = skipped
                } else {
                    operations.append(.create(Self.paymentBody(plan, allocation), batchID: batchID))
                }
            default:
                outcomes[index] = PushOutcome(result: .failed(QBOError(kind: .invalidRequest, message: "not a create a batch can carry")))
            }
        }
        var byID: [String: BatchItemResult] = [:]
        if !operations.isEmpty {
            do {
                // A fresh id: a batch is never replayed, so QBO must never answer with another batch's result.
                let requestID = try RequestID("b\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))")
                for item in try await self.client.batch(operations, requestID: requestID) where byID[item.batchID] == nil {
                    byID[item.batchID] = item
                }
            } catch {
                let failure = PushOutcome(result: .failed(error as? QBOError ?? QBOError(kind: .invalidResponse, message: "\(error)")))
                return outcomes.map { $0 ?? failure }
            }
        }
        for (index, claim) in claims.enumerated() where outcomes[index] == nil {
            outcomes[index] = await self.outcome(of: byID["\(index)"], claim: claim, allocation: allocations[index])
        }
        return outcomes.map { $0 ?? PushOutcome(result: .failed(QBOError(kind: .invalidResponse, message: "no outcome"))) }
    }

    /// Each payment's lines: one query for the open balances of every
    /// invoice the batch's payments name, then each payment in order gets
    /// what the ones before it left open (as single pushes one after another would).
    private func allocatePayments(_ claims: [Claim]) async throws -> [Int: Allocation] {
        let payments = claims.enumerated().compactMap { index, claim -> (Int, PaymentPlan)? in
            if case .payment(let plan) = claim.plan { return (index, plan) }
            return nil
        }
        guard !payments.isEmpty else { return [:] }
        let ids = Set(payments.flatMap { $0.1.applications.map(\.qboInvoiceID) })
        var open: [String: Decimal] = [:]
        if !ids.isEmpty {
            let query = QBOQuery<QBO.Invoice>.select(["Id", "Balance"]).where("Id", in: ids.sorted().map { .string($0) })
            for invoice in try await self.client.queryAll(query) { open[invoice.id ?? ""] = invoice.balance ?? 0 }
        }
        var allocations: [Int: Allocation] = [:]
        for (index, plan) in payments {
            allocations[index] = Self.allocate(plan, open: &open)
        }
        return allocations
    }

    private func outcome(of item: BatchItemResult?, claim: Claim, allocation: Allocation?) async -> PushOutcome {
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
            case .payment(let plan):
                let created = try item.entity(as: QBO.Payment.self)
                return self.syncedPayment(created, plan: plan, applied: allocation?.applied ?? [:], row: claim.row,
                                          note: "created in QBO as Payment \(created.id ?? "") (in a batch)")
            case .bill: return self.created(try item.entity(as: QBO.Bill.self))
            case .purchaseOrder: return self.created(try item.entity(as: QBO.PurchaseOrder.self))
            case .expense: return self.created(try item.entity(as: QBO.Purchase.self))
            default: throw QBOError(kind: .invalidRequest, message: "not a create a batch can carry")
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

extension PushPlan {
    var isPayment: Bool {
        if case .payment = self { return true }
        return false
    }
}
