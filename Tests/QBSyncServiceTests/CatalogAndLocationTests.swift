import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// QuickBooks' own lists for pickers, and locations and classes as mappings.
@Suite(.timeLimit(.minutes(3))) struct CatalogAndLocationTests {
    private func ready() async throws -> (ServiceHarness, RealmCredentials) {
        let harness = try await ServiceHarness.start()
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        return (harness, realm)
    }

    private func list(_ harness: ServiceHarness, _ list: QBOList, search: String = "", size: UInt32 = 0, token: String = "") async throws -> ListQBOEntitiesResponse {
        try await harness.client.listQBOEntities(ListQBOEntitiesRequest(companyID: "acme", list: list, nameContains: search, pageSize: size, pageToken: token))
    }

    @Test func listsArePagedSearchableAndInQuickBooksWords() async throws {
        let (harness, _) = try await self.ready()
        // Items page by page: every item once, in name order.
        var names: [String] = []
        var token = ""
        repeat {
            let page = try await self.list(harness, .item, size: 2, token: token)
            #expect(page.entries.count <= 2)
            names += page.entries.map(\.name)
            token = page.nextPageToken
        } while !token.isEmpty
        #expect(names == ["Cleaning Fee", "Damage Waiver", "Delivery", "Equipment Rental", "Services"])
        let rental = try await self.list(harness, .item, search: "RENTAL")
        #expect(rental.entries.map(\.name) == ["Equipment Rental"])
        #expect(rental.entries.first?.qboID == SimulatorSeed.Item.equipmentRental)
        #expect(rental.entries.first?.type == "Service")
        // An apostrophe is quoted, not a broken query.
        #expect(try await self.list(harness, .customer, search: "O'Brien").entries.isEmpty)
        let customers = try await self.list(harness, .customer, search: "acme")
        #expect(customers.entries.map(\.name) == ["Acme Party Rentals"])
        let accounts = try await self.list(harness, .account, search: "checking")
        #expect(accounts.entries.first?.type == "Bank")
        #expect(try await self.list(harness, .vendor).entries.map(\.name).contains("Hicks Hardware"))
        #expect(try await self.list(harness, .location).entries.map(\.name) == ["Main Yard"])
        #expect(try await self.list(harness, .class).entries.map(\.name) == ["Rentals"])
        #expect(try await self.list(harness, .term).entries.count == 4)
        // Tax codes carry their rates, so the rental system can use QBO's tax setup.
        let california = try #require(try await self.list(harness, .taxCode, search: "California").entries.first)
        #expect(california.ratePercent == "8")
        #expect(california.taxRateIds == ["1"])
        #expect(try await self.list(harness, .taxRate).entries.first?.ratePercent == "8")
        await harness.stop()
    }

    @Test func badListRequestsAreRefusedNamingTheField() async throws {
        let (harness, _) = try await self.ready()
        for (request, field) in [
            (ListQBOEntitiesRequest(companyID: "acme"), "list"),
            (ListQBOEntitiesRequest(companyID: "acme", list: .init(wireValue: 99)), "list"),
            (ListQBOEntitiesRequest(companyID: "acme", list: .item, pageSize: 5000), "page_size"),
            (ListQBOEntitiesRequest(companyID: "acme", list: .item, pageToken: "x"), "page_token"),
            (ListQBOEntitiesRequest(companyID: "acme", list: .item, nameContains: String(repeating: "a", count: 101)), "name_contains"),
        ] {
            let error = await #expect(throws: RPCError.self) { _ = try await harness.client.listQBOEntities(request) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.detail(FieldViolation.self)?.field == field)
        }
        let unknown = await #expect(throws: RPCError.self) {
            _ = try await harness.client.listQBOEntities(ListQBOEntitiesRequest(companyID: "nobody", list: .item))
        }
        #expect(unknown?.code == .failedPrecondition)
        await harness.stop()
    }

    @Test func locationsAndClassesAreMappingsThatBlockAndAreStampedOnTheInvoice() async throws {
        let (harness, realm) = try await self.ready()
        var invoice = Fixtures.invoice("inv-l", customer: "c1")
        invoice.locationCode = "YARD-N"
        invoice.lines[0].classCode = "RENT"
        let accepted = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: invoice))
        #expect(accepted.record?.status == .blocked)
        #expect(accepted.record?.blockers.map(\.kind) == [.locationNotMapped, .classNotMapped])
        let locations = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .location, entries: [AutoMapEntry(externalCode: "YARD-N", name: "main yard")]))
        #expect(locations.mapped.first?.qboID == SimulatorSeed.mainYardDepartment)
        let classes = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .class, entries: [AutoMapEntry(externalCode: "RENT", name: "Rentals")]))
        #expect(classes.recordsUnblocked == 1)
        let record = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-l")) { $0.status == .synced }
        #expect(record.status == .synced)
        let stored = try #require(try await harness.ledger(realm, "Invoice").first)
        #expect(stored["DepartmentRef"]?["value"]?.stringValue == SimulatorSeed.mainYardDepartment)
        #expect(stored["Line"]?.arrayValue?.first?["SalesItemLineDetail"]?["ClassRef"]?["value"]?.stringValue == SimulatorSeed.rentalsClass)
        await harness.stop()
    }
}
