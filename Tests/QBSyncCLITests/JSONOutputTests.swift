import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// Every read command's --json: the protobuf JSON of its response message.
@Suite(.timeLimit(.minutes(2))) struct JSONOutputTests {
    /// Two synced invoices, one blocked, one linked customer and one awaiting confirmation.
    private func populate(_ harness: ServiceHarness) async throws {
        _ = try await harness.prepareCompany()
        try await harness.syncInvoice(Fixtures.invoice("inv-1", customer: "c1"))
        try await harness.syncInvoice(Fixtures.invoice("inv-2", customer: "c1", item: "DELIVERY"))
        try await harness.syncInvoice(Fixtures.invoice("inv-3", customer: "c1", item: "GEN-20KW"))
        // Same name as c1's QBO customer, another email: only a proposal.
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c2", email: "other@acme.test"), mode: .auto))
    }

    @Test func healthCountsPerEntityAndStatus() async throws {
        try await withHarness { harness in
            try await self.populate(harness)
            let result = try await harness.cli("health", "--json")
            #expect(result.status == 0, "\(result)")
            let health = try result.object()
            #expect(health[string: "version"]?.isEmpty == false)
            let companies = health[array: "companies"]
            #expect(companies.count == 1)
            let company = companies.first ?? [:]
            #expect(company[string: "companyId"] == "acme")
            #expect(company[string: "connectionState"] == "CONNECTION_STATE_ACTIVE")
            #expect(company[string: "mappedCustomers"] == "1")
            #expect(company[string: "unmappedCustomers"] == "1")
            #expect(company[string: "queueDepth"] == "0")
            var counts: [String: String] = [:]
            for count in company[array: "counts"] {
                counts["\(count[string: "entity"] ?? "") \(count[string: "status"] ?? "")"] = count[string: "count"]
            }
            #expect(counts["ENTITY_TYPE_INVOICE SYNC_STATUS_SYNCED"] == "2", "\(counts)")
            #expect(counts["ENTITY_TYPE_INVOICE SYNC_STATUS_BLOCKED"] == "1", "\(counts)")
            #expect(counts["ENTITY_TYPE_CUSTOMER SYNC_STATUS_SYNCED"] == "1", "\(counts)")
            #expect(company["requestsPerMinuteLimit"] as? Int == 500)

            let text = try await harness.cli("health")
            #expect(text.status == 0)
            let invoices = text.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("invoices") }
            #expect(invoices.map { $0.split(separator: " ").map(String.init) } == ["invoices", "0", "0", "2", "1", "0", "0", "3"], "\(text.stdout)")
        }
    }

    @Test func listsCoverEveryPage() async throws {
        try await withHarness { harness in
            try await self.populate(harness)
            let all = try await harness.cli("invoices", "list", "--json")
            #expect(all.status == 0, "\(all)")
            let records = try all.object()[array: "records"]
            #expect(records.compactMap { $0[object: "ref"][string: "externalId"] }.sorted() == ["inv-1", "inv-2", "inv-3"])
            #expect(try all.object()[string: "nextPageToken"] == "")
            let blocked = try await harness.cli("invoices", "list", "--status", "blocked", "--json")
            let blockedRecords = try blocked.object()[array: "records"]
            #expect(blockedRecords.count == 1)
            #expect(blockedRecords.first?[string: "status"] == "SYNC_STATUS_BLOCKED")
            #expect(blockedRecords.first?[array: "blockers"].first?[string: "kind"] == "BLOCKER_KIND_ITEM_NOT_MAPPED")

            let customers = try await harness.cli("customers", "list", "--json")
            let response = try customers.object()
            #expect(response[string: "mappedCount"] == "1")
            #expect(response[string: "unmappedCount"] == "1")
            #expect(response[array: "customers"].count == 2)
            let unmapped = try await harness.cli("customers", "list", "--unmapped", "--json").object()
            let proposal = unmapped[array: "customers"].first ?? [:]
            #expect(proposal[object: "customer"][string: "externalId"] == "c2")
            #expect(proposal[array: "candidates"].first?[string: "matchedOn"] == "name")
            let mapped = try await harness.cli("customers", "list", "--mapped", "--json").object()
            #expect(mapped[array: "customers"].map { $0[object: "customer"][string: "externalId"] } == ["c1"])
        }
    }

    @Test func mappingsSettingsShowAndSync() async throws {
        try await withHarness { harness in
            try await self.populate(harness)
            let mappings = try await harness.cli("mappings", "list", "--json").object()
            let codes = mappings[array: "mappings"].compactMap { $0[string: "externalCode"] }
            #expect(Set(codes) == ["TENT-20", "DELIVERY", "CARD"])
            #expect(mappings[array: "unmapped"].first?[string: "externalCode"] == "GEN-20KW")
            #expect(mappings[array: "unmapped"].first?["blockedRecords"] as? Int == 1)
            let items = try await harness.cli("mappings", "items", "list", "--json").object()
            #expect(items[array: "mappings"].allSatisfy { $0[string: "kind"] == "MAPPING_KIND_ITEM" })

            let settings = try await harness.cli("settings", "--json").object()
            #expect(settings[object: "company"][object: "settings"][string: "invoicePolicy"] == "INVOICE_POLICY_SYNC_ALL")
            let changed = try await harness.cli("settings", "--invoice-policy", "with-payment", "--auto-create-customers", "on", "--json").object()
            #expect(changed[object: "company"][object: "settings"][string: "invoicePolicy"] == "INVOICE_POLICY_ONLY_WITH_PAYMENT")
            #expect(changed[object: "company"][object: "settings"]["autoCreateCustomers"] as? Bool == true)

            let show = try await harness.cli("invoices", "show", "inv-1", "--json")
            let record = try show.object()
            #expect(record[object: "record"][string: "status"] == "SYNC_STATUS_SYNCED")
            #expect(record[object: "record"][string: "qboUrl"]?.contains("invoice?txnId=") == true)
            #expect(record[array: "history"].first?[string: "toStatus"] == "SYNC_STATUS_SYNCED")
            #expect(record[string: "contentJson"]?.contains("\"customerExternalId\"") == true)

            let synced = try await harness.cli("invoices", "sync", "--json", stdin: """
                {"externalId": "inv-4", "customerExternalId": "c1", "txnDate": "2026-11-09", "currency": "USD",
                 "lines": [{"itemCode": "TENT-20", "quantity": "2", "unitRate": "125.00", "amountMinor": 25000}]}
                {"externalId": "inv-1", "customerExternalId": "c1", "docNumber": "INV-1", "txnDate": "2026-11-02", "currency": "USD",
                 "lines": [{"kind": "LINE_KIND_SALE", "itemCode": "TENT-20", "description": "20x20 tent, day 1", "quantity": "3", "unitRate": "125.00", "amountMinor": 37500}]}
                """)
            let responses = try synced.array()
            #expect(responses.count == 2, "\(synced)")
            #expect(responses.first?[object: "record"][object: "ref"][string: "externalId"] == "inv-4")
            #expect(responses.last?["changed"] as? Bool == false)
        }
    }
}
