import Foundation

/// One `BatchItemRequest`: a create, update, delete or query, named by `bId`.
public struct BatchOperation: Sendable {
    /// The most items QBO accepts in one batch.
    public static let maxItemsPerBatch = 30

    /// The item's `bId`, echoed in its response.
    public let batchID: String
    private let payload: Payload

    private enum Payload: Sendable {
        case entity(operation: String, name: String, entity: any QBOEntity)
        case query(String)
    }

    private init(batchID: String, payload: Payload) {
        self.batchID = batchID
        self.payload = payload
    }

    /// Creates a record.
    /// - Parameters:
    ///   - entity: The record.
    ///   - batchID: The item's `bId`.
    public static func create<Entity: QBOEntity>(_ entity: Entity, batchID: String) -> BatchOperation {
        BatchOperation(batchID: batchID, payload: .entity(operation: "create", name: Entity.entityName, entity: entity))
    }

    /// Replaces a record (full update).
    /// - Parameters:
    ///   - entity: The whole record with Id and SyncToken.
    ///   - batchID: The item's `bId`.
    public static func update<Entity: QBOEntity>(_ entity: Entity, batchID: String) -> BatchOperation {
        var full = entity
        full.sparse = nil
        return BatchOperation(batchID: batchID, payload: .entity(operation: "update", name: Entity.entityName, entity: full))
    }

    /// Changes only the fields set (sparse update).
    /// - Parameters:
    ///   - entity: Id, SyncToken and the fields to change.
    ///   - batchID: The item's `bId`.
    public static func sparseUpdate<Entity: QBOEntity>(_ entity: Entity, batchID: String) -> BatchOperation {
        var sparse = entity
        sparse.sparse = true
        return BatchOperation(batchID: batchID, payload: .entity(operation: "update", name: Entity.entityName, entity: sparse))
    }

    /// Deletes a record.
    /// - Parameters:
    ///   - type: The entity type.
    ///   - id: The record's Id.
    ///   - syncToken: Its current SyncToken.
    ///   - batchID: The item's `bId`.
    public static func delete<Entity: QBOEntity>(_ type: Entity.Type, id: String, syncToken: String, batchID: String) -> BatchOperation {
        var identity = IdentityOnly<Entity>()
        identity.id = id
        identity.syncToken = syncToken
        return BatchOperation(batchID: batchID, payload: .entity(operation: "delete", name: Entity.entityName, entity: identity))
    }

    /// Runs a query.
    /// - Parameters:
    ///   - query: The statement.
    ///   - batchID: The item's `bId`.
    public static func query<Entity>(_ query: QBOQuery<Entity>, batchID: String) -> BatchOperation {
        BatchOperation(batchID: batchID, payload: .query(query.text))
    }

    fileprivate func encode(into container: inout KeyedEncodingContainer<DynamicKey>) throws {
        try container.encode(batchID, forKey: DynamicKey("bId"))
        switch payload {
        case .entity(let operation, let name, let entity):
            try container.encode(operation, forKey: DynamicKey("operation"))
            try container.encode(entity, forKey: DynamicKey(name))
        case .query(let text):
            try container.encode(text, forKey: DynamicKey("Query"))
        }
    }
}

/// `{Id, SyncToken}` under an entity's name, for batch deletes.
private struct IdentityOnly<Entity: QBOEntity>: QBOEntity {
    static var entityName: String { Entity.entityName }
    var id: String?
    var syncToken: String?
    var sparse: Bool?
    enum CodingKeys: String, CodingKey { case id = "Id", syncToken = "SyncToken", sparse }
}

/// The request body: `{"BatchItemRequest": [...]}`.
struct BatchRequestBody: Encodable {
    var operations: [BatchOperation]

    func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: DynamicKey.self)
        var list = outer.nestedUnkeyedContainer(forKey: DynamicKey("BatchItemRequest"))
        for operation in operations {
            var item = list.nestedContainer(keyedBy: DynamicKey.self)
            try operation.encode(into: &item)
        }
    }
}

