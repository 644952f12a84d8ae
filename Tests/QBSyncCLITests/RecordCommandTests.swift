import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// show, mappings, refund, void-payment, customers and connect through the binary.
@Suite(.timeLimit(.minutes(2))) struct RecordCommandTests {
    @Test func showNamesEachDependencyAndTheFix() async throws {
        try await withHarness { harness in
            _ = try await harness.prepareCompany()
            try await harness.syncInvoice(Fixtures.invoice("inv-9", customer: "c1", item: "GEN-20KW"))
            let blocked = try await harness.cli("invoices", "show", "inv-9")
            #expect(blocked.status == 0, "\(blocked)")
            #expect(blocked.stdout.contains("Status     BLOCKED"), "\(blocked.stdout)")
            #expect(blocked.stdout.contains("✓ customer c1 linked to QBO customer"), "\(blocked.stdout)")
            #expect(blocked.stdout.contains("✗ item GEN-20KW not mapped"), "\(blocked.stdout)")
            #expect(blocked.stdout.contains("fix: qbsync mappings items set GEN-20KW"), "\(blocked.stdout)")
            #expect(blocked.stdout.contains("Not in QuickBooks yet."))
            #expect(blocked.stdout.contains("total 1,125.00 USD") || blocked.stdout.contains("total 375.00 USD"), "\(blocked.stdout)")

            let set = try await harness.cli("mappings", "items", "set", "GEN-20KW", "2", "--name", "Equipment Rental")
            #expect(set.status == 0, "\(set)")
            #expect(set.stdout.contains("1 record(s) unblocked"), "\(set.stdout)")
            let record = try await harness.waitForRecord(harness.ref("acme", .invoice, "inv-9")) { $0.status == .synced }
            #expect(record.status == .synced)
            let synced = try await harness.cli("invoices", "show", "inv-9", "--history", "3")
            #expect(synced.stdout.contains("Status     SYNCED  QBO Invoice \(record.qboID)"), "\(synced.stdout)")
            #expect(synced.stdout.contains("✓ item GEN-20KW mapped to Equipment Rental"), "\(synced.stdout)")
            #expect(!synced.stdout.contains("✗"), "\(synced.stdout)")
            #expect(synced.stdout.contains("View in QuickBooks: \(record.qboURL)"), "\(synced.stdout)")
            #expect(synced.stdout.contains("SYNCING  →  SYNCED"), "\(synced.stdout)")
        }
    }

    @Test func aPaymentPartlyAppliedIsSyncedWithItsWarningShownAndExits71() async throws {
        try await withHarness { harness in
            let realm = try await harness.prepareCompany()
            try await harness.syncInvoice(Fixtures.invoice("inv-p", customer: "c1"))
            // QuickBooks already holds 375.00 for it: the next payment can apply nothing there.
            _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-0", customer: "c1", amountMinor: 37_500, applications: [("inv-p", 37_500)])))
            _ = try await harness.waitForRecord(harness.ref("acme", .payment, "pay-0")) { $0.status == .synced }
            let payment = #"{"externalId":"pay-1","customerExternalId":"c1","txnDate":"2026-11-05","currency":"USD","amountMinor":"40000","methodCode":"CARD","applications":[{"invoiceExternalId":"inv-p","amountMinor":"37500"}]}"#
            let synced = try await harness.cli("payments", "sync", "-", "--wait", stdin: payment)
            #expect(synced.status == 71, "\(synced)")
            #expect(synced.stdout.contains("PAYMENT_PARTLY_APPLIED: invoice inv-p"), "\(synced.stdout)")
            #expect(synced.stdout.contains("fix: "), "\(synced.stdout)")
            let shown = try await harness.cli("payments", "show", "pay-1")
            #expect(shown.stdout.contains("Warnings"), "\(shown.stdout)")
            #expect(shown.stdout.contains("0 of 375 applied"), "\(shown.stdout)")
            let health = try await harness.cli("health")
            #expect(health.stdout.contains("Synced with warnings: 1 PAYMENT_PARTLY_APPLIED"), "\(health.stdout)")
            // 25.00 reached QuickBooks as customer credit; the 375.00 was not pushed twice.
            let payments = try await harness.ledger(realm, "Payment")
            #expect(payments.map { $0["TotalAmt"]?.decimalValue }.compactMap { $0 }.sorted() == [25, 375])
        }
    }

    @Test func catalogListsQuickBooksAndLocationsMapLikeTheRest() async throws {
        try await withHarness { harness in
            try await harness.connect("acme")
            let items = try await harness.cli("catalog", "items", "--search", "rental")
            #expect(items.status == 0, "\(items)")
            #expect(items.stdout.contains("Equipment Rental"), "\(items.stdout)")
            #expect(items.stdout.contains("1 shown"), "\(items.stdout)")
            let paged = try await harness.cli("catalog", "items", "--page-size", "2", "--json")
            #expect(paged.stdout.contains("\"nextPageToken\":\"2\""), "\(paged.stdout)")
            let every = try await harness.cli("catalog", "items", "--page-size", "2", "--all")
            #expect(every.stdout.contains("5 shown"), "\(every.stdout)")
            let taxes = try await harness.cli("catalog", "tax-codes")
            #expect(taxes.stdout.contains("8%"), "\(taxes.stdout)")
            let unknown = try await harness.cli("catalog", "widgets")
            #expect(unknown.status == 64, "\(unknown)")
            let mapped = try await harness.cli("mappings", "locations", "auto-map", "YARD=Main Yard")
            #expect(mapped.status == 0, "\(mapped)")
            let list = try await harness.cli("mappings", "locations", "list", "--json")
            #expect(list.stdout.contains("\"externalCode\" : \"YARD\""), "\(list.stdout)")
        }
    }

    @Test func mappingsAutoMapDryRunAndDelete() async throws {
        try await withHarness { harness in
            try await harness.connect("acme")
            let dry = try await harness.cli("mappings", "items", "auto-map", "CHAIR=Equipment Rental", "--dry-run")
            #expect(dry.status == 0, "\(dry)")
            #expect(dry.stdout.contains("item CHAIR → QBO item"), "\(dry.stdout)")
            #expect(try await harness.client.listMappings(ListMappingsRequest(companyID: "acme")).mappings.isEmpty)
            let unmatched = try await harness.cli("mappings", "items", "auto-map", "CHAIR=Equipment Rental", "WIDGET=Nothing Like It")
            #expect(unmatched.status == 65, "\(unmatched)")
            #expect(unmatched.stdout.contains("WIDGET: no QBO item has that name"))
            let list = try await harness.client.listMappings(ListMappingsRequest(companyID: "acme", kind: .item)).mappings
            #expect(list.map(\.externalCode) == ["CHAIR"])
            let method = try await harness.cli("mappings", "payment-methods", "set", "CASH", "1", "--payment-method-id", "1", "--json")
            #expect(try method.object()[object: "mapping"][string: "qboPaymentMethodId"] == "1")
            let delete = try await harness.cli("mappings", "items", "delete", "CHAIR")
            #expect(delete.status == 0, "\(delete)")
            #expect(try await harness.client.listMappings(ListMappingsRequest(companyID: "acme", kind: .item)).mappings.isEmpty)
        }
    }

    @Test func refundAndVoidPayment() async throws {
        try await withHarness { harness in
            let realm = try await harness.prepareCompany()
            try await harness.syncInvoice(Fixtures.invoice("inv-1", customer: "c1"))
            _ = try await harness.client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: Fixtures.payment("pay-1", customer: "c1", amountMinor: 20_000, applications: [("inv-1", 20_000)])))
            _ = try await harness.waitForRecord(harness.ref("acme", .payment, "pay-1")) { $0.status == .synced }

            let refund = try await harness.cli("refund", "--invoice", "inv-1", "--amount", "12.50", "--reason", "Damaged chair", "--id", "rf-1", "--wait")
            #expect(refund.status == 0, "\(refund)")
            #expect(refund.stdout.contains("Refund of 12.50 USD of invoice inv-1"), "\(refund.stdout)")
            #expect(refund.stdout.contains("refund rf-1: SYNCED  QBO CreditMemo"), "\(refund.stdout)")
            let memos = try await harness.ledger(realm, "CreditMemo")
            #expect(memos.count == 1)
            #expect(memos.first?["TotalAmt"]?.decimalValue == Decimal(string: "12.5"))

            let void = try await harness.cli("void-payment", "pay-1", "--reason", "chargeback")
            #expect(void.status == 0, "\(void)")
            #expect(void.stdout.contains("Payment pay-1 voided in QuickBooks"), "\(void.stdout)")
            let payment = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .payment, "pay-1"))).record
            #expect(payment?.voided == true)
            let again = try await harness.cli("payments", "void", "pay-1", "--json")
            #expect(try again.object()["alreadyVoided"] as? Bool == true)
            let unknown = try await harness.cli("void-payment", "nope")
            #expect(unknown.status == 65, "\(unknown)")
        }
    }

    @Test func customersLinkUnlinkAndConnectWithoutEchoingSecrets() async throws {
        try await withHarness { harness in
            let realm = try await harness.connect("acme")
            let created = try await harness.cli("customers", "link", "c1", "--create", "--name", "Harbor Events", "--email", "a@harbor.test",
                                                "--address-line", "12 Harbor Way", "--city", "Oakland", "--region", "CA")
            #expect(created.status == 0, "\(created)")
            #expect(created.stdout.contains("created QBO customer"), "\(created.stdout)")
            let proposal = try await harness.cli("customers", "link", "c2", "--auto", "--name", "Harbor Events", "--email", "b@elsewhere.test")
            #expect(proposal.status == 70, "\(proposal)")
            #expect(proposal.stdout.contains("confirm it with"), "\(proposal.stdout)")
            let candidate = try #require(try await harness.client.listCustomers(ListCustomersRequest(companyID: "acme", filter: .unmapped)).customers.first?.candidates.first)
            let show = try await harness.cli("customers", "show", "c2")
            #expect(show.stdout.contains("candidate: QBO customer \(candidate.qboID)"), "\(show.stdout)")
            // --to re-uses the stored customer: no fields needed.
            let confirmed = try await harness.cli("customers", "link", "c2", "--to", candidate.qboID)
            #expect(confirmed.status == 0, "\(confirmed)")
            #expect(confirmed.stdout.contains("linked to QBO customer \(candidate.qboID)"))
            let unlinked = try await harness.cli("customers", "unlink", "c2")
            #expect(unlinked.stdout.contains("unlinked from QBO customer \(candidate.qboID)"), "\(unlinked)")

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("customer-\(UUID().uuidString.prefix(6)).json")
            try Data(#"{"externalId": "c3", "companyName": "Bay Weddings", "email": "c@bay.test", "billingAddress": {"lines": ["1 Pier"], "city": "SF"}}"#.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let fromJSON = try await harness.cli("customers", "link", "c3", "--create", "--from-json", file.path, "--json")
            #expect(try fromJSON.object()[string: "outcome"] == "LINK_OUTCOME_CREATED", "\(fromJSON)")

            // Reconnect with secrets from the environment; they are never printed.
            let fresh = await harness.simulator.createRealm(realm.realmId)
            let connect = try await harness.cli("connect", "--realm", fresh.realmId, "--client-id", fresh.clientId, "--auto-create-customers", "on",
                                                environment: ["QBSYNC_CLIENT_SECRET": fresh.clientSecret, "QBSYNC_REFRESH_TOKEN": fresh.refreshToken])
            #expect(connect.status == 0, "\(connect)")
            #expect(connect.stdout.contains("ACTIVE"), "\(connect.stdout)")
            #expect(!connect.stdout.contains(fresh.clientSecret) && !connect.stdout.contains(fresh.refreshToken))
            #expect(!connect.stderr.contains(fresh.clientSecret) && !connect.stderr.contains(fresh.refreshToken))
            let settings = try await harness.cli("settings")
            #expect(settings.stdout.contains("Auto-create customers  on"), "\(settings.stdout)")
            let missing = try await harness.cli("connect", "--realm", fresh.realmId, "--client-id", fresh.clientId)
            #expect(missing.status == 64, "\(missing)")
            let disconnected = try await harness.cli("disconnect", "--json")
            #expect(try disconnected.object()[object: "company"][string: "connectionState"] == "CONNECTION_STATE_DISCONNECTED")
        }
    }

    @Test func erroredRecordShowsTheQuickBooksErrorAndResyncs() async throws {
        try await withHarness { harness in
            _ = try await harness.prepareCompany()
            try await harness.syncInvoice(Fixtures.invoice("inv-1", customer: "c1", docNumber: "1001"))
            let errored = try await harness.syncInvoice(Fixtures.invoice("inv-2", customer: "c1", docNumber: "1001"))
            #expect(errored.status == .errored)
            let show = try await harness.cli("invoices", "show", "inv-2")
            #expect(show.stdout.contains("Status     ERRORED"), "\(show.stdout)")
            #expect(show.stdout.contains("Last error"), "\(show.stdout)")
            #expect(show.stdout.contains("✗ QBO 6140 DUPLICATE"), "\(show.stdout)")
            #expect(show.stdout.contains("fix: "), "\(show.stdout)")
            #expect(show.stdout.contains("after fixing it: qbsync invoices resync inv-2"), "\(show.stdout)")

            let health = try await harness.cli("health")
            #expect(health.stdout.contains("Latest errors"), "\(health.stdout)")
            #expect(health.stdout.contains("invoice inv-2  QBO 6140 DUPLICATE"), "\(health.stdout)")
            #expect(health.stdout.contains("see: qbsync invoices show inv-2"), "\(health.stdout)")
            let json = try await harness.cli("health", "--json").object()
            let latest = json[array: "companies"].first?[array: "latestErrors"].first ?? [:]
            #expect(latest[object: "error"][string: "qboCode"] == "6140")
            #expect(latest[object: "ref"][string: "externalId"] == "inv-2")

            // Still a duplicate: resync leaves it ERRORED (exit 70).
            let again = try await harness.cli("invoices", "resync", "--all-errored", "--wait")
            #expect(again.status == 70, "\(again)")
            #expect(again.stdout.contains("Requeued 1 errored invoice(s)."), "\(again.stdout)")
            // Renumbered in the rental system: it syncs.
            let fixed = try await harness.cli("invoices", "sync", "--wait", stdin: """
                {"externalId": "inv-2", "customerExternalId": "c1", "docNumber": "1002", "txnDate": "2026-11-02", "currency": "USD",
                 "lines": [{"itemCode": "TENT-20", "quantity": "3", "unitRate": "125.00", "amountMinor": 37500}]}
                """)
            #expect(fixed.status == 0, "\(fixed)")
            // A synced record resyncs as an update.
            let update = try await harness.cli("invoices", "resync", "inv-1", "--wait", "--json")
            #expect(update.status == 0, "\(update)")
            #expect(try update.object()[object: "record"][string: "status"] == "SYNC_STATUS_SYNCED")
            let none = try await harness.cli("payments", "resync", "--all-errored")
            #expect(none.status == 0 && none.stdout.contains("Requeued 0 errored payment(s)."), "\(none)")
        }
    }
}
