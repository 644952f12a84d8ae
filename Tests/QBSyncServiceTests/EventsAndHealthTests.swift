import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncService
import QBSyncTesting
import QBSyncWire
import Testing

/// GetHealth counters and the live, resumable event stream.
// Five minutes: on PostgreSQL in a debug build the 12,000-invoice overflow test takes
// about a minute alone, and several times that while the failover tests run beside it.
@Suite(.timeLimit(.minutes(5))) struct EventsAndHealthTests {
    private func ready(configure: (inout QBSyncServer.Configuration) -> Void = { _ in }) async throws -> ServiceHarness {
        let harness = try await ServiceHarness.start(configure: configure)
        try await harness.connect("acme")
        try await harness.mapDefaults("acme")
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
        return harness
    }

    /// Collects events from a stream until `count` arrived.
    private func collect(_ stream: RPCResponseStream<SyncEventStreamMessage>, count: Int) async throws -> [SyncEventStreamMessage] {
        var messages: [SyncEventStreamMessage] = []
        for try await message in stream {
            messages.append(message)
            if messages.count == count { break }
        }
        return messages
    }

    /// Opens a stream whose first message is the health snapshot and reads it:
    /// once it arrived the subscription is registered, so every later commit
    /// reaches it (no sleeping and hoping, which a loaded machine defeats).
    private func subscribed(
        _ client: QBSyncClient, _ request: StreamSyncEventsRequest
    ) async throws -> RPCResponseStream<SyncEventStreamMessage>.Iterator {
        var request = request
        request.includeHealth = true
        var iterator = client.streamSyncEvents(request).makeAsyncIterator()
        guard case .health? = try await iterator.next()?.kind else {
            throw RPCError(code: .internal, message: "the stream did not start with the health snapshot")
        }
        return iterator
    }

    @Test func healthCountsEveryEntityAndStatusAndNamesErrors() async throws {
        let harness = try await self.ready()
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c-unmatched", name: "Nobody Here"), mode: .auto))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-1", customer: "c1", docNumber: "D-1")))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-2", customer: "c1", docNumber: "D-1")))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-3", customer: "c1", item: "UNMAPPED")))
        _ = try await harness.waitUntilIdle("acme")
        let health = try #require(try await harness.client.getHealth(GetHealthRequest(companyID: "acme")).companies.first)
        func count(_ entity: EntityType, _ status: SyncStatus) -> UInt64 {
            health.counts.first { $0.entity == entity && $0.status == status }?.count ?? 0
        }
        #expect(health.connectionState == .active)
        #expect(count(.invoice, .synced) == 1)
        #expect(count(.invoice, .errored) == 1)
        #expect(count(.invoice, .blocked) == 1)
        #expect(health.mappedCustomers == 1)
        #expect(health.unmappedCustomers == 1)
        #expect(health.queueDepth == 0)
        #expect(!health.lastSyncedAt.isEmpty)
        #expect(health.requestsLastMinute > 0)
        #expect(health.requestsPerMinuteLimit == 500)
        // inv-1 and inv-2 share a DocNumber: whichever QBO took second is the one in error.
        let loser = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-1"))).record?.status == .errored ? "inv-1" : "inv-2"
        #expect(health.latestErrors.first?.ref?.externalID == loser)
        #expect(health.latestErrors.first?.error?.qboCode == "6140")
        #expect(health.latestErrors.first?.error?.fixHint.isEmpty == false)
        await harness.stop()
    }

    @Test func streamStartsWithHealthThenEventsInOrder() async throws {
        let harness = try await self.ready()
        var iterator = harness.client.streamSyncEvents(StreamSyncEventsRequest(companyID: "acme", entities: [.invoice], includeHealth: true)).makeAsyncIterator()
        guard case .health(let health)? = try await iterator.next()?.kind else { Issue.record("health snapshot first"); return }
        #expect(health.companies.first?.companyID == "acme")
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-s", customer: "c1")))
        var events: [SyncEvent] = []
        while events.count < 3, let message = try await iterator.next() {
            if case .event(let event)? = message.kind { events.append(event) }
        }
        #expect(events.map(\.toStatus) == [.pending, .syncing, .synced])
        #expect(events.map(\.sequence) == events.map(\.sequence).sorted())
        #expect(events.allSatisfy { $0.ref?.externalID == "inv-s" })
        #expect(events.last?.qboID.isEmpty == false)
        await harness.stop()
    }

    @Test func resumingReplaysFromTheLogThenGoesLiveWithNoGapOrDuplicate() async throws {
        let harness = try await self.ready()
        for index in 0..<5 {
            _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-r\(index)", customer: "c1")))
        }
        _ = try await harness.waitUntilIdle("acme")
        let first = try await self.collect(harness.client.streamSyncEvents(StreamSyncEventsRequest(afterSequence: 1)), count: 6)
        let cursor: UInt64 = if case .event(let event)? = first.last?.kind { event.sequence } else { 0 }
        let all = try await harness.client.getHealth(GetHealthRequest()).lastSequence
        // Resume from the cursor while new events keep arriving.
        let resumed = harness.client.streamSyncEvents(StreamSyncEventsRequest(afterSequence: cursor))
        let tail = Task { try await self.collect(resumed, count: Int(all - cursor) + 3) }
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-late", customer: "c1")))
        let sequences = try await tail.value.compactMap { message -> UInt64? in
            if case .event(let event)? = message.kind { return event.sequence }
            return nil
        }
        #expect(sequences == Array((cursor + 1)...(all + 3)))
        await harness.stop()
    }

    @Test func aCursorAheadOfTheLogIsOutOfRange() async throws {
        let harness = try await self.ready()
        let last = try await harness.client.getHealth(GetHealthRequest()).lastSequence
        var iterator = harness.client.streamSyncEvents(StreamSyncEventsRequest(afterSequence: last + 1_000)).makeAsyncIterator()
        let error = await #expect(throws: RPCError.self) { _ = try await iterator.next() }
        #expect(error?.code == .outOfRange)
        #expect(error?.detail(StreamResumePoint.self)?.lastDeliveredSequence == last)
        await harness.stop()
    }

    @Test func filtersByStatus() async throws {
        let harness = try await self.ready()
        var iterator = try await self.subscribed(harness.client, StreamSyncEventsRequest(companyID: "acme", statuses: [.synced]))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-f1", customer: "c1")))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-f2", customer: "c1")))
        var events: [SyncEvent] = []
        while events.count < 2, let message = try await iterator.next() {
            guard case .event(let event)? = message.kind else { Issue.record("only events after the snapshot"); break }
            events.append(event)
        }
        #expect(events.count == 2)
        #expect(events.allSatisfy { $0.toStatus == .synced })
        await harness.stop()
    }

    @Test func aSubscriberThatFallsBehindIsEndedWithWhereToResume() async throws {
        // A subscriber may lag 300 events here (10,000 by default): the
        // 600 invoices below (at least one event each) overflow it.
        let harness = try await self.ready { $0.eventSubscriberBuffer = 300 }
        // A tiny window and a consumer that stops reading: the server's buffer fills.
        let client = try await QBSyncClient(socketPath: harness.socketPath, configuration: { var c = ClientConfiguration(); c.streamWindow = 1; return c }())
        var iterator = try await self.subscribed(client, StreamSyncEventsRequest(companyID: "acme"))
        _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-o0", customer: "c1")))
        let firstMessage = try await iterator.next()
        let firstSequence: UInt64 = if case .event(let event)? = firstMessage?.kind { event.sequence } else { 0 }
        #expect(firstSequence > 0)
        let batch = (0..<600).map { Fixtures.invoice("inv-o\($0 + 1)", customer: "c1", item: "UNMAPPED") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: batch.count, by: 25).map({ Array(batch[$0..<min($0 + 25, batch.count)]) }) {
                group.addTask { for invoice in chunk { _ = try await harness.client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: invoice)) } }
            }
            try await group.waitForAll()
        }
        var delivered = firstSequence
        do {
            while let message = try await iterator.next() {
                if case .event(let event)? = message.kind { delivered = event.sequence }
            }
            Issue.record("the stream should have ended")
        } catch {
            #expect(error.code == .resourceExhausted)
            #expect(error.detail(StreamResumePoint.self)?.lastDeliveredSequence == delivered)
        }
        // Resuming from the resume point loses nothing: the very next sequence comes first.
        let resumed = try await self.collect(client.streamSyncEvents(StreamSyncEventsRequest(afterSequence: delivered, companyID: "acme")), count: 50)
        let sequences = resumed.compactMap { message -> UInt64? in
            if case .event(let event)? = message.kind { return event.sequence }
            return nil
        }
        #expect(sequences == Array((delivered + 1)...(delivered + 50)))
        await client.close()
        await harness.stop()
    }

    @Test func sweepRelinksUnmatchedCustomersAndRetriesExhaustedErrors() async throws {
        let harness = try await self.ready()
        let unmatched = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Customer(
            externalID: "c-later", givenName: "Lia", familyName: "Park", companyName: "Later Linked", email: "later@x.test"
        ), mode: .auto))
        #expect(unmatched.outcome == .noMatch)
        // The QBO customer appears afterwards (created in QuickBooks by the accountant).
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Customer(
            externalID: "qbo-side", givenName: "L", familyName: "P", companyName: "Later Linked Inc", email: "later@x.test"
        ), mode: .create))
        // A second company, swept in its own transaction, gets the same.
        try await harness.connect("beta")
        let other = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "beta", customer: Customer(
            externalID: "b-later", givenName: "Bo", familyName: "Lund", companyName: "Beta Later", email: "beta-later@x.test"
        ), mode: .auto))
        #expect(other.outcome == .noMatch)
        _ = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "beta", customer: Customer(
            externalID: "beta-qbo-side", givenName: "B", familyName: "L", companyName: "Beta Later Inc", email: "beta-later@x.test"
        ), mode: .create))
        let report = try await harness.server.engine.sweep()
        #expect(report.customersRelinking == 2)
        let record = try await harness.waitForRecord(harness.ref("acme", .customer, "c-later")) { $0.status == .synced }
        #expect(record.status == .synced)
        let beta = try await harness.waitForRecord(harness.ref("beta", .customer, "b-later")) { $0.status == .synced }
        #expect(beta.status == .synced)
        await harness.stop()
    }
}
