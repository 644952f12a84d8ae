import Foundation

/// A coding key made at run time, for keys named after an entity (`"Invoice"`).
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// `{"Invoice": {...}, "time": "..."}`: QBO's wrapper around a single entity.
struct EntityEnvelope<Entity: QBOEntity>: Decodable {
    var entity: Entity

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        entity = try container.decode(Entity.self, forKey: DynamicKey(Entity.entityName))
    }
}

/// `{"Invoice": {"Id": "266", "status": "Deleted", "domain": "QBO"}}`.
struct DeletionEnvelope<Entity: QBOEntity>: Decodable {
    var deleted: DeletedRecord

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        deleted = try container.decode(DeletedRecord.self, forKey: DynamicKey(Entity.entityName))
    }
}

/// The body of a delete, void or other id-only write: `{Id, SyncToken[, sparse]}`.
struct IdentityBody: Encodable {
    var id: String
    var syncToken: String
    var sparse: Bool?

    enum CodingKeys: String, CodingKey { case id = "Id", syncToken = "SyncToken", sparse }
}
