import Foundation

// What tests and operators can do to a running simulator; the admin HTTP API and the
// public Swift API both come here.
extension SimulatorCore {
    func resetRealm(_ id: String) async throws(SimulatorError) {
        try await requireRealm(id).store.reset(at: clock.now)
    }

    /// Every entity of the realm as a read returns it, in the admin API's order.
    func ledger(_ id: String) async throws(SimulatorError) -> [String: [JSONValue]] {
        try await requireRealm(id).store.snapshot()
    }

    func realmSettings(_ id: String) async throws(SimulatorError) -> RealmSettings {
        try await requireRealm(id).store.settings
    }

    /// Changes a realm's settings; Preferences and CompanyInfo become new versions.
    func updateRealmSettings(
        _ id: String, _ change: @Sendable (inout RealmSettings) throws(SimulatorError) -> Void
    ) async throws(SimulatorError) -> RealmSettings {
        try await requireRealm(id).store.updateSettings(at: clock.now, change)
    }

    /// Changes a realm's throttle; a nil value keeps the current one. Nothing changes
    /// unless every given value is within `RealmLimits.allowed`.
    func setLimits(
        _ id: String, requestsPerMinute: Int?, concurrent: Int?, batchRequestsPerMinute: Int?
    ) throws(SimulatorError) -> RealmLimits {
        let realm = try requireRealm(id)
        return try realm.gate.withLock { gate throws(SimulatorError) in
            gate.limits = try gate.limits.updated(
                requestsPerMinute: requestsPerMinute, concurrent: concurrent,
                batchRequestsPerMinute: batchRequestsPerMinute)
            return gate.limits
        }
    }

    func limits(_ id: String) throws(SimulatorError) -> RealmLimits {
        try requireRealm(id).gate.withLock { $0.limits }
    }

    func byHand(_ id: String, _ action: HandAction, entity: String, entityID: String) async throws(SimulatorError) -> JSONObject {
        let realm = try requireRealm(id)
        guard let kind = EntityKind(caseInsensitiveName: entity) else { throw .badRequest("no entity \(entity)") }
        do {
            let result = try await realm.store.byHand(action, kind: kind, id: entityID, at: clock.now)
            webhooks.announce(await realm.store.takeNotices(), realmID: id)
            return result
        } catch {
            throw .badRequest("\(entity) \(entityID): \(error)")
        }
    }

    func markDeposited(_ id: String, paymentID: String) async throws(SimulatorError) {
        let realm = try requireRealm(id)
        do {
            try await realm.store.markDeposited(paymentID: paymentID)
        } catch {
            throw .notFound("no payment \(paymentID) in realm \(id)")
        }
    }

    func expireAccessTokens(_ id: String) throws(SimulatorError) {
        try requireRealm(id).tokens.withLock { $0.expireAccessTokens(at: ContinuousClock.now) }
    }

    func revokeTokens(_ id: String) throws(SimulatorError) {
        revokeTokens(of: try requireRealm(id))
    }

    /// Moves the books' clock forward for every realm.
    func advanceClock(by seconds: TimeInterval) throws(SimulatorError) {
        try clock.advance(by: seconds)
    }

    func stats(_ id: String) throws(SimulatorError) -> SimulatorStats {
        try requireRealm(id).stats(at: ContinuousClock.now)
    }

    /// The entity names of `ledger`, in the order the admin API lists them.
    static let ledgerOrder = [
        "Customer", "Invoice", "Payment", "CreditMemo", "RefundReceipt", "Item", "Account", "TaxCode", "TaxRate",
        "PaymentMethod", "Vendor", "Bill", "BillPayment", "PurchaseOrder", "Purchase", "Department", "Class", "Term",
    ]
}
