import Foundation
import QBOClient
import QBOSimulator
import QBSyncClient
import QBSyncCore
import QBSyncStore
import QBSyncTesting
import QBSyncWire
import Testing

/// Backfill creates go to QBO in batches of up to 30: every document once,
/// to the cent, whatever happens to a batch or to one of its items.
@Suite(.timeLimit(.minutes(5))) struct BatchBackfillTests {
    private static let backfill = CallOptions(metadata: ["qbsync-lane": "backfill"])

    /// Connects `company`, maps the fixtures' codes and links customer c1.
    private func ready(_ harness: ServiceHarness, _ company: String) async throws -> (RealmCredentials, customerID: String) {
        let realm = try await harness.connect(company)
        try await harness.mapDefaults(company)
        let link = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: company, customer: Fixtures.customer("c1"), mode: .create))
        return (realm, link.qboCustomerID)
    }

    /// Sends invoices for customer c2 (not linked yet, so they wait), then
    /// links c2: every invoice is due at once, as in a first sync.
    private func backlog(_ harness: ServiceHarness, _ company: String, _ invoices: [Invoice], options: CallOptions = Self.backfill) async throws {
        for invoice in invoices {
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: company, invoice: invoice), options: options)
        }
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: company, customer: Fixtures.customer("c2", name: "Harbor Events"), mode: .create))
    }

    /// Half without a DocNumber: QBO numbers them, and only qbsync's marker
    /// tells a second copy (DocNumber uniqueness would hide one otherwise).
    private func invoices(_ count: Int) -> [Invoice] {
        (0..<count).map { index in
            let quantity = Int64(index % 4 + 1)
            return Fixtures.invoice("h-\(index)", customer: "c2", docNumber: index % 2 == 0 ? nil : "", quantity: "\(quantity)", amountMinor: quantity * 12_500)
        }
    }

    /// Each invoice of `company` in QBO, found by its record's marker: the totals of its copies.
    private func book(_ harness: ServiceHarness, _ realm: RealmCredentials, _ company: String, _ invoices: [Invoice]) async throws -> [String: [Decimal]] {
        let markers = Dictionary(uniqueKeysWithValues: invoices.map { (RecordKey(companyID: company, entity: .invoice, externalID: $0.externalID).marker, $0.externalID) })
        var copies: [String: [Decimal]] = [:]
        for invoice in try await harness.ledger(realm, "Invoice") {
            let note = invoice["PrivateNote"]?.stringValue ?? ""
            guard let id = markers.first(where: { note.contains($0.key) })?.value else { continue }
            copies[id, default: []].append(invoice["TotalAmt"]?.decimalValue ?? -1)
        }
        return copies
    }

    private func expectEveryInvoiceOnce(_ harness: ServiceHarness, _ realm: RealmCredentials, _ invoices: [Invoice]) async throws {
        let book = try await self.book(harness, realm, "acme", invoices)
        for invoice in invoices {
            #expect(book[invoice.externalID] == [Decimal(invoice.totalMinor) / 100], "\(invoice.externalID): \(book[invoice.externalID] ?? [])")
        }
        #expect(try await harness.ledger(realm, "Invoice").count == invoices.count)
    }

    @Test func aBackfillGoesInBatchesAndEveryInvoiceOnceToTheCent() async throws {
        let harness = try await ServiceHarness.start()
        let (realm, _) = try await self.ready(harness, "acme")
        let invoices = self.invoices(75)
        try await self.backlog(harness, "acme", invoices)
        let health = try await harness.waitUntilIdle("acme", timeout: .seconds(120))
        #expect(health.queueDepth == 0)
        try await self.expectEveryInvoiceOnce(harness, realm, invoices)
        let stats = try await harness.simulator.stats(realmID: realm.realmId)
        #expect(stats.batchRequests >= 2, "\(stats.batchRequests) batch requests")
        #expect(stats.batchThrottled == 0)
        // 75 invoices in far fewer requests than one each (customers, mapping and reads included).
        #expect(stats.requests < 60, "\(stats.requests) requests")
        let record = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "h-0"))).record
        #expect(record?.status == .synced)
        await harness.stop()
    }

    @Test func anInteractiveInvoiceIsNeverBatched() async throws {
        let harness = try await ServiceHarness.start()
        let (realm, _) = try await self.ready(harness, "acme")
        let invoices = self.invoices(20)
        try await self.backlog(harness, "acme", invoices, options: CallOptions())
        _ = try await harness.waitUntilIdle("acme", timeout: .seconds(60))
        try await self.expectEveryInvoiceOnce(harness, realm, invoices)
        #expect(try await harness.simulator.stats(realmID: realm.realmId).batchRequests == 0)
        await harness.stop()
    }

    @Test func aLostBatchAnswerIsNeverReplayedEachInvoiceIsFoundAgain() async throws {
        // QBO creates the batch's invoices; its answer never arrives.
        let losing = try AnswerLosingTransport(count: 1, lose: AnswerLosingTransport.write("batch"))
        let harness = try await ServiceHarness.start(transport: losing)
        let (realm, _) = try await self.ready(harness, "acme")
        let invoices = self.invoices(40)
        try await self.backlog(harness, "acme", invoices)
        let health = try await harness.waitUntilIdle("acme", timeout: .seconds(120))
        #expect(health.queueDepth == 0)
        #expect(losing.answersLeftToLose == 0)
        try await self.expectEveryInvoiceOnce(harness, realm, invoices)
        let counts = Dictionary(health.counts.map { ("\($0.entity)/\($0.status)", $0.count) }, uniquingKeysWith: +)
        #expect(counts["invoice/synced"] == 40, "\(counts)")
        // At least one record went through the look-up: found in QBO, not created twice.
        var found = 0
        for invoice in invoices {
            let history = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, invoice.externalID), historyLimit: 20))
            if history.history.contains(where: { $0.note.contains("found in QBO") }) { found += 1 }
        }
        #expect(found >= 2, "\(found) invoices were found again after the lost batch")
        await harness.stop()
    }

    @Test func faultsOfSomeItemsEndAsTheyWouldInSingleRequests() async throws {
        // The same books pushed twice: in batches for "batched", one request
        // each for "single"; each item's fault must end the same way.
        let harness = try await ServiceHarness.start()
        var outcomes: [String: [String: String]] = [:]
        var books: [String: [String: [Decimal]]] = [:]
        var batchRequests: [String: Int] = [:]
        for (company, options) in [("batched", Self.backfill), ("single", CallOptions())] {
            let (realm, c1) = try await self.ready(harness, company)
            // An accountant's invoice holds DUP-THEIRS; an earlier attempt of
            // ours created DUP-OURS with older content, its answer lost.
            let ours = RecordKey(companyID: company, entity: .invoice, externalID: "dup-ours").marker
            for (number, note) in [("DUP-THEIRS", "typed in by the accountant"), ("DUP-OURS", ours)] {
                try await harness.simulator.byHand(realmID: realm.realmId, entity: "Invoice", id: "", .create([
                    "DocNumber": .string(number), "PrivateNote": .string(note), "CustomerRef": .object(["value": .string(c1)]),
                    "Line": .array([.object(["Amount": .number(10), "DetailType": .string("SalesItemLineDetail"),
                                             "SalesItemLineDetail": .object(["ItemRef": .object(["value": .string("1")])])])]),
                ]))
            }
            // The Delivery item is made inactive in QuickBooks: invoices using it get 610.
            let delivery = try await harness.ledger(realm, "Item").first { $0["Name"]?.stringValue == "Delivery" }?["Id"]?.stringValue ?? ""
            try await harness.simulator.byHand(realmID: realm.realmId, entity: "Item", id: delivery, .edit(["Active": .bool(false)]))
            var invoices = self.invoices(12)
            invoices.append(Fixtures.invoice("dup-theirs", customer: "c2", docNumber: "DUP-THEIRS"))
            invoices.append(Fixtures.invoice("dup-ours", customer: "c2", docNumber: "DUP-OURS"))
            invoices.append(Fixtures.invoice("gone-item", customer: "c2", item: "DELIVERY"))
            try await self.backlog(harness, company, invoices, options: options)
            _ = try await harness.waitUntilIdle(company, timeout: .seconds(120))
            var statuses: [String: String] = [:]
            for invoice in invoices {
                let record = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref(company, .invoice, invoice.externalID))).record
                statuses[invoice.externalID] = "\(record?.status ?? .unspecified) \(record?.lastError?.qboCode ?? "")"
            }
            outcomes[company] = statuses
            // QBO numbers the invoices sent without a DocNumber in the order it
            // creates them: the books are compared by record (marker) instead.
            var book = try await self.book(harness, realm, company, invoices)
            let theirs = try await harness.ledger(realm, "Invoice").filter { $0["DocNumber"]?.stringValue == "DUP-THEIRS" }
            book["accountant's DUP-THEIRS"] = theirs.map { $0["TotalAmt"]?.decimalValue ?? -1 }
            books[company] = book
            batchRequests[company] = try await harness.simulator.stats(realmID: realm.realmId).batchRequests
        }
        #expect(batchRequests["batched"] ?? 0 >= 1)
        #expect(batchRequests["single"] == 0)
        #expect(outcomes["batched"] == outcomes["single"])
        let batched = outcomes["batched"] ?? [:]
        #expect(batched["dup-theirs"] == "errored 6140")
        #expect(batched["dup-ours"] == "synced ")
        #expect(batched["gone-item"]?.hasSuffix(" 610") == true, "\(batched["gone-item"] ?? "")")
        #expect(batched.filter { $0.key.hasPrefix("h-") }.values.allSatisfy { $0 == "synced " })
        #expect(books["batched"] == books["single"])
        // Ours was adopted and brought up to date; the accountant's was left alone.
        #expect(books["batched"]?["dup-ours"] == [375])
        #expect(books["batched"]?["accountant's DUP-THEIRS"] == [10])
        #expect(books["batched"]?["dup-theirs"] == nil)
        #expect(books["batched"]?["gone-item"] == nil)
        for index in 0..<12 {
            #expect(books["batched"]?["h-\(index)"] == [Decimal(index % 4 + 1) * 125])
        }
        await harness.stop()
    }
    @Test func paymentsInABatchApplyWhatSingleRequestsWould() async throws {
        // The same payments pushed in batches for "batched" and one by one for
        // "single": QuickBooks must end with the same books, to the cent.
        let harness = try await ServiceHarness.start()
        var results: [String: [String: String]] = [:]
        for (company, options) in [("batched", Self.backfill), ("single", CallOptions())] {
            let (realm, c1) = try await self.ready(harness, company)
            var qboInvoice: [String: String] = [:]
            for index in 0..<12 {
                _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: company, invoice: Fixtures.invoice("h-\(index)", customer: "c1")))
            }
            _ = try await harness.waitUntilIdle(company, timeout: .seconds(60))
            for index in 0..<12 {
                qboInvoice["h-\(index)"] = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref(company, .invoice, "h-\(index)"))).record?.qboID
            }
            // Paid at the counter, in QuickBooks: qbsync must not pay it again.
            try await harness.simulator.byHand(realmID: realm.realmId, entity: "Payment", id: "", .create([
                "CustomerRef": .object(["value": .string(c1)]), "TotalAmt": .number(375),
                "Line": .array([.object(["Amount": .number(375), "LinkedTxn": .array([.object([
                    "TxnId": .string(qboInvoice["h-11"] ?? ""), "TxnType": .string("Invoice")])])])]),
            ]))
            // Paid by check: held until CHECK is mapped, then all due at once.
            var payments = (0..<10).map { Fixtures.payment("p-\($0)", customer: "c1", amountMinor: 37_500, applications: [("h-\($0)", 37_500)], method: "CHECK") }
            payments.append(Fixtures.payment("p-10a", customer: "c1", amountMinor: 15_000, applications: [("h-10", 15_000)], method: "CHECK"))
            payments.append(Fixtures.payment("p-10b", customer: "c1", amountMinor: 22_500, applications: [("h-10", 22_500)], method: "CHECK"))
            payments.append(Fixtures.payment("p-11", customer: "c1", amountMinor: 37_500, applications: [("h-11", 37_500)], method: "CHECK"))
            // More than owed: 125.00 stays as the customer's credit.
            payments.append(Fixtures.payment("p-over", customer: "c1", amountMinor: 50_000, applications: [("h-0", 37_500)], method: "CHECK"))
            for payment in payments {
                _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: company, payment: payment), options: options)
            }
            _ = try await harness.client.autoMap(AutoMapRequest(companyID: company, kind: .paymentMethod, entries: [
                AutoMapEntry(externalCode: "CHECK", name: "Undeposited Funds"),
            ]))
            _ = try await harness.waitUntilIdle(company, timeout: .seconds(60))
            var seen: [String: String] = [:]
            for payment in payments {
                let record = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref(company, .payment, payment.externalID))).record
                seen[payment.externalID] = "\(record?.status ?? .unspecified) \(record?.warnings.map(\.kind) ?? [])"
            }
            for invoice in try await harness.ledger(realm, "Invoice") {
                seen["balance \(invoice["DocNumber"]?.stringValue ?? "")"] = "\(invoice["Balance"]?.decimalValue ?? -1)"
            }
            let markers = Dictionary(uniqueKeysWithValues: payments.map { (RecordKey(companyID: company, entity: .payment, externalID: $0.externalID).marker, $0.externalID) })
            for payment in try await harness.ledger(realm, "Payment") {
                let note = payment["PrivateNote"]?.stringValue ?? ""
                let id = markers.first { note.contains($0.key) }?.value ?? "by hand"
                #expect(seen["QBO \(id)"] == nil, "\(company): \(id) is in QuickBooks twice")
                seen["QBO \(id)"] = "\(payment["TotalAmt"]?.decimalValue ?? -1) unapplied \(payment["UnappliedAmt"]?.decimalValue ?? -1)"
            }
            seen["batch requests"] = "\(try await harness.simulator.stats(realmID: realm.realmId).batchRequests)"
            results[company] = seen
        }
        var batched = results["batched"] ?? [:]
        var single = results["single"] ?? [:]
        #expect(Int(batched.removeValue(forKey: "batch requests") ?? "") ?? 0 >= 1)
        #expect(single.removeValue(forKey: "batch requests") == "0")
        #expect(batched == single)
        for index in 0..<12 { #expect(batched["balance H-\(index)"] == "0", "H-\(index): \(batched["balance H-\(index)"] ?? "")") }
        #expect(batched["p-11"]?.hasPrefix("skipped") == true, "\(batched["p-11"] ?? "")")
        #expect(batched["QBO p-11"] == nil)
        #expect(batched["QBO p-10a"] == "150 unapplied 0")
        #expect(batched["QBO p-10b"] == "225 unapplied 0")
        // p-over names H-0, which p-0 paid before it (in the same batch for
        // "batched"): only its credit part is pushed, with a warning, as a
        // single push does.
        #expect(batched["QBO p-over"] == "125 unapplied 125")
        #expect(batched["p-over"]?.contains("paymentPartlyApplied") == true, "\(batched["p-over"] ?? "")")
        await harness.stop()
    }
}
