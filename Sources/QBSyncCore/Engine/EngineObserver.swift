import QBSyncWire

/// Told what the engine does, as it does it (metrics). Called on the
/// engine's own tasks: implementations must be quick and never block.
public protocol EngineObserver: Sendable {
    /// One HTTP request to QBO ended: its status, or nil when no answer came (network, timeout).
    func qboRequest(companyID: String, realmID: String, status: Int?, duration: Duration)
    /// One record's push ended ("synced", "blocked", "skipped", "failed"); a
    /// batch reports each of its records with the batch's duration.
    func pushed(companyID: String, entity: EntityType, result: String, duration: Duration)
}
