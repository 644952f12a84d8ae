import Foundation
import QBSyncStore
import QBSyncTesting
import QBSyncWire

@testable import QBSyncCore

/// A store on a temporary file with one connected company, for testing the
/// sync core's rules without QBO or a socket.
struct CoreStore {
    let store: Store
    let companyID = "acme"

    static func make() async throws -> CoreStore {
        let core = CoreStore(store: try Store(location: TestDatabase.fresh(name: "qbsync-core-\(UUID().uuidString).sqlite3")))
        _ = try await core.store.write { transaction in
            try transaction.connectCompany("acme", credentials: QBOCredentials(realmID: "1", clientID: "c", clientSecret: "s", refreshToken: "r"), settings: nil, sealer: .none)
        }
        return core
    }

    func map(_ kind: MappingKind, _ code: String, to qboID: String) async throws {
        _ = try await self.store.write { try $0.save(Mapping(kind: kind, externalCode: code, qboID: qboID), companyID: "acme") }
    }

    /// Accepts a record the way the API does.
    func intake() -> Intake { Intake(store: self.store, view: RecordView(qboAppURL: "https://qbo.test/app/")) }

    func record(_ entity: EntityType, _ id: String) throws -> RecordRow? {
        try self.store.read { try $0.record(RecordKey(companyID: "acme", entity: entity, externalID: id)) }
    }

    /// Marks a record as in QBO with this id (what a push would do).
    func markSynced(_ entity: EntityType, _ id: String, qboID: String) async throws {
        let key = RecordKey(companyID: "acme", entity: entity, externalID: id)
        _ = try await self.store.write { transaction in
            guard var row = try transaction.record(key) else { return }
            try transaction.synced(&row, qboID: qboID, syncToken: "0", voided: false, pushedHash: row.contentHash, pending: false, note: "test")
        }
    }

    func close() { self.store.close() }
}
