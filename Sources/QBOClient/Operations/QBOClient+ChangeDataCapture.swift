import Foundation

/// One object QBO reports as changed: its current body, or a deletion.
public struct ChangedEntity: Sendable {
    /// The entity name (`"Invoice"`).
    public let entityName: String
    /// The object's Id.
    public let id: String
    /// Its SyncToken (nil for a deletion stub).
    public let syncToken: String?
    /// True for `{"status":"Deleted", ...}`.
    public let deleted: Bool
    /// `MetaData.LastUpdatedTime` as QBO wrote it.
    public let lastUpdated: String
    private let body: JSONValue

    init?(entityName: String, json: JSONValue) {
        guard let id = json["Id"]?.text else { return nil }
        self.entityName = entityName
        self.id = id
        self.syncToken = json["SyncToken"]?.text
        self.deleted = json["status"]?.text == "Deleted"
        self.lastUpdated = json["MetaData"]?["LastUpdatedTime"]?.text ?? ""
        self.body = json
    }

    /// The body as `type` (not for a deletion stub).
    /// - Throws: ``QBOError/Kind/invalidResponse`` when it is not a `type`.
    public func entity<Entity: QBOEntity>(as type: Entity.Type) throws -> Entity {
        guard self.entityName == Entity.entityName, !self.deleted else {
            throw QBOError(kind: .invalidResponse, message: "change \(self.entityName) \(self.id) is not a \(Entity.entityName)")
        }
        do {
            return try self.body.decode(as: Entity.self)
        } catch {
            throw QBOError(kind: .invalidResponse, message: "change \(self.entityName) \(self.id): unreadable \(Entity.entityName)")
        }
    }
}

extension QBOClient {
    /// Most objects one change-data-capture answer holds; a full answer may
    /// have left changes out (QBO truncates without a marker).
    public static let changeDataCaptureLimit = 1000

    /// Objects of `entities` changed since `changedSince`: `GET /cdc`.
    ///
    /// QBO looks back at most 30 days and answers at most 1,000 objects for
    /// all entities together, oldest first; ask again from the last one's
    /// time (or one entity at a time) when an answer is full.
    /// - Parameters:
    ///   - entities: Entity names (`"Invoice"`, `"Payment"`).
    ///   - changedSince: Lower bound, ISO 8601 with offset.
    /// - Returns: Every changed object, in QBO's order.
    /// - Throws: ``QBOError`` (10002 for a `changedSince` beyond 30 days).
    public func changes(of entities: [String], since changedSince: String) async throws -> [ChangedEntity] {
        let (response, request) = try await perform(
            .get, path: "cdc", parameters: [("entities", entities.joined(separator: ",")), ("changedSince", changedSince)]
        )
        let json = try decode(JSONValue.self, from: response, request: request)
        guard let answers = json["CDCResponse"]?.arrayValue else {
            throw QBOError(kind: .invalidResponse, message: "change data capture answer has no CDCResponse", httpStatus: response.status)
        }
        var changes: [ChangedEntity] = []
        for answer in answers {
            for page in answer["QueryResponse"]?.arrayValue ?? [] {
                guard case .object(let members) = page else { continue }
                for (name, value) in members where name.first?.isUppercase == true {
                    for object in value.arrayValue ?? [] {
                        if let change = ChangedEntity(entityName: name, json: object) { changes.append(change) }
                    }
                }
            }
        }
        return changes
    }
}
