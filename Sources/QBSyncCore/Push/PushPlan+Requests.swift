import QBOClient
import QBSyncStore

extension PushPlan {
    /// The QBO requests carrying out this plan takes when nothing goes wrong:
    /// one per create, update, void or delete, plus the reads a step makes
    /// (a link's check, a credit memo's invoice) and, when an earlier
    /// attempt's answer was lost, the lookup before anything is sent again.
    /// Retries, 429s and stale SyncTokens are not counted: it is the floor a
    /// dry run's estimate is built on.
    func expectedRequests(row: RecordRow) -> Int {
        let lookup = row.outcomeUnknown ? 1 : 0
        switch self {
        case .customer(let plan):
            switch plan.mode {
            case .link, .update: return 1
            case .create: return 1 + lookup
            case .match(let autoCreate):
                // Email first (as sent, and lower-cased when that differs); a
                // unique email match links. Without an email: the names, then
                // a create when allowed.
                let email = plan.email.trimmingCharacters(in: .whitespaces)
                if !email.isEmpty { return Set([email, email.lowercased()]).count + lookup }
                let names = Set([plan.body.displayName ?? "", plan.fullName].filter { !$0.isEmpty }).count
                let person = plan.body.givenName != nil && plan.body.familyName != nil ? 1 : 0
                return names + person + (autoCreate ? 1 : 0) + lookup
            }
        case .vendor(let plan):
            switch plan.mode {
            case .link, .update: return 1
            case .create: return 1 + lookup
            case .match: return 2 + lookup
            }
        case .invoice(let plan):
            return 1 + (plan.operation == .create || row.qboID.isEmpty ? lookup : 0)
        case .payment(let plan):
            return 1 + (plan.operation == .create || row.qboID.isEmpty ? lookup : 0)
        case .creditMemo:
            // The memo, the refunded invoice read, and the payment applying the credit.
            return 3 + lookup
        case .refundReceipt, .bill, .purchaseOrder, .expense, .billPayment, .item:
            return 1 + lookup
        case .verify:
            return 1
        }
    }
}

extension RateLimiter {
    /// Requests per minute the backfill lane may spend of a `limit`: all but
    /// the interactive reserve (``backfillReserve``).
    public static func backfillShare(of limit: Int) -> Int {
        let limit = max(1, limit)
        return limit - (limit >= 2 ? max(1, limit / 10) : 0)
    }

    /// Seconds `requests` take at `perMinute`: the pacer spends the budget
    /// evenly over the minute (no burst at the start).
    public static func secondsFor(requests: Int, perMinute: Int) -> Int {
        let perMinute = max(1, perMinute)
        return Int((Double(max(0, requests)) / Double(perMinute) * 60).rounded(.up))
    }

    /// What a backlog costs at a realm's limits: `singleRequests` that must
    /// go one by one (updates, payments, matches...) and `batchable` creates
    /// that may go 30 to a batch. Batches take up to `batchesPerMinute` of
    /// the `perMinute` requests (each is one), single requests the rest,
    /// including the creates the batches do not reach in time.
    ///
    /// - Returns: The requests sent and the seconds they take.
    public static func backfillEstimate(singleRequests: Int, batchable: Int, perMinute: Int, batchesPerMinute: Int) -> (requests: Int, seconds: Int) {
        let share = Double(max(1, perMinute))
        guard batchable > 0, batchesPerMinute > 0 else {
            let total = singleRequests + batchable
            return (total, self.secondsFor(requests: total, perMinute: perMinute))
        }
        let batches = min(Double(batchesPerMinute), share)
        let singles = share - batches
        let perBatch = Double(BatchOperation.maxItemsPerBatch)
        // Minutes: every document at the combined rate, and the single-only work at the singles' rate.
        var minutes = Double(singleRequests + batchable) / (singles + perBatch * batches)
        if singles > 0 {
            minutes = max(minutes, Double(singleRequests) / singles)
        } else {
            minutes = Double(singleRequests) / share + Double(batchable) / (perBatch * batches)
        }
        let inBatches = min(Double(batchable), perBatch * batches * minutes)
        let requests = singleRequests + batchable - Int(inBatches.rounded(.down)) + Int((inBatches / perBatch).rounded(.up))
        return (requests, Int((minutes * 60).rounded(.up)))
    }
}
