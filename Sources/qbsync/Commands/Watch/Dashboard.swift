import Foundation
import QBSyncWire

/// The state of the `watch` dashboard: a value type fed by the event stream
/// and the periodic health snapshot, so it can be reasoned about (and
/// tested) without a terminal.
///
/// Counts come from a health snapshot and are then kept current from each
/// event's `from_status -> to_status`; events the snapshot already counted
/// (sequence <= the snapshot's `last_sequence`) are shown but not counted again.
struct Dashboard {
    /// Where the event stream stands.
    enum Link: Equatable {
        case connecting
        case live
        case reconnecting(attempt: Int, reason: String, retryAt: Date)
    }

    let company: String
    var link = Link.connecting
    /// The latest snapshot: connection state, rate use, last sync, errors.
    var health: CompanyHealth?
    var version = ""
    var counts: [EntityType: [SyncStatus: Int64]] = [:]
    /// Events up to this sequence are already in `counts`.
    var countedThrough: UInt64 = 0
    /// The newest sequence seen on the stream.
    var lastSequence: UInt64 = 0
    /// Latest events, newest first.
    var events: [SyncEvent] = []
    /// Events received so far (tells whether a snapshot raced with events).
    var eventsReceived = 0
    static let keptEvents = 500

    init(company: String) { self.company = company }

    /// A snapshot from the stream (include_health): counts are reset to it.
    mutating func applyStreamSnapshot(_ response: GetHealthResponse) {
        self.version = response.version
        guard let health = response.companies.first(where: { $0.companyID == self.company }) else { return }
        self.health = health
        self.counts = HealthText.counts(health.counts)
        self.countedThrough = response.lastSequence
        self.lastSequence = max(self.lastSequence, response.lastSequence)
    }

    /// A periodic GetHealth: connection state and rate use always; counts only
    /// when no event arrived while it was computed (`quiet`) and it is not older
    /// than what the stream showed.
    mutating func applyPolledSnapshot(_ response: GetHealthResponse, quiet: Bool) {
        self.version = response.version
        guard let health = response.companies.first(where: { $0.companyID == self.company }) else { return }
        self.health = health
        if quiet, response.lastSequence >= self.lastSequence, self.link == .live {
            self.counts = HealthText.counts(health.counts)
            self.countedThrough = max(self.countedThrough, response.lastSequence)
        }
    }

    /// One status transition.
    mutating func apply(_ event: SyncEvent) {
        self.eventsReceived += 1
        self.lastSequence = max(self.lastSequence, event.sequence)
        if event.sequence > self.countedThrough, let entity = event.ref?.entity {
            var row = self.counts[entity] ?? [:]
            if event.fromStatus != .unspecified, let count = row[event.fromStatus], count > 0 { row[event.fromStatus] = count - 1 }
            row[event.toStatus, default: 0] += 1
            self.counts[entity] = row
            self.countedThrough = event.sequence
        }
        self.events.insert(event, at: 0)
        if self.events.count > Self.keptEvents { self.events.removeLast(self.events.count - Self.keptEvents) }
    }

    /// Records waiting: PENDING + SYNCING, from the live counts.
    var queueDepth: Int64 {
        self.counts.values.reduce(0) { $0 + ($1[.pending] ?? 0) + ($1[.syncing] ?? 0) }
    }

    var mappedCustomers: Int64 { self.counts[.customer]?[.synced] ?? 0 }
    var unmappedCustomers: Int64 { (self.counts[.customer] ?? [:]).filter { $0.key != .synced }.values.reduce(0, +) }
}
