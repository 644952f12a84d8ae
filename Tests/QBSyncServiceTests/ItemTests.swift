import Foundation
import QBOClient
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// Items the rental system creates in QuickBooks: services, non-inventory and
/// inventory products, mapped as item codes once there.
@Suite(.timeLimit(.minutes(3))) struct ItemTests {
    private func ready(
        settings: RealmSettings = RealmSettings(), transport: (any HTTPTransport)? = nil
    ) async throws -> (ServiceHarness, RealmCredentials) {
        let harness = try await ServiceHarness.start(simulator: SimulatorConfiguration(realmSettings: settings), transport: transport)
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .account, entries: [
            AutoMapEntry(externalCode: "RENTAL-INCOME", name: "Rental Income"),
            AutoMapEntry(externalCode: "SALES", name: "Sales of Product Income"),
            AutoMapEntry(externalCode: "STOCK", name: "Inventory Asset"),
            AutoMapEntry(externalCode: "SUPPLIES", name: "Supplies"),
        ]))
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        return (harness, realm)
    }

    static func service(_ id: String, name: String, price: String = "125.00") -> Item {
        Item(externalID: id, name: name, type: .service, unitPrice: price, incomeAccountCode: "RENTAL-INCOME")
    }

    static func inventory(_ id: String, name: String, quantity: String = "40", start: String = "2026-11-01") -> Item {
        Item(externalID: id, name: name, type: .inventory, description: "Propane cylinder, 20 lb", sku: "PROP-20", unitPrice: "24.99",
             purchaseCost: "11.50", incomeAccountCode: "SALES", assetAccountCode: "STOCK", quantityOnHand: quantity, inventoryStartDate: start, taxable: true)
    }

    private func qboItem(_ harness: ServiceHarness, _ realm: RealmCredentials, named name: String) async throws -> JSONValue? {
        try await harness.ledger(realm, "Item").first { $0["Name"]?.stringValue == name }
    }

    @Test func aServiceItemIsCreatedMappedAndUnblocksTheInvoicesNamingIt() async throws {
        let (harness, realm) = try await self.ready()
        // The invoice names an item QuickBooks does not have yet: it waits.
        let invoice = Fixtures.invoice("inv-1", customer: "c1", item: "STAGE-8X8")
        let waiting = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: invoice))
        #expect(waiting.record?.blockers.map(\.kind) == [.itemNotMapped])
        _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: Self.service("STAGE-8X8", name: "Stage 8x8")))
        let record = try await harness.waitForRecord(harness.ref("acme", .item, "STAGE-8X8")) { $0.status == .synced }
        #expect(record.status == .synced, "\(record.blockers) \(record.lastError?.message ?? "")")
        #expect(record.qboURL.hasSuffix("items?itemId=\(record.qboID)"))
        let item = try #require(try await self.qboItem(harness, realm, named: "Stage 8x8"))
        #expect(item["Type"]?.stringValue == "Service")
        #expect(item["UnitPrice"]?.decimalValue == 125)
        #expect(item["IncomeAccountRef"]?["value"]?.stringValue == SimulatorSeed.Account.rentalIncome)
        let mapping = try await harness.client.listMappings(ListMappingsRequest(companyID: "acme", kind: .item))
        #expect(mapping.mappings.first { $0.externalCode == "STAGE-8X8" }?.qboID == record.qboID)
        let synced = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-1")) { $0.status == .synced }
        #expect(synced.status == .synced)
        let line = try #require(try await harness.ledger(realm, "Invoice").first?["Line"]?.arrayValue?.first)
        #expect(line["SalesItemLineDetail"]?["ItemRef"]?["value"]?.stringValue == record.qboID)

        // A price change updates the same QBO item; a type change is refused.
        _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: Self.service("STAGE-8X8", name: "Stage 8x8", price: "150.00")))
        _ = try await harness.waitUntilIdle("acme")
        #expect(try await self.qboItem(harness, realm, named: "Stage 8x8")?["UnitPrice"]?.decimalValue == 150)
        #expect(try await harness.ledger(realm, "Item").filter { $0["Name"]?.stringValue == "Stage 8x8" }.count == 1)
        var retyped = Self.service("STAGE-8X8", name: "Stage 8x8")
        retyped.type = .nonInventory
        let refused = await #expect(throws: RPCError.self) { _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: retyped)) }
        #expect(refused?.code == .failedPrecondition)

        // An item QuickBooks already has by that name is taken over, not duplicated.
        _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: Self.service("DEL", name: "Delivery", price: "95.00")))
        let delivery = try await harness.waitForRecord(harness.ref("acme", .item, "DEL")) { $0.status == .synced }
        #expect(delivery.qboID == SimulatorSeed.Item.delivery)
        #expect(try await self.qboItem(harness, realm, named: "Delivery")?["UnitPrice"]?.decimalValue == 95)
        await harness.stop()
    }

    @Test func anInventoryItemStartsWithItsQuantityAndLaterChangesLeaveItAlone() async throws {
        let (harness, realm) = try await self.ready()
        let facts = try await self.facts(harness)
        #expect(facts.known && facts.tracksInventory)
        #expect(facts.homeCurrency == "USD")
        _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: Self.inventory("PROP-20", name: "Propane 20lb")))
        #expect(try await harness.waitForRecord(harness.ref("acme", .item, "PROP-20")) { $0.status == .synced }.status == .synced)
        let item = try #require(try await self.qboItem(harness, realm, named: "Propane 20lb"))
        #expect(item["Type"]?.stringValue == "Inventory")
        #expect(item["TrackQtyOnHand"]?.boolValue == true)
        #expect(item["QtyOnHand"]?.decimalValue == 40)
        #expect(item["InvStartDate"]?.stringValue == "2026-11-01")
        #expect(item["AssetAccountRef"]?["value"]?.stringValue == SimulatorSeed.Account.inventoryAsset)
        #expect(item["PurchaseCost"]?.decimalValue == Decimal(string: "11.5"))
        // A new count in the rental system is not an item edit in QBO: the price changes, the quantity stays.
        var recount = Self.inventory("PROP-20", name: "Propane 20lb", quantity: "12")
        recount.unitPrice = "26.99"
        _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: recount))
        _ = try await harness.waitUntilIdle("acme")
        let after = try #require(try await self.qboItem(harness, realm, named: "Propane 20lb"))
        #expect(after["UnitPrice"]?.decimalValue == Decimal(string: "26.99"))
        #expect(after["QtyOnHand"]?.decimalValue == 40)
        await harness.stop()
    }

    @Test func inventoryOnACompanyThatDoesNotTrackQuantitiesIsRefusedUpFront() async throws {
        var settings = RealmSettings()
        settings.tracksInventory = false
        settings.companyName = "Bayside Tents"
        let (harness, realm) = try await self.ready(settings: settings)
        let facts = try await self.facts(harness)
        #expect(facts.known && !facts.tracksInventory)
        #expect(facts.companyName == "Bayside Tents")
        let refused = await #expect(throws: RPCError.self) {
            _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: Self.inventory("PROP-20", name: "Propane 20lb")))
        }
        #expect(refused?.code == .failedPrecondition)
        #expect(refused?.message.contains("does not track inventory") == true)
        #expect(refused?.message.contains("Bayside Tents") == true)
        // Nothing stored; a non-inventory item is fine.
        let missing = await #expect(throws: RPCError.self) { _ = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .item, "PROP-20"))) }
        #expect(missing?.code == .notFound)
        var product = Self.inventory("PROP-20", name: "Propane 20lb")
        product.type = .nonInventory
        product.assetAccountCode = ""
        product.quantityOnHand = ""
        product.inventoryStartDate = ""
        product.expenseAccountCode = "SUPPLIES"
        _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: product))
        #expect(try await harness.waitForRecord(harness.ref("acme", .item, "PROP-20")) { $0.status == .synced }.status == .synced)
        #expect(try await self.qboItem(harness, realm, named: "Propane 20lb")?["Type"]?.stringValue == "NonInventory")
        await harness.stop()
    }

    @Test func aLostCreateAnswerNeverMakesTwoItems() async throws {
        let losing = try AnswerLosingTransport(count: 1, lose: AnswerLosingTransport.write("item"))
        let (harness, realm) = try await self.ready(transport: losing)
        _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: Self.service("GEN-5K", name: "Generator 5kW")))
        #expect(try await harness.waitForRecord(harness.ref("acme", .item, "GEN-5K")) { $0.status == .synced }.status == .synced)
        #expect(losing.answersLeftToLose == 0)
        #expect(try await harness.ledger(realm, "Item").filter { $0["Name"]?.stringValue == "Generator 5kW" }.count == 1)
        await harness.stop()
    }

    @Test func badItemsAreRefusedNamingTheField() async throws {
        let (harness, _) = try await self.ready()
        let good = Self.inventory("PROP-20", name: "Propane 20lb")
        func item(_ change: (inout Item) -> Void) -> Item {
            var value = good
            change(&value)
            return value
        }
        for (bad, field) in [
            (item { $0.externalID = "" }, "item.external_id"),
            (item { $0.externalID = String(repeating: "x", count: 101) }, "item.external_id"),
            (item { $0.name = "" }, "item.name"),
            (item { $0.name = "Tents:Big" }, "item.name"),
            (item { $0.name = "Tab\tName" }, "item.name"),
            (item { $0.type = .unspecified }, "item.type"),
            (item { $0.type = .unrecognized(12) }, "item.type"),
            (item { $0.unitPrice = "-1" }, "item.unit_price"),
            (item { $0.unitPrice = "12,50" }, "item.unit_price"),
            (item { $0.purchaseCost = "1e2" }, "item.purchase_cost"),
            (item { $0.incomeAccountCode = "" }, "item.income_account_code"),
            (item { $0.assetAccountCode = "" }, "item.asset_account_code"),
            (item { $0.quantityOnHand = "" }, "item.quantity_on_hand"),
            (item { $0.quantityOnHand = "-3" }, "item.quantity_on_hand"),
            (item { $0.inventoryStartDate = "2026-13-01" }, "item.inventory_start_date"),
            (item { $0.type = .service }, "item.asset_account_code"),
            (item { $0.type = .nonInventory; $0.assetAccountCode = ""; $0.quantityOnHand = ""; $0.inventoryStartDate = "" }, "item.expense_account_code"),
            (item { $0.description = "a\u{0}b" }, "item.description"),
        ] {
            let error = await #expect(throws: RPCError.self) { _ = try await harness.client.syncItem(SyncItemRequest(companyID: "acme", item: bad)) }
            #expect(error?.code == .invalidArgument, "\(field)")
            #expect(error?.detail(FieldViolation.self)?.field == field)
        }
        #expect(try await harness.client.listRecords(ListRecordsRequest(companyID: "acme", entity: .item)).records.isEmpty)
        await harness.stop()
    }

    /// The QBO company's facts, once the connect-time read has stored them.
    private func facts(_ harness: ServiceHarness) async throws -> QBOCompanyFacts {
        let end = ContinuousClock.now + .seconds(10)
        while true {
            let facts = try await harness.client.getCompany(GetCompanyRequest(companyID: "acme")).company?.qbo ?? QBOCompanyFacts()
            if facts.known || ContinuousClock.now > end { return facts }
            try await Task.sleep(for: .milliseconds(25))
        }
    }
}
