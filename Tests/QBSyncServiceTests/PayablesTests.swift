import Foundation
import QBOClient
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// Vendors, bills, bill payments, purchase orders and expenses, each
/// checked in the simulator's books to the cent.
@Suite(.timeLimit(.minutes(3))) struct PayablesTests {
    /// A company with accounts, items, a location and a class mapped, and vendor "v1" created.
    private func ready(transport: (any HTTPTransport)? = nil) async throws -> (ServiceHarness, RealmCredentials) {
        let harness = try await ServiceHarness.start(transport: transport)
        let realm = try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .account, entries: [
            AutoMapEntry(externalCode: "BANK", name: "Checking"),
            AutoMapEntry(externalCode: "CARD-MC", name: "Mastercard"),
            AutoMapEntry(externalCode: "REPAIRS", name: "Equipment Repairs"),
            AutoMapEntry(externalCode: "SUPPLIES", name: "Supplies"),
            AutoMapEntry(externalCode: "AP", name: "Accounts Payable (A/P)"),
        ]))
        _ = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .location, entries: [AutoMapEntry(externalCode: "YARD", name: "Main Yard")]))
        _ = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .class, entries: [AutoMapEntry(externalCode: "RENT", name: "Rentals")]))
        let vendor = try await harness.client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v1", name: "Summit Subrentals"), mode: .create))
        #expect(vendor.outcome == .created)
        return (harness, realm)
    }

    static func vendor(_ id: String, name: String, email: String = "") -> Vendor {
        Vendor(externalID: id, displayName: name, email: email)
    }

    static func accountLine(_ code: String, _ amountMinor: Int64, description: String = "") -> ExpenseLine {
        ExpenseLine(target: .accountCode(code), description: description, amountMinor: amountMinor)
    }

    static func bill(_ id: String, vendor: String = "v1", doc: String, lines: [ExpenseLine], date: String = "2026-11-02") -> Bill {
        Bill(externalID: id, vendorExternalID: vendor, docNumber: doc, txnDate: date, currency: "USD", lines: lines)
    }

    private func sync(_ harness: ServiceHarness, _ bill: Bill) async throws -> SyncRecord {
        _ = try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: bill))
        return try await harness.waitForRecord(harness.ref("acme", .bill, bill.externalID)) { $0.status == .synced || $0.status == .errored || $0.status == .skipped }
    }

    private func qbo(_ harness: ServiceHarness, _ realm: RealmCredentials, _ entity: String, doc: String) async throws -> JSONValue? {
        try await harness.ledger(realm, entity).first { $0["DocNumber"]?.stringValue == doc }
    }

    private func vendorBalance(_ harness: ServiceHarness, _ realm: RealmCredentials, _ qboID: String) async throws -> Decimal? {
        try await harness.ledger(realm, "Vendor").first { $0["Id"]?.stringValue == qboID }?["Balance"]?.decimalValue
    }

    // MARK: Vendors

    @Test func vendorsAreCreatedProposedConfirmedAndUpdated() async throws {
        let (harness, realm) = try await self.ready()
        let created = try #require(try await harness.ledger(realm, "Vendor").first { $0["DisplayName"]?.stringValue == "Summit Subrentals" })
        // A name match alone is a proposal for a person to confirm.
        let proposed = try await harness.client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v-hicks", name: "Hicks Hardware")))
        #expect(proposed.outcome == .proposed)
        #expect(proposed.candidates.map(\.qboID) == [SimulatorSeed.Vendor.hicksHardware])
        #expect(proposed.record?.blockers.map(\.kind) == [.vendorNeedsConfirmation])
        // A bill of that vendor waits for the confirmation.
        let waiting = try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: Self.bill("b-h", vendor: "v-hicks", doc: "H-1", lines: [Self.accountLine("SUPPLIES", 4_999)])))
        #expect(waiting.record?.blockers.map(\.kind) == [.vendorNeedsConfirmation])
        let confirmed = try await harness.client.linkVendor(LinkVendorRequest(
            companyID: "acme", vendor: Vendor(externalID: "v-hicks"), mode: .existing, qboVendorID: SimulatorSeed.Vendor.hicksHardware))
        #expect(confirmed.outcome == .linkedExisting)
        #expect(confirmed.qboVendorID == SimulatorSeed.Vendor.hicksHardware)
        let bill = try await harness.waitForRecord(harness.ref("acme", .bill, "b-h")) { $0.status == .synced }
        #expect(bill.status == .synced)
        #expect(try await self.qbo(harness, realm, "Bill", doc: "H-1")?["VendorRef"]?["value"]?.stringValue == SimulatorSeed.Vendor.hicksHardware)
        // By email: linked at once.
        _ = try await harness.client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v-mail", name: "Mail Co", email: "ap@mail.test"), mode: .create))
        let byEmail = try await harness.client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v-mail-2", name: "Mail Company", email: "AP@mail.test")))
        #expect(byEmail.outcome == .linkedByEmail)
        // Nothing matches: NO_MATCH, blocked until created or linked.
        let none = try await harness.client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v-none", name: "Nobody Ltd")))
        #expect(none.outcome == .noMatch)
        #expect(none.record?.status == .blocked)
        // Changed details of a linked vendor update the QBO vendor.
        var changed = Self.vendor("v1", name: "Summit Subrentals")
        changed.phone = "555-0100"
        changed.accountNumber = "ACME-77"
        let update = try await harness.client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: changed))
        #expect(update.outcome == .alreadyLinked)
        _ = try await harness.waitForRecord(harness.ref("acme", .vendor, "v1")) { $0.status == .synced }
        let updated = try #require(try await harness.ledger(realm, "Vendor").first { $0["Id"] == created["Id"] })
        #expect(updated["PrimaryPhone"]?["FreeFormNumber"]?.stringValue == "555-0100")
        #expect(updated["AcctNum"]?.stringValue == "ACME-77")
        #expect(updated["SyncToken"]?.stringValue == "1")
        // A name QBO already uses for a customer (DisplayName is unique across both) is refused, naming the holder.
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1", name: "Taken Name"), mode: .create))
        let clash = await #expect(throws: RPCError.self) {
            _ = try await harness.client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v-clash", name: "Taken Name"), mode: .create))
        }
        #expect(clash?.code == .alreadyExists, "\(String(describing: clash))")
        #expect(clash?.message.contains("Taken Name") == true, "\(clash?.message ?? "")")
        await harness.stop()
    }

    // MARK: Bills and bill payments

    @Test func billsArePushedUpdatedPaidVoidedAndDeletedToTheCent() async throws {
        let (harness, realm) = try await self.ready()
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        let vendorID = try #require(try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .vendor, "v1"))).record?.qboID)
        var bill = Self.bill("b1", doc: "SUB-100", lines: [
            Self.accountLine("REPAIRS", 12_550, description: "hydraulic hose"),
            ExpenseLine(target: .accountCode("SUPPLIES"), amountMinor: 1_999, classCode: "RENT", customerExternalID: "c1"),
        ])
        bill.locationCode = "YARD"
        bill.apAccountCode = "AP"
        bill.dueDate = "2026-12-02"
        let first = try await self.sync(harness, bill)
        #expect(first.status == .synced, "\(first.lastError?.message ?? "")")
        let pushed = try #require(try await self.qbo(harness, realm, "Bill", doc: "SUB-100"))
        #expect(pushed["TotalAmt"]?.decimalValue == Decimal(string: "145.49"))
        #expect(pushed["Balance"]?.decimalValue == Decimal(string: "145.49"))
        #expect(pushed["DepartmentRef"]?["value"]?.stringValue == SimulatorSeed.mainYardDepartment)
        #expect(pushed["APAccountRef"]?["value"]?.stringValue == SimulatorSeed.Account.accountsPayable)
        let lines = pushed["Line"]?.arrayValue ?? []
        #expect(lines.first?["AccountBasedExpenseLineDetail"]?["AccountRef"]?["value"]?.stringValue == SimulatorSeed.Account.equipmentRepairs)
        #expect(lines.last?["AccountBasedExpenseLineDetail"]?["BillableStatus"]?.stringValue == "Billable")
        #expect(lines.last?["AccountBasedExpenseLineDetail"]?["ClassRef"]?["value"]?.stringValue == SimulatorSeed.rentalsClass)
        #expect(try await self.vendorBalance(harness, realm, vendorID) == Decimal(string: "145.49"))

        // The rental system corrects the bill: the same QBO bill is updated.
        bill.lines[0].amountMinor = 13_050
        #expect(try await self.sync(harness, bill).status == .synced)
        let corrected = try #require(try await self.qbo(harness, realm, "Bill", doc: "SUB-100"))
        #expect(corrected["Id"] == pushed["Id"])
        #expect(corrected["TotalAmt"]?.decimalValue == Decimal(string: "150.49"))
        #expect(try await harness.ledger(realm, "Bill").count == 1)

        // A second bill, then one payment over both, partly paying the second.
        #expect(try await self.sync(harness, Self.bill("b2", doc: "SUB-101", lines: [Self.accountLine("REPAIRS", 20_000)])).status == .synced)
        let payment = BillPayment(externalID: "bp1", vendorExternalID: "v1", txnDate: "2026-11-20", currency: "USD", amountMinor: 20_049,
                                  method: .check, paymentAccountCode: "BANK", docNumber: "1001",
                                  applications: [BillApplication(billExternalID: "b1", amountMinor: 15_049), BillApplication(billExternalID: "b2", amountMinor: 5_000)])
        _ = try await harness.client.syncBillPayment(SyncBillPaymentRequest(companyID: "acme", billPayment: payment))
        #expect(try await harness.waitForRecord(harness.ref("acme", .billPayment, "bp1")) { $0.status == .synced }.status == .synced)
        let paid = try #require(try await harness.ledger(realm, "BillPayment").first)
        #expect(paid["TotalAmt"]?.decimalValue == Decimal(string: "200.49"))
        #expect(paid["PayType"]?.stringValue == "Check")
        #expect(paid["CheckPayment"]?["BankAccountRef"]?["value"]?.stringValue == SimulatorSeed.Account.checking)
        #expect(try await self.qbo(harness, realm, "Bill", doc: "SUB-100")?["Balance"]?.decimalValue == 0)
        #expect(try await self.qbo(harness, realm, "Bill", doc: "SUB-101")?["Balance"]?.decimalValue == 150)
        #expect(try await self.vendorBalance(harness, realm, vendorID) == 150)

        // A bill payment in QBO cannot be edited, only voided.
        var edited = payment
        edited.amountMinor = 20_000
        edited.applications[0].amountMinor = 15_000
        let refused = await #expect(throws: RPCError.self) {
            _ = try await harness.client.syncBillPayment(SyncBillPaymentRequest(companyID: "acme", billPayment: edited))
        }
        #expect(refused?.code == .failedPrecondition)
        var voided = payment
        voided.voided = true
        _ = try await harness.client.syncBillPayment(SyncBillPaymentRequest(companyID: "acme", billPayment: voided))
        #expect(try await harness.waitForRecord(harness.ref("acme", .billPayment, "bp1")) { $0.status == .synced && $0.voided }.voided)
        #expect(try await harness.ledger(realm, "BillPayment").first?["TotalAmt"]?.decimalValue == 0)
        #expect(try await self.qbo(harness, realm, "Bill", doc: "SUB-100")?["Balance"]?.decimalValue == Decimal(string: "150.49"))
        #expect(try await self.qbo(harness, realm, "Bill", doc: "SUB-101")?["Balance"]?.decimalValue == 200)
        #expect(try await self.vendorBalance(harness, realm, vendorID) == Decimal(string: "350.49"))

        // The subrental is cancelled: its bill is deleted in QBO; sending it back is refused.
        var cancelled = Self.bill("b2", doc: "SUB-101", lines: [Self.accountLine("REPAIRS", 20_000)])
        cancelled.cancelled = true
        #expect(try await self.sync(harness, cancelled).voided)
        #expect(try await self.qbo(harness, realm, "Bill", doc: "SUB-101") == nil)
        #expect(try await self.vendorBalance(harness, realm, vendorID) == Decimal(string: "150.49"))
        cancelled.cancelled = false
        let revived = await #expect(throws: RPCError.self) { _ = try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: cancelled)) }
        #expect(revived?.code == .failedPrecondition)
        // Cancelled before it was ever pushed: nothing reaches QBO.
        var never = Self.bill("b3", doc: "SUB-102", lines: [Self.accountLine("REPAIRS", 100)])
        never.cancelled = true
        let skipped = try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: never))
        #expect(skipped.record?.status == .skipped)
        #expect(try await self.qbo(harness, realm, "Bill", doc: "SUB-102") == nil)
        await harness.stop()
    }

    @Test func billsWaitForTheirVendorAndMappingsAndPaymentsForTheirBills() async throws {
        let (harness, realm) = try await self.ready()
        // The payment arrives first, then the bill, then the vendor.
        let payment = BillPayment(externalID: "bp-early", vendorExternalID: "v-late", txnDate: "2026-11-21", currency: "USD", amountMinor: 3_000,
                                  method: .creditCard, paymentAccountCode: "CARD-MC", applications: [BillApplication(billExternalID: "b-late", amountMinor: 3_000)])
        let early = try await harness.client.syncBillPayment(SyncBillPaymentRequest(companyID: "acme", billPayment: payment))
        #expect(early.record?.status == .blocked)
        #expect(Set(early.record?.blockers.map(\.kind) ?? []) == [.vendorNotLinked, .unknownReference])
        let bill = try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: Self.bill("b-late", vendor: "v-late", doc: "L-1", lines: [
            Self.accountLine("FUEL", 3_000),
        ])))
        #expect(Set(bill.record?.blockers.map(\.kind) ?? []) == [.vendorNotLinked, .accountNotMapped])
        let afterBill = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .billPayment, "bp-early")))
        #expect(Set(afterBill.record?.blockers.map(\.kind) ?? []) == [.vendorNotLinked, .billNotSynced])
        _ = try await harness.client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v-late", name: "Late Vendor"), mode: .create))
        let stillBlocked = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .bill, "b-late")))
        #expect(stillBlocked.record?.blockers.map(\.kind) == [.accountNotMapped])
        let mapped = try await harness.client.setMapping(SetMappingRequest(companyID: "acme", mapping: Mapping(kind: .account, externalCode: "FUEL", qboID: SimulatorSeed.Account.supplies)))
        #expect(mapped.recordsUnblocked == 1)
        #expect(try await harness.waitForRecord(harness.ref("acme", .billPayment, "bp-early")) { $0.status == .synced }.status == .synced)
        let paid = try #require(try await harness.ledger(realm, "BillPayment").first)
        #expect(paid["PayType"]?.stringValue == "CreditCard")
        #expect(paid["CreditCardPayment"]?["CCAccountRef"]?["value"]?.stringValue == SimulatorSeed.Account.mastercard)
        #expect(try await self.qbo(harness, realm, "Bill", doc: "L-1")?["Balance"]?.decimalValue == 0)
        await harness.stop()
    }

    // MARK: Purchase orders and expenses

    @Test func purchaseOrdersOpenCloseAndAreDeletedWhenCancelled() async throws {
        let (harness, realm) = try await self.ready()
        var order = PurchaseOrder(externalID: "po1", vendorExternalID: "v1", docNumber: "PO-7", txnDate: "2026-11-03", dueDate: "2026-11-10", currency: "USD",
                                  lines: [Self.accountLine("REPAIRS", 45_000, description: "subrent 2 light towers"),
                                          ExpenseLine(target: .itemCode("TENT-20"), quantity: "2", unitCost: "75.125", amountMinor: 15_025, classCode: "RENT")],
                                  locationCode: "YARD", memo: "deliver to north gate")
        _ = try await harness.client.syncPurchaseOrder(SyncPurchaseOrderRequest(companyID: "acme", purchaseOrder: order))
        #expect(try await harness.waitForRecord(harness.ref("acme", .purchaseOrder, "po1")) { $0.status == .synced }.status == .synced)
        let open = try #require(try await self.qbo(harness, realm, "PurchaseOrder", doc: "PO-7"))
        #expect(open["POStatus"]?.stringValue == "Open")
        #expect(open["TotalAmt"]?.decimalValue == Decimal(string: "600.25"))
        let itemLine = open["Line"]?.arrayValue?.last?["ItemBasedExpenseLineDetail"]
        #expect(itemLine?["ItemRef"]?["value"]?.stringValue == SimulatorSeed.Item.equipmentRental)
        #expect(itemLine?["Qty"]?.decimalValue == 2)
        #expect(itemLine?["UnitPrice"]?.decimalValue == Decimal(string: "75.125"))
        #expect(itemLine?["ClassRef"]?["value"]?.stringValue == SimulatorSeed.rentalsClass)
        #expect(open["Memo"]?.stringValue == "deliver to north gate")
        order.status = .received
        _ = try await harness.client.syncPurchaseOrder(SyncPurchaseOrderRequest(companyID: "acme", purchaseOrder: order))
        _ = try await harness.waitUntilIdle("acme")
        let closed = try #require(try await self.qbo(harness, realm, "PurchaseOrder", doc: "PO-7"))
        #expect(closed["Id"] == open["Id"])
        #expect(closed["POStatus"]?.stringValue == "Closed")
        order.status = .cancelled
        _ = try await harness.client.syncPurchaseOrder(SyncPurchaseOrderRequest(companyID: "acme", purchaseOrder: order))
        #expect(try await harness.waitForRecord(harness.ref("acme", .purchaseOrder, "po1")) { $0.status == .synced && $0.voided }.voided)
        let deleted = try await self.qbo(harness, realm, "PurchaseOrder", doc: "PO-7")
        #expect(deleted == nil, "\(String(describing: deleted))")
        await harness.stop()
    }

    @Test func expensesByCardCashAndCheckReachTheirAccountsAndVoidsDeleteThem() async throws {
        let (harness, realm) = try await self.ready()
        let fuel = Expense(externalID: "e1", txnDate: "2026-11-04", currency: "USD", paymentType: .creditCard, paymentAccountCode: "CARD-MC",
                           lines: [Self.accountLine("SUPPLIES", 8_812, description: "diesel")], memo: "truck 4")
        var repair = Expense(externalID: "e2", vendorExternalID: "v1", txnDate: "2026-11-05", currency: "USD", paymentType: .check, paymentAccountCode: "BANK",
                             docNumber: "2044", lines: [Self.accountLine("REPAIRS", 30_001), Self.accountLine("SUPPLIES", 1)], locationCode: "YARD")
        for expense in [fuel, repair] {
            _ = try await harness.client.syncExpense(SyncExpenseRequest(companyID: "acme", expense: expense))
        }
        #expect(try await harness.waitForRecord(harness.ref("acme", .expense, "e2")) { $0.status == .synced }.status == .synced)
        #expect(try await harness.waitForRecord(harness.ref("acme", .expense, "e1")) { $0.status == .synced }.status == .synced)
        let purchases = try await harness.ledger(realm, "Purchase")
        let card = try #require(purchases.first { $0["PaymentType"]?.stringValue == "CreditCard" })
        #expect(card["AccountRef"]?["value"]?.stringValue == SimulatorSeed.Account.mastercard)
        #expect(card["TotalAmt"]?.decimalValue == Decimal(string: "88.12"))
        #expect(card["EntityRef"] == nil)
        let check = try #require(purchases.first { $0["PaymentType"]?.stringValue == "Check" })
        #expect(check["AccountRef"]?["value"]?.stringValue == SimulatorSeed.Account.checking)
        #expect(check["TotalAmt"]?.decimalValue == Decimal(string: "300.02"))
        #expect(check["DocNumber"]?.stringValue == "2044")
        #expect(check["DepartmentRef"]?["value"]?.stringValue == SimulatorSeed.mainYardDepartment)
        #expect(check["EntityRef"]?["type"]?.stringValue == "Vendor")
        repair.voided = true
        _ = try await harness.client.syncExpense(SyncExpenseRequest(companyID: "acme", expense: repair))
        #expect(try await harness.waitForRecord(harness.ref("acme", .expense, "e2")) { $0.status == .synced && $0.voided }.voided)
        #expect(try await harness.ledger(realm, "Purchase").map { $0["TotalAmt"]?.decimalValue } == [Decimal(string: "88.12")])
        await harness.stop()
    }

    // MARK: Per-entity toggles

    @Test func aDisabledEntityTypeIsKeptSkippedAndSyncsWhenEnabledAgain() async throws {
        let (harness, realm) = try await self.ready()
        // Expenses are kept out of QuickBooks: accepted and stored, SKIPPED.
        let off = try await harness.client.updateCompanySettings(UpdateCompanySettingsRequest(companyID: "acme", disableEntities: [.expense, .purchaseOrder]))
        #expect(off.company?.settings?.disabledEntities == [.purchaseOrder, .expense])
        let expense = Expense(externalID: "e-off", txnDate: "2026-11-06", currency: "USD", paymentType: .cash, paymentAccountCode: "BANK",
                              lines: [Self.accountLine("SUPPLIES", 2_500)])
        let skipped = try await harness.client.syncExpense(SyncExpenseRequest(companyID: "acme", expense: expense))
        #expect(skipped.record?.status == .skipped)
        #expect(skipped.record?.skipReason.contains("disabled") == true)
        // A bill, still enabled, syncs; one queued then disabled is skipped before it is pushed.
        #expect(try await self.sync(harness, Self.bill("b-on", doc: "ON-1", lines: [Self.accountLine("REPAIRS", 1_000)])).status == .synced)
        _ = try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: Self.bill("b-held", vendor: "v-unknown", doc: "HELD-1", lines: [Self.accountLine("REPAIRS", 700)])))
        let billsOff = try await harness.client.updateCompanySettings(UpdateCompanySettingsRequest(companyID: "acme", disableEntities: [.bill]))
        #expect(billsOff.recordsRequeued == 1)
        #expect(try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .bill, "b-held"))).record?.status == .skipped)
        // A resync does not push a disabled type either.
        _ = try await harness.client.resync(ResyncRequest(companyID: "acme", target: .record(harness.ref("acme", .expense, "e-off"))))
        _ = try await harness.waitUntilIdle("acme")
        #expect(try await harness.ledger(realm, "Purchase").isEmpty)
        // Turned on again: the skipped expense is queued and reaches QuickBooks once, to the cent.
        let on = try await harness.client.updateCompanySettings(UpdateCompanySettingsRequest(companyID: "acme", enableEntities: [.expense, .bill]))
        #expect(on.recordsRequeued == 2)
        #expect(on.company?.settings?.disabledEntities == [.purchaseOrder])
        #expect(try await harness.waitForRecord(harness.ref("acme", .expense, "e-off")) { $0.status == .synced }.status == .synced)
        #expect(try await harness.ledger(realm, "Purchase").map { $0["TotalAmt"]?.decimalValue } == [25])
        #expect(try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .bill, "b-held"))).record?.blockers.map(\.kind) == [.vendorNotLinked])
        // Bad toggles name the field and change nothing.
        for (request, field) in [
            (UpdateCompanySettingsRequest(companyID: "acme", disableEntities: [.customer]), "disable_entities[0]"),
            (UpdateCompanySettingsRequest(companyID: "acme", enableEntities: [.vendor]), "enable_entities[0]"),
            (UpdateCompanySettingsRequest(companyID: "acme", disableEntities: [.init(wireValue: 99)]), "disable_entities[0]"),
            (UpdateCompanySettingsRequest(companyID: "acme", enableEntities: [.bill], disableEntities: [.bill]), "disable_entities"),
        ] {
            let error = await #expect(throws: RPCError.self) { _ = try await harness.client.updateCompanySettings(request) }
            #expect(error?.detail(FieldViolation.self)?.field == field)
        }
        #expect(try await harness.client.getCompany(GetCompanyRequest(companyID: "acme")).company?.settings?.disabledEntities == [.purchaseOrder])
        await harness.stop()
    }

    // MARK: Exactly once

    @Test func lostAnswersNeverDoubleABillAPaymentOrAnExpense() async throws {
        let losing = try AnswerLosingTransport(count: 3) { request in
            ["bill", "billpayment", "purchase"].contains { AnswerLosingTransport.write($0)(request) } && !String(decoding: request.body, as: UTF8.self).contains("\"sparse\":true")
        }
        let (harness, realm) = try await self.ready(transport: losing)
        _ = try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: Self.bill("b1", doc: "X-1", lines: [Self.accountLine("REPAIRS", 9_999)])))
        _ = try await harness.client.syncBillPayment(SyncBillPaymentRequest(companyID: "acme", billPayment: BillPayment(
            externalID: "bp1", vendorExternalID: "v1", txnDate: "2026-11-06", currency: "USD", amountMinor: 9_999, method: .check,
            paymentAccountCode: "BANK", applications: [BillApplication(billExternalID: "b1", amountMinor: 9_999)])))
        _ = try await harness.client.syncExpense(SyncExpenseRequest(companyID: "acme", expense: Expense(
            externalID: "e1", txnDate: "2026-11-06", currency: "USD", paymentType: .cash, paymentAccountCode: "BANK", lines: [Self.accountLine("SUPPLIES", 1_234)])))
        for (entity, id) in [(EntityType.bill, "b1"), (.billPayment, "bp1"), (.expense, "e1")] {
            #expect(try await harness.waitForRecord(harness.ref("acme", entity, id)) { $0.status == .synced }.status == .synced)
        }
        #expect(losing.answersLeftToLose == 0)
        #expect(try await harness.ledger(realm, "Bill").count == 1)
        #expect(try await harness.ledger(realm, "BillPayment").count == 1)
        #expect(try await harness.ledger(realm, "Purchase").map { $0["TotalAmt"]?.decimalValue } == [Decimal(string: "12.34")])
        #expect(try await self.qbo(harness, realm, "Bill", doc: "X-1")?["Balance"]?.decimalValue == 0)
        await harness.stop()
    }

    @Test func aChangeSentWhileALostCreateIsCheckedEndsInQuickBooks() async throws {
        // The create's answer is lost; before qbsync retries, the PO is received.
        let losing = try AnswerLosingTransport(count: 1, lose: AnswerLosingTransport.write("purchaseorder"))
        let harness = try await ServiceHarness.start(transport: losing) { configuration in
            configuration.engine.retry.baseDelay = .seconds(1)
            configuration.engine.retry.maxDelay = .seconds(1)
        }
        let realm = try await harness.connect("acme")
        _ = try await harness.client.autoMap(AutoMapRequest(companyID: "acme", kind: .account, entries: [AutoMapEntry(externalCode: "REPAIRS", name: "Equipment Repairs")]))
        _ = try await harness.client.linkVendor(LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v1", name: "Summit Subrentals"), mode: .create))
        var order = PurchaseOrder(externalID: "po1", vendorExternalID: "v1", docNumber: "PO-9", txnDate: "2026-11-03", currency: "USD",
                                  lines: [Self.accountLine("REPAIRS", 45_000)])
        _ = try await harness.client.syncPurchaseOrder(SyncPurchaseOrderRequest(companyID: "acme", purchaseOrder: order))
        let lost = try await harness.waitForRecord(harness.ref("acme", .purchaseOrder, "po1")) { $0.status == .pending && $0.attempts > 0 }
        #expect(lost.lastError?.errorClass == .transient)
        #expect(try await harness.ledger(realm, "PurchaseOrder").count == 1)  // QBO has the open PO
        order.status = .received
        order.lines[0].amountMinor = 47_500
        _ = try await harness.client.syncPurchaseOrder(SyncPurchaseOrderRequest(companyID: "acme", purchaseOrder: order))
        #expect(try await harness.waitForRecord(harness.ref("acme", .purchaseOrder, "po1")) { $0.status == .synced }.status == .synced)
        let stored = try await harness.ledger(realm, "PurchaseOrder")
        #expect(stored.count == 1)
        #expect(stored.first?["POStatus"]?.stringValue == "Closed")
        #expect(stored.first?["TotalAmt"]?.decimalValue == 475)
        await harness.stop()
    }

    // MARK: Bad input

    @Test func badPayablesAreRefusedNamingTheFieldAndNothingIsStored() async throws {
        let (harness, _) = try await self.ready()
        let good = Self.bill("b-ok", doc: "OK-1", lines: [Self.accountLine("REPAIRS", 100)])
        func bill(_ change: (inout Bill) -> Void) -> Bill {
            var bill = good
            change(&bill)
            return bill
        }
        let item = ExpenseLine(target: .itemCode("TENT-20"), quantity: "3", unitCost: "12.50", amountMinor: 3_750)
        let bills: [(Bill, String)] = [
            (bill { $0.externalID = "" }, "bill.external_id"),
            (bill { $0.externalID = "nul\u{0}id" }, "bill.external_id"),
            (bill { $0.vendorExternalID = "" }, "bill.vendor_external_id"),
            (bill { $0.lines = [] }, "bill.lines"),
            (bill { $0.lines = Array(repeating: Self.accountLine("REPAIRS", 1), count: 1001) }, "bill.lines"),
            (bill { $0.lines[0].amountMinor = 0 }, "bill.lines[0].amount_minor"),
            (bill { $0.lines[0].amountMinor = -5 }, "bill.lines[0].amount_minor"),
            (bill { $0.lines[0].target = nil }, "bill.lines[0].target"),
            (bill { $0.lines[0].quantity = "2" }, "bill.lines[0].quantity"),
            (bill { $0.lines = [item, { var wrong = item; wrong.amountMinor = 3_751; return wrong }()] }, "bill.lines[1].amount_minor"),
            (bill { $0.lines = [{ var wrong = item; wrong.quantity = "1e3"; return wrong }()] }, "bill.lines[0].quantity"),
            (bill { $0.lines = Array(repeating: Self.accountLine("REPAIRS", 9_000_000_000_000), count: 2) }, "bill.lines[1]"),
            (bill { $0.txnDate = "2026-02-30" }, "bill.txn_date"),
            (bill { $0.dueDate = "2026-11-01" }, "bill.due_date"),
            (bill { $0.currency = "usd" }, "bill.currency"),
            (bill { $0.docNumber = String(repeating: "9", count: 22) }, "bill.doc_number"),
            (bill { $0.memo = "a\u{7}b" }, "bill.memo"),
        ]
        for (bad, field) in bills {
            let error = await #expect(throws: RPCError.self) { _ = try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: bad)) }
            #expect(error?.code == .invalidArgument, "\(field)")
            #expect(error?.detail(FieldViolation.self)?.field == field)
        }
        let wrongCurrency = await #expect(throws: RPCError.self) { _ = try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: bill { $0.currency = "EUR" })) }
        #expect(wrongCurrency?.detail(FieldViolation.self)?.field == "bill.currency")

        let payment = BillPayment(externalID: "bp", vendorExternalID: "v1", txnDate: "2026-11-06", currency: "USD", amountMinor: 100, method: .check,
                                  paymentAccountCode: "BANK", applications: [BillApplication(billExternalID: "b-ok", amountMinor: 100)])
        func billPayment(_ change: (inout BillPayment) -> Void) -> BillPayment {
            var value = payment
            change(&value)
            return value
        }
        let payments: [(BillPayment, String)] = [
            (billPayment { $0.amountMinor = 0 }, "bill_payment.amount_minor"),
            (billPayment { $0.method = .unspecified }, "bill_payment.method"),
            (billPayment { $0.method = .unrecognized(9) }, "bill_payment.method"),
            (billPayment { $0.paymentAccountCode = "" }, "bill_payment.payment_account_code"),
            (billPayment { $0.applications = [] }, "bill_payment.applications"),
            (billPayment { $0.amountMinor = 101 }, "bill_payment.applications"),
            (billPayment { $0.applications.append($0.applications[0]); $0.amountMinor = 200 }, "bill_payment.applications[1].bill_external_id"),
        ]
        for (bad, field) in payments {
            let error = await #expect(throws: RPCError.self) { _ = try await harness.client.syncBillPayment(SyncBillPaymentRequest(companyID: "acme", billPayment: bad)) }
            #expect(error?.detail(FieldViolation.self)?.field == field)
        }
        let expense = Expense(externalID: "e", txnDate: "2026-11-06", currency: "USD", paymentType: .cash, paymentAccountCode: "BANK", lines: [Self.accountLine("SUPPLIES", 5)])
        for (bad, field) in [
            ({ var e = expense; e.paymentType = .unspecified; return e }(), "expense.payment_type"),
            ({ var e = expense; e.paymentAccountCode = ""; return e }(), "expense.payment_account_code"),
            ({ var e = expense; e.lines = []; return e }(), "expense.lines"),
        ] {
            let error = await #expect(throws: RPCError.self) { _ = try await harness.client.syncExpense(SyncExpenseRequest(companyID: "acme", expense: bad)) }
            #expect(error?.detail(FieldViolation.self)?.field == field)
        }
        let order = await #expect(throws: RPCError.self) {
            _ = try await harness.client.syncPurchaseOrder(SyncPurchaseOrderRequest(companyID: "acme", purchaseOrder: PurchaseOrder(
                externalID: "po", vendorExternalID: "v1", txnDate: "2026-11-06", currency: "USD", lines: [Self.accountLine("SUPPLIES", 5)], status: .unrecognized(7))))
        }
        #expect(order?.detail(FieldViolation.self)?.field == "purchase_order.status")
        for (bad, field) in [
            (LinkVendorRequest(companyID: "acme", vendor: Vendor(externalID: "v")), "vendor.display_name"),
            (LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v", name: "A:B")), "vendor.display_name"),
            (LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v", name: "A", email: "nope")), "vendor.email"),
            (LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v", name: "A"), mode: .existing, qboVendorID: "x1"), "qbo_vendor_id"),
            (LinkVendorRequest(companyID: "acme", vendor: Self.vendor("v", name: "A"), qboVendorID: "1"), "qbo_vendor_id"),
        ] {
            let error = await #expect(throws: RPCError.self) { _ = try await harness.client.linkVendor(bad) }
            #expect(error?.detail(FieldViolation.self)?.field == field)
        }
        // Unknown company: NOT_FOUND. Nothing above was stored.
        let unknown = await #expect(throws: RPCError.self) { _ = try await harness.client.syncBill(SyncBillRequest(companyID: "nobody", bill: good)) }
        #expect(unknown?.code == .notFound)
        let listed = try await harness.client.listRecords(ListRecordsRequest(companyID: "acme", entity: .bill))
        #expect(listed.records.isEmpty)
        // The service still serves.
        #expect(try await harness.client.syncBill(SyncBillRequest(companyID: "acme", bill: good)).record?.ref?.externalID == "b-ok")
        await harness.stop()
    }
}
