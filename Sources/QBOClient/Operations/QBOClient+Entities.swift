import Foundation

/// What QBO returns for a deleted record: its Id and `status: "Deleted"`.
public struct DeletedRecord: Decodable, Sendable, Hashable {
    /// The deleted record's Id.
    public var id: String
    /// `"Deleted"`.
    public var status: String?

    enum CodingKeys: String, CodingKey { case id = "Id", status }
}

extension QBOClient {
    /// Creates a record: `POST /{entity}`.
    /// - Parameters:
    ///   - entity: The record, without Id or SyncToken.
    ///   - requestID: The persisted id of this logical write; reuse it on every retry.
    /// - Returns: The record as QBO stored it, with Id, SyncToken and computed totals.
    /// - Throws: ``QBOError``.
    public func create<Entity: QBOEntity>(_ entity: Entity, requestID: RequestID) async throws -> Entity {
        try await write(entity, path: Entity.pathSegment, requestID: requestID)
    }

    /// Reads a record by Id: `GET /{entity}/{id}`.
    /// - Parameters:
    ///   - type: The entity type, e.g. `QBO.Invoice.self`.
    ///   - id: The record's Id.
    /// - Returns: The current record, including its SyncToken.
    /// - Throws: ``QBOError`` (``QBOError/Kind/notFound`` for 610).
    public func read<Entity: QBOEntity>(_ type: Entity.Type, id: String) async throws -> Entity {
        let (response, request) = try await perform(.get, path: "\(Entity.pathSegment)/\(PercentEncoding.encode(id))")
        return try decode(EntityEnvelope<Entity>.self, from: response, request: request).entity
    }

    /// Replaces a record: `POST /{entity}` with Id and SyncToken. Writable fields
    /// left `nil` are cleared in QBO; use ``sparseUpdate(_:requestID:)`` to change only some.
    /// - Parameters:
    ///   - entity: The whole record with its Id and current SyncToken.
    ///   - requestID: The persisted id of this logical write.
    /// - Returns: The updated record, with the new SyncToken.
    /// - Throws: ``QBOError`` (``QBOError/Kind/staleObject`` when the SyncToken is old).
    public func update<Entity: QBOEntity>(_ entity: Entity, requestID: RequestID) async throws -> Entity {
        var full = entity
        full.sparse = nil
        try Self.requireIdentity(full)
        return try await write(full, path: Entity.pathSegment, requestID: requestID)
    }

    /// Changes only the fields set on `entity`: `POST /{entity}` with `"sparse": true`.
    /// - Parameters:
    ///   - entity: Id, current SyncToken and the fields to change.
    ///   - requestID: The persisted id of this logical write.
    /// - Returns: The updated record, with the new SyncToken.
    /// - Throws: ``QBOError`` (``QBOError/Kind/staleObject`` when the SyncToken is old).
    public func sparseUpdate<Entity: QBOEntity>(_ entity: Entity, requestID: RequestID) async throws -> Entity {
        var sparse = entity
        sparse.sparse = true
        try Self.requireIdentity(sparse)
        return try await write(sparse, path: Entity.pathSegment, requestID: requestID)
    }

    /// Deletes a record: `POST /{entity}?operation=delete` with `{Id, SyncToken}`.
    /// Lists (customers, items, accounts) cannot be deleted in QBO; make them inactive instead.
    /// - Parameters:
    ///   - type: The entity type.
    ///   - id: The record's Id.
    ///   - syncToken: Its current SyncToken.
    ///   - requestID: The persisted id of this logical write.
    /// - Returns: The deleted record's Id and status.
    /// - Throws: ``QBOError``.
    public func delete<Entity: QBOEntity>(_ type: Entity.Type, id: String, syncToken: String, requestID: RequestID) async throws -> DeletedRecord {
        let body = try encode(IdentityBody(id: id, syncToken: syncToken))
        let (response, request) = try await perform(
            .post, path: Entity.pathSegment, parameters: [("operation", "delete")], body: body, requestID: requestID
        )
        return try decode(DeletionEnvelope<Entity>.self, from: response, request: request).deleted
    }

    /// Voids an invoice: `POST /invoice?operation=void` with `{Id, SyncToken}`.
    /// The invoice keeps its Id; amounts become 0 and PrivateNote gains "Voided".
    /// - Parameters:
    ///   - id: The invoice's Id.
    ///   - syncToken: Its current SyncToken.
    ///   - requestID: The persisted id of this logical write.
    /// - Returns: The voided invoice.
    /// - Throws: ``QBOError``.
    public func voidInvoice(id: String, syncToken: String, requestID: RequestID) async throws -> QBO.Invoice {
        let body = try encode(IdentityBody(id: id, syncToken: syncToken))
        let (response, request) = try await perform(
            .post, path: QBO.Invoice.pathSegment, parameters: [("operation", "void")], body: body, requestID: requestID
        )
        return try decode(EntityEnvelope<QBO.Invoice>.self, from: response, request: request).entity
    }

    /// Voids a payment: `POST /payment?operation=update&include=void` with
    /// `{Id, SyncToken, "sparse": true}`. A deposited payment cannot be voided
    /// (6540, ``QBOError/Kind/locked``).
    /// - Parameters:
    ///   - id: The payment's Id.
    ///   - syncToken: Its current SyncToken.
    ///   - requestID: The persisted id of this logical write.
    /// - Returns: The voided payment.
    /// - Throws: ``QBOError``.
    public func voidPayment(id: String, syncToken: String, requestID: RequestID) async throws -> QBO.Payment {
        try await self.voidByUpdate(QBO.Payment.self, id: id, syncToken: syncToken, requestID: requestID)
    }

    /// Voids a bill payment the way QBO voids payments: `POST
    /// /billpayment?operation=update&include=void` with `{Id, SyncToken,
    /// "sparse": true}`; the bills it paid owe again.
    /// - Parameters:
    ///   - id: The bill payment's Id.
    ///   - syncToken: Its current SyncToken.
    ///   - requestID: The persisted id of this logical write.
    /// - Returns: The voided bill payment.
    /// - Throws: ``QBOError``.
    public func voidBillPayment(id: String, syncToken: String, requestID: RequestID) async throws -> QBO.BillPayment {
        try await self.voidByUpdate(QBO.BillPayment.self, id: id, syncToken: syncToken, requestID: requestID)
    }

    private func voidByUpdate<Entity: QBOEntity>(_ type: Entity.Type, id: String, syncToken: String, requestID: RequestID) async throws -> Entity {
        let body = try encode(IdentityBody(id: id, syncToken: syncToken, sparse: true))
        let (response, request) = try await perform(
            .post, path: Entity.pathSegment, parameters: [("operation", "update"), ("include", "void")],
            body: body, requestID: requestID
        )
        return try decode(EntityEnvelope<Entity>.self, from: response, request: request).entity
    }

    private func write<Entity: QBOEntity>(_ entity: Entity, path: String, requestID: RequestID) async throws -> Entity {
        let body = try encode(entity)
        let (response, request) = try await perform(.post, path: path, body: body, requestID: requestID)
        return try decode(EntityEnvelope<Entity>.self, from: response, request: request).entity
    }

    private static func requireIdentity(_ entity: some QBOEntity) throws {
        guard entity.id?.isEmpty == false, entity.syncToken?.isEmpty == false else {
            throw QBOError(kind: .invalidRequest, message: "an update needs the record's Id and current SyncToken")
        }
    }
}
