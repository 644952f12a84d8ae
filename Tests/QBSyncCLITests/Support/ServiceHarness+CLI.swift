import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire

/// The CLI against a harness: `harness.cli("invoices", "show", "x")` adds --socket.
extension ServiceHarness {
    /// Runs the binary with `--socket` and `--company` of this harness appended.
    func cli(_ arguments: String..., company: String = "acme", stdin: String? = nil, environment: [String: String] = [:]) async throws -> CLIResult {
        try await CLIProcess.run(arguments + ["--socket", self.socketPath, "--company", company], environment: environment, stdin: stdin)
    }

    /// Maps the item codes and payment method the tests use to the simulator's seeded objects.
    func mapDefaults(_ company: String) async throws {
        _ = try await self.client.autoMap(AutoMapRequest(companyID: company, kind: .item, entries: [
            AutoMapEntry(externalCode: "TENT-20", name: "Equipment Rental"),
            AutoMapEntry(externalCode: "DELIVERY", name: "Delivery"),
        ]))
        _ = try await self.client.autoMap(AutoMapRequest(companyID: company, kind: .paymentMethod, entries: [
            AutoMapEntry(externalCode: "CARD", name: "Undeposited Funds"),
        ]))
    }

    /// A connected company with mappings and one linked customer "c1".
    func prepareCompany(_ company: String = "acme") async throws -> RealmCredentials {
        let realm = try await self.connect(company)
        try await self.mapDefaults(company)
        _ = try await self.client.linkCustomer(LinkCustomerRequest(companyID: company, customer: Fixtures.customer("c1", email: "pat@acme.test"), mode: .create))
        return realm
    }

    func ref(_ company: String, _ entity: EntityType, _ id: String) -> RecordRef {
        RecordRef(companyID: company, entity: entity, externalID: id)
    }

    /// Sends an invoice and waits until it settles.
    @discardableResult
    func syncInvoice(_ invoice: Invoice, company: String = "acme") async throws -> SyncRecord {
        _ = try await self.client.syncInvoice(SyncInvoiceRequest(companyID: company, invoice: invoice))
        return try await self.waitForRecord(self.ref(company, .invoice, invoice.externalID)) { $0.status != .pending && $0.status != .syncing }
    }
}

/// JSON helpers for the protobuf JSON the CLI prints (64-bit integers are strings).
extension Dictionary where Key == String, Value == Any {
    subscript(object key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    subscript(array key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    subscript(string key: String) -> String? { self[key] as? String }
}

/// Runs `body` against a fresh harness and stops it whatever happens.
func withHarness(configure: (inout QBSyncServer.Configuration) -> Void = { _ in }, _ body: (ServiceHarness) async throws -> Void) async throws {
    let harness = try await ServiceHarness.start(configure: configure)
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}
