import Foundation

// Change data capture: what changed since a moment, deletions included.
extension Ledger {
    /// The `CDCResponse` array: one `QueryResponse` holding, per kind asked for and in that
    /// order, the current body of every entity whose `LastUpdatedTime` is at or after
    /// `changedSince` and a `{"domain","status":"Deleted","Id","MetaData"}` stub for every
    /// one deleted since, oldest change first; `{}` for a kind with none. At most
    /// `ChangeRequest.maximumObjects` objects in all: the rest is left out, as QBO truncates.
    /// A window opening more than 30 days before `now` is refused.
    func changes(_ request: ChangeRequest, at now: Date) throws(QBOFault) -> JSONValue {
        let nowSeconds = Int(now.timeIntervalSince1970.rounded(.down))
        guard nowSeconds - request.changedSince <= ChangeRequest.lookbackSeconds else {
            throw .changedSinceTooOld(request.changedSinceText)
        }
        var room = ChangeRequest.maximumObjects
        var responses: [JSONValue] = []
        for kind in request.entities {
            let changed = changes(of: kind, since: request.changedSince).prefix(room)
            room -= changed.count
            guard !changed.isEmpty else {
                responses.append(.object([:]))
                continue
            }
            let count = JSONValue.number(Decimal(changed.count))
            responses.append([
                kind.name: .array(changed.map(\.body)), "startPosition": 1, "maxResults": count, "totalCount": count,
            ])
        }
        return [["QueryResponse": .array(responses)]]
    }

    /// Every change of `kind` at or after `since`, oldest first (then by Id).
    private func changes(of kind: EntityKind, since: Int) -> [(time: Int, id: Int, body: JSONValue)] {
        var changed: [(time: Int, id: Int, body: JSONValue)] = []
        for entity in all(kind) {
            guard let stamp = entity.body["MetaData"]?["LastUpdatedTime"]?.stringValue,
                let time = QBOTime.epochSeconds(stamp), time >= since
            else { continue }
            changed.append((time, Int(entity.id) ?? 0, .object(entity.body)))
        }
        for deleted in deletions[kind] ?? [] where deleted.time >= since {
            let body: JSONObject = [
                "domain": "QBO", "status": "Deleted", "Id": .string(deleted.id),
                "MetaData": ["LastUpdatedTime": .string(deleted.lastUpdatedTime)],
            ]
            changed.append((deleted.time, Int(deleted.id) ?? 0, .object(body)))
        }
        return changed.sorted { $0.time != $1.time ? $0.time < $1.time : $0.id < $1.id }
    }
}

/// A deleted transaction as change data capture reports it.
struct DeletedEntity: Sendable, Hashable {
    var id: String
    /// When it was deleted, in company time (`2026-05-05T03:11:46-07:00`).
    var lastUpdatedTime: String
    /// The same moment in seconds since 1970.
    var time: Int

    init(id: String, deletedAt now: Date) {
        self.id = id
        lastUpdatedTime = QBOTime.dateTime(now)
        time = Int(now.timeIntervalSince1970.rounded(.down))
    }
}