/// The outcome of one batch item: an entity, a query page or a fault.
public struct BatchItemResult: Sendable {
    /// The item's `bId`.
    public let batchID: String
    /// The entity name of the returned record (`"Invoice"`), if the item returned one.
    public let entityName: String?
    /// The item's own fault, if it failed; other items are unaffected.
    public let error: QBOError?
    private let payload: JSONValue?
    private let isQueryResponse: Bool

    init(json: JSONValue) {
        batchID = json["bId"]?.text ?? ""
        if let fault = json["Fault"] {
            error = QBOError(batchFault: fault, httpStatus: 400)
            entityName = nil
            payload = nil
            isQueryResponse = false
        } else if let query = json["QueryResponse"] {
            error = nil
            entityName = nil
            payload = query
            isQueryResponse = true
        } else {
            let key: String? = if case .object(let members) = json {
                members.keys.sorted().first { $0 != "bId" && $0 != "operation" && $0.first?.isUppercase == true }
            } else { nil }
            error = nil
            entityName = key
            payload = key.flatMap { json[$0] }
            isQueryResponse = false
        }
    }

    /// The returned record as `type`.
    /// - Parameter type: The entity type expected.
    /// - Throws: The item's ``error``, or ``QBOError/Kind/invalidResponse`` when it holds no `type`.
    public func entity<Entity: QBOEntity>(as type: Entity.Type) throws -> Entity {
        if let error { throw error }
        guard entityName == Entity.entityName, let payload else {
            throw QBOError(kind: .invalidResponse, message: "batch item \(batchID) holds no \(Entity.entityName)")
        }
        do {
            return try payload.decode(as: Entity.self)
        } catch {
            throw QBOError(kind: .invalidResponse, message: "batch item \(batchID): unreadable \(Entity.entityName)")
        }
    }

    /// The returned query page as rows of `type`.
    /// - Parameter type: The entity type queried.
    /// - Throws: The item's ``error``, or ``QBOError/Kind/invalidResponse`` when it holds no query response.
    public func queryPage<Entity: QBOEntity>(as type: Entity.Type) throws -> QueryPage<Entity> {
        if let error { throw error }
        guard isQueryResponse, let payload else {
            throw QBOError(kind: .invalidResponse, message: "batch item \(batchID) holds no QueryResponse")
        }
        do {
            return try payload.decode(as: QueryPageBody<Entity>.self).page
        } catch {
            throw QBOError(kind: .invalidResponse, message: "batch item \(batchID): unreadable QueryResponse")
        }
    }
}

extension QBOClient {
    /// Sends up to 30 operations in one request: `POST /batch`.
    ///
    /// Items succeed or fail on their own; the call throws only when the batch
    /// as a whole fails (auth, throttling, network, malformed answer).
    /// - Parameters:
    ///   - operations: 1 to 30 operations with distinct batch ids.
    ///   - requestID: The persisted id of this logical write.
    /// - Returns: One result per item, in QBO's order; match them by ``BatchItemResult/batchID``.
    /// - Throws: ``QBOError``; ``QBOError/Kind/invalidRequest`` before sending when
    ///   there are no operations, more than 30, or repeated batch ids.
    public func batch(_ operations: [BatchOperation], requestID: RequestID) async throws -> [BatchItemResult] {
        guard !operations.isEmpty, operations.count <= BatchOperation.maxItemsPerBatch else {
            throw QBOError(kind: .invalidRequest, message: "a batch holds 1...\(BatchOperation.maxItemsPerBatch) items, got \(operations.count)")
        }
        guard Set(operations.map(\.batchID)).count == operations.count else {
            throw QBOError(kind: .invalidRequest, message: "batch ids must be distinct")
        }
        let body = try encode(BatchRequestBody(operations: operations))
        let (response, request) = try await perform(.post, path: "batch", body: body, requestID: requestID)
        let json = try decode(JSONValue.self, from: response, request: request)
        guard let items = json["BatchItemResponse"]?.arrayValue else {
            var error = QBOError(kind: .invalidResponse, message: "batch response has no BatchItemResponse", httpStatus: response.status)
            error.outcomeUnknown = true
            throw error
        }
        return items.map(BatchItemResult.init(json:))
    }
}
