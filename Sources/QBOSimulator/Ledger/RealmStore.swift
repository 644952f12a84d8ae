import Foundation

/// The answer of a realm's books to one operation, already encoded.
struct CompanyResponse: Sendable {
    var status: Int
    var body: [UInt8]
    /// True when the body is a `requestid` replay of an earlier answer.
    var isReplay = false
    /// How many entities the operation changed (a batch can change several).
    var writes = 0
}

/// One realm's books behind an actor: operations on one realm are serialized, different
/// realms proceed in parallel. It also owns the realm's `requestid` replay cache, so
/// "act, then record the answer" is one step no concurrent retry can split.
actor RealmStore {
    /// The books. Any change to them, through whatever method, moves ``generation``.
    private var ledger: Ledger { didSet { self.generation &+= 1 } }
    private var generation = 0
    /// The ordered matches of the last listed query, while the books have not
    /// changed: its next pages are cut from it instead of filtering and sorting
    /// every row again per page (a 100-page read was quadratic).
    private var lastListing: (key: EntityQuery, generation: Int, rows: [JSONObject])?
    private var replays: RequestReplayCache
    /// Writes since the webhook notifier last took them.
    private var notices: [ChangeNotice] = []
    private let replayCapacity: Int

    init(seededAt now: Date, settings: RealmSettings = RealmSettings(), replayCapacity: Int = 100_000) {
        ledger = Ledger(seededAt: now, settings: settings)
        self.replayCapacity = replayCapacity
        replays = RequestReplayCache(capacity: replayCapacity)
    }

    /// Runs `operation`, or replays the recorded answer when `requestID` was seen before.
    func perform(_ operation: CompanyOperation, requestID: String?, at now: Date) -> CompanyResponse {
        if let requestID, let recorded = replays[requestID] {
            return CompanyResponse(status: recorded.status, body: recorded.body, isReplay: true)
        }
        let (status, body, writes) = execute(operation, at: now)
        let response = CompanyResponse(status: status, body: body.encoded(), writes: writes)
        if let requestID {
            replays.record(RequestReplayCache.Recorded(status: response.status, body: response.body), for: requestID)
        }
        return response
    }

    /// Wipes the books and seeds them again, keeping the company's settings; forgets every
    /// `requestid`.
    func reset(at now: Date) {
        ledger = Ledger(seededAt: now, settings: ledger.settings)
        replays = RequestReplayCache(capacity: replayCapacity)
    }

    /// The company's settings.
    var settings: RealmSettings {
        ledger.settings
    }

    /// Changes the company's settings in one step (no request sees half of a change).
    /// - Returns: The settings now in force.
    func updateSettings(
        at now: Date, _ change: @Sendable (inout RealmSettings) throws(SimulatorError) -> Void
    ) throws(SimulatorError) -> RealmSettings {
        var settings = ledger.settings
        try change(&settings)
        ledger.apply(try settings.validated(), at: now)
        return ledger.settings
    }

    /// A change made in QBO's own screens (an accountant): the same rules as
    /// the API, with the entity's current SyncToken filled in; no requestid.
    /// - Returns: The entity afterwards (the deletion stub for a delete).
    func byHand(_ action: HandAction, kind: EntityKind, id: String, at now: Date) throws(QBOFault) -> JSONObject {
        let result: JSONObject
        let operation: String
        if case .create(let body) = action {
            (result, operation) = (try ledger.save(kind, body, at: now), "Create")
        } else {
            guard let current = ledger.entity(kind, id) else { throw .objectNotFound() }
            let identity: JSONObject = ["Id": .string(id), "SyncToken": .string(current.syncToken)]
            switch action {
            case .edit(let changes): (result, operation) = (try ledger.save(kind, identity.merging(changes).merging(["sparse": true]), at: now), "Update")
            case .delete: (result, operation) = (try ledger.delete(kind, identity, at: now), "Delete")
            case .void: (result, operation) = (try ledger.void(kind, identity, at: now), "Void")
            case .create: preconditionFailure("handled above")
            }
        }
        self.notice(kind, result, operation, at: now)
        return result
    }

    private func notice(_ kind: EntityKind, _ body: JSONObject, _ operation: String, at now: Date) {
        guard let id = body["Id"]?.idString else { return }
        self.notices.append(ChangeNotice(entity: kind.name, id: id, operation: operation, at: now))
    }

    /// The writes since the last call (for webhook delivery).
    func takeNotices() -> [ChangeNotice] {
        defer { self.notices.removeAll() }
        return self.notices
    }

    func markDeposited(paymentID: String) throws(QBOFault) {
        try ledger.markDeposited(paymentID: paymentID)
    }

    /// Every entity as a read returns it, by entity name.
    func snapshot() -> [String: [JSONValue]] {
        var snapshot: [String: [JSONValue]] = [:]
        for kind in EntityKind.allCases {
            snapshot[kind.name] = ledger.all(kind).map { .object($0.body) }
        }
        return snapshot
    }

    private func execute(_ operation: CompanyOperation, at now: Date) -> (Int, JSONObject, Int) {
        let time = JSONValue.string(QBOTime.responseTime(now))
        if case .batch(let items) = operation {
            var responses: [JSONValue] = []
            var writes = 0
            for item in items {
                var entry: JSONObject = ["bId": .string(item.batchID)]
                switch item.outcome {
                case .failure(let fault):
                    entry["Fault"] = .object(fault.faultObject)
                case .success(let itemOperation):
                    switch apply(itemOperation, at: now) {
                    case .success(let (key, value, wrote)):
                        entry[key] = value
                        writes += wrote ? 1 : 0
                    case .failure(let fault):
                        entry["Fault"] = .object(fault.faultObject)
                    }
                }
                responses.append(.object(entry))
            }
            return (200, ["BatchItemResponse": .array(responses), "time": time], writes)
        }
        switch apply(operation, at: now) {
        case .success(let (key, value, wrote)):
            return (200, [key: value, "time": time], wrote ? 1 : 0)
        case .failure(let fault):
            return (fault.httpStatus, fault.body(time: now), 0)
        }
    }

    /// One operation's wrapper key and value (`"Invoice": {...}`), and whether it wrote.
    private func apply(_ operation: CompanyOperation, at now: Date) -> Result<(String, JSONValue, Bool), QBOFault> {
        do throws(QBOFault) {
            switch operation {
            case .read(let kind, let id):
                return .success((kind.name, .object(try ledger.read(kind, id: id)), false))
            case .save(let kind, let body, let options):
                let saved = try ledger.save(kind, body, options: options, at: now)
                self.notice(kind, saved, options.voids ? "Void" : (body["Id"] == nil || body["Id"] == .null ? "Create" : "Update"), at: now)
                return .success((kind.name, .object(saved), true))
            case .delete(let kind, let body):
                let deleted = try ledger.delete(kind, body, at: now)
                self.notice(kind, deleted, "Delete", at: now)
                return .success((kind.name, .object(deleted), true))
            case .void(let kind, let body):
                let voided = try ledger.void(kind, body, at: now)
                self.notice(kind, voided, "Void", at: now)
                return .success((kind.name, .object(voided), true))
            case .query(let query):
                guard query.selection != .count else {
                    let result = query.evaluate(over: ledger.candidates(for: query))
                    return .success(("QueryResponse", .object(result.responseObject(for: query.entity)), false))
                }
                let key = query.listingKey
                let listing: [JSONObject]
                if let last = lastListing, last.key == key, last.generation == generation {
                    listing = last.rows
                } else {
                    listing = query.listing(over: ledger.candidates(for: query))
                    lastListing = (key, generation, listing)
                }
                return .success(("QueryResponse", .object(query.page(of: listing).responseObject(for: query.entity)), false))
            case .changes(let request):
                return .success(("CDCResponse", try ledger.changes(request, at: now), false))
            case .batch:
                throw .unsupportedOperation("batch inside a batch")
            }
        } catch {
            return .failure(error)
        }
    }
}

/// What an accountant does to an entity in QBO's screens.
public enum HandAction: Sendable {
    /// Changes these properties (a sparse update: the rest stays).
    case edit(JSONObject)
    /// Deletes it (transactions).
    case delete
    /// Voids it (invoices, payments, bill payments, sales receipts).
    case void
    /// Records a new one (a payment taken at the counter); the id is ignored.
    case create(JSONObject)
}

/// One write, as a webhook announces it.
struct ChangeNotice: Sendable {
    var entity: String
    var id: String
    /// "Create", "Update", "Delete", "Void".
    var operation: String
    var at: Date
}
