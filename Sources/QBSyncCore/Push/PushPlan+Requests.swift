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

    /// Seconds `requests` take at `perMinute` with a sliding one-minute
    /// window: the first minute's budget goes at once, then `perMinute` a minute.
    public static func secondsFor(requests: Int, perMinute: Int) -> Int {
        let perMinute = max(1, perMinute)
        guard requests > perMinute else { return 0 }
        return Int(((Double(requests - perMinute) / Double(perMinute)) * 60).rounded(.up))
    }
}
