import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncStore
import QBSyncTesting
import QBSyncWire
import Synchronization
import Testing

/// The proof: a backfill of 2,000 invoices (sent in the backfill lane, so
/// mostly in batches) with payments, refunds and voids,
/// and beside them 500 bills, their payments (some voided), purchase orders
/// (received, cancelled) and expenses (some voided), under injected QBO
/// faults, with the service killed -9 three times. QBO ends up with every
/// document exactly once and every balance right, and a
/// subscriber that resumed across the restarts saw every transition once, in order.
@Suite(.serialized, .timeLimit(.minutes(15))) struct BackfillCrashTests {
    static let invoiceCount = Int(ProcessInfo.processInfo.environment["QBSYNC_BACKFILL_INVOICES"] ?? "") ?? 2000
    static let customers = 40

    struct Plan {
        var invoices: [Invoice] = []
        var payments: [Payment] = []
        var refunds: [Refund] = []
        var voids: Set<String> = []
        var expectedBalance: [String: Decimal] = [:]  // DocNumber -> balance

        init() {
            var amounts: [Int: Int64] = [:]
            for index in 0..<BackfillCrashTests.invoiceCount {
                let quantity = Int64(index % 5 + 1)
                amounts[index] = quantity * 12_500
                self.invoices.append(Fixtures.invoice("inv-\(index)", customer: "c\(index % BackfillCrashTests.customers)",
                                                      quantity: "\(quantity)", amountMinor: quantity * 12_500))
            }
            for index in 0..<BackfillCrashTests.invoiceCount {
                let block = index / BackfillCrashTests.customers
                let customer = "c\(index % BackfillCrashTests.customers)"
                let amount = amounts[index]!
                let docNumber = "INV-\(index)"
                switch block % 4 {
                case 0:
                    let payment = Fixtures.payment("p-\(index)", customer: customer, amountMinor: amount, applications: [("inv-\(index)", amount)])
                    self.payments.append(payment)
                    if index % 23 == 0 {
                        self.voids.insert("p-\(index)")
                        self.expectedBalance[docNumber] = Decimal(amount) / 100
                    } else {
                        self.expectedBalance[docNumber] = 0
                        if index % 50 == 0 {
                            self.refunds.append(Refund(externalID: "rr-\(index)", target: .paymentExternalID("p-\(index)"), txnDate: "2026-11-08",
                                                       currency: "USD", amountMinor: 500, itemCode: "TENT-20", refundAccountCode: "REFUNDS", reason: "partial refund"))
                        }
                    }
                case 1:
                    let half = amount / 2
                    self.payments.append(Fixtures.payment("p-\(index)", customer: customer, amountMinor: half, applications: [("inv-\(index)", half)]))
                    var balance = Decimal(amount - half) / 100
                    if index % 10 == 0 {
                        self.refunds.append(Refund(externalID: "cm-\(index)", target: .invoiceExternalID("inv-\(index)"), txnDate: "2026-11-08",
                                                   currency: "USD", amountMinor: 1_000, reason: "late delivery"))
                        balance -= 10
                    }
                    self.expectedBalance[docNumber] = balance
                case 2:
                    let partner = index + BackfillCrashTests.customers
                    let total = amount + amounts[partner]!
                    self.payments.append(Fixtures.payment("p-\(index)", customer: customer, amountMinor: total + 500,
                                                          applications: [("inv-\(index)", amount), ("inv-\(partner)", amounts[partner]!)]))
                    self.expectedBalance[docNumber] = 0
                    self.expectedBalance["INV-\(partner)"] = 0
                default:
                    break
                }
            }
        }
    }

    /// Follows the event stream across restarts, resuming after the last sequence seen.
    final class Subscriber: Sendable {
        let seen = Mutex<[UInt64]>([])
        let socketPath: String
        let start: UInt64

        init(socketPath: String, after start: UInt64) {
            self.socketPath = socketPath
            self.start = start
        }

        func run() async {
            while !Task.isCancelled {
                let cursor = self.seen.withLock { $0.last } ?? self.start
                do {
                    let client = try await QBSyncClient(socketPath: self.socketPath)
                    defer { Task { await client.close() } }
                    for try await message in client.streamSyncEvents(StreamSyncEventsRequest(afterSequence: cursor)) {
                        if case .event(let event)? = message.kind { self.seen.withLock { $0.append(event.sequence) } }
                    }
                } catch {
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    @Test func backfillUnderFaultsSurvivesThreeKills() async throws {
        let plan = Plan()
        let payables = PayablesBook(scale: Self.invoiceCount)
        let faults = FaultPlan(errorRate: 0.04, latencyMs: 4, latencyJitterMs: 6, dropRate: 0.01, lostResponseRate: 0.04, seed: 2026)
        let environment = try await CrashTests.Environment.start(faults: faults)
        // QBO admits fewer concurrent requests than qbsync sends: some 429s.
        try await environment.simulator.setLimits(realmID: environment.realm.realmId, requestsPerMinute: 1_000_000, concurrent: 8)
        Self.progress("service up")
        try await CrashTests.setUp(environment, customers: Self.customers)
        try await PayablesBook.setUp(environment)
        Self.progress("customers linked")
        let start = try await environment.retrying { try await $0.getHealth(GetHealthRequest()) }.lastSequence
        let subscriber = Subscriber(socketPath: environment.service.socketPath, after: start)
        let following = Task { await subscriber.run() }
        Self.progress("subscribed after \(start)")

        // A first sync: the invoices' history is loaded while invoice sync is
        // off for the company, then switched on. So it is a backlog whatever
        // the store's speed (a debug build on PostgreSQL accepts a few dozen a
        // second, slower than QBO takes them), it goes in batches, and the kills land in them.
        _ = try await environment.retrying {
            try await $0.updateCompanySettings(UpdateCompanySettingsRequest(companyID: "acme", disableEntities: [.invoice]))
        }
        let submitting = Task {
            Self.progress("submitting invoices")
            let backfill = CallOptions(metadata: ["qbsync-lane": "backfill"])
            try await Self.submitAll(plan.invoices.map { invoice in { client in
                _ = try await client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: invoice), options: backfill)
            } }, environment)
            let enabled = try await environment.retrying {
                try await $0.updateCompanySettings(UpdateCompanySettingsRequest(companyID: "acme", enableEntities: [.invoice]))
            }
            #expect(enabled.recordsRequeued == UInt32(plan.invoices.count))
            Self.progress("invoice sync switched on: \(enabled.recordsRequeued) queued")
            // The payments and refunds are history too: in the backfill lane, so
            // they do not pull their invoices out of the batches (a record sent
            // in the interactive lane would).
            Self.progress("submitting payments")
            try await Self.submitAll(plan.payments.map { payment in { client in
                _ = try await client.syncPayment(SyncPaymentRequest(companyID: "acme", payment: payment), options: backfill)
            } }, environment)
            Self.progress("submitting refunds")
            try await Self.submitAll(plan.refunds.map { refund in { client in
                _ = try await client.refund(RefundRequest(companyID: "acme", refund: refund), options: backfill)
            } }, environment)
            Self.progress("submitting voids")
            try await Self.submitAll(plan.voids.sorted().map { id in { client in
                _ = try await client.voidPayment(VoidPaymentRequest(companyID: "acme", paymentExternalID: id, reason: "chargeback"), options: CallOptions(timeout: .seconds(2)))
            } }, environment)
        }
        // The payables arrive at the same time, from another part of the rental system.
        let submittingPayables = Task {
            try await payables.submit(environment)
            Self.progress("payables submitted")
        }
        var kills: [String] = []
        let scale = Self.invoiceCount
        for (entity, threshold) in [("Invoice", scale / 4), ("Invoice", scale * 7 / 10), ("Payment", scale * 3 / 10)] {
            let seen = try await CrashTests.waitForLedger(environment, entity, atLeast: threshold)
            try await Task.sleep(for: .milliseconds(Int64.random(in: 0...150)))
            environment.service.kill9()
            kills.append("\(entity) \(seen)")
            Self.progress("killed at \(entity) \(seen)")
            try await Task.sleep(for: .milliseconds(Int64.random(in: 0...200)))
            try await environment.service.start()
        }
        try await submitting.value
        try await submittingPayables.value
        Self.progress("all submitted")
        let health = try await environment.waitUntilIdle("acme", timeout: .seconds(600))
        Self.progress("idle: \(health.counts.map { "\($0.entity)/\($0.status)=\($0.count)" })")
        #expect(health.queueDepth == 0, "kills at \(kills)")
        await environment.simulator.setFaults(FaultPlan(), realmID: environment.realm.realmId)

        let ledger = try await environment.simulator.ledger(realmID: environment.realm.realmId)
        try Self.checkLedger(ledger, plan)
        // The kills landed in a batched backfill.
        let batches = try await environment.simulator.stats(realmID: environment.realm.realmId).batchRequests
        #expect(batches >= 10, "\(batches) batch requests")
        payables.check(ledger)
        // Nothing qbsync did itself (creates, updates, payments applied, voids,
        // deletions, retries after lost answers) is mistaken for drift.
        let drift = try await environment.retrying { try await $0.checkDrift(CheckDriftRequest(companyID: "acme")) }
        #expect(drift.changesRead > 0)
        #expect(drift.drifted.isEmpty, "false drift: \(drift.drifted.prefix(5).map { "\($0.ref?.externalID ?? ""): \($0.warnings.map(\.message))" })")
        let counts = Dictionary(health.counts.map { ("\($0.entity)/\($0.status)", $0.count) }, uniquingKeysWith: +)
        #expect(counts["invoice/synced"] == UInt64(Self.invoiceCount), "\(counts)")
        #expect(counts.filter { $0.key.hasSuffix("/errored") }.values.reduce(0, +) == 0, "\(counts)")
        #expect(counts["bill/synced"] == UInt64(payables.bills.count), "\(counts)")

        // Every transition in the log, exactly once and in order, for the subscriber that lived through three kills.
        let last = try await environment.retrying { try await $0.getHealth(GetHealthRequest()) }.lastSequence
        let deadline = ContinuousClock.now + .seconds(60)
        while (subscriber.seen.withLock { $0.last } ?? 0) < last && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        following.cancel()
        let logged = try TestDatabase.read(environment.database) { database in
            try database.rows("SELECT seq FROM events WHERE seq > ? AND seq <= ? ORDER BY seq", [.integer(Int64(start)), .integer(Int64(last))]) { UInt64($0.int64(0)) }
        }
        let seen = subscriber.seen.withLock { $0 }.filter { $0 <= last }
        #expect(seen.count == logged.count, "subscriber saw \(seen.count) of \(logged.count) events")
        #expect(seen == logged)
        #expect(kills.count == 3)
        await environment.stop()
    }

    static let began = ContinuousClock.now

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data("backfill: [\(ContinuousClock.now - Self.began)] \(text)\n".utf8))
    }

    /// Sends every request (each keyed by its external id, so idempotent), 8 at
    /// a time, retrying each across service restarts and passed deadlines.
    static func submitAll(_ requests: [@Sendable (QBSyncClient) async throws -> Void], _ environment: CrashTests.Environment) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: requests.count, by: 8) {
                        _ = try await environment.retrying(idempotent: true) { client in try await requests[index](client) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func checkLedger(_ ledger: [String: [JSONValue]], _ plan: Plan) throws {
        let invoices = ledger["Invoice"] ?? []
        let byNumber = Dictionary(grouping: invoices) { $0["DocNumber"]?.stringValue ?? "" }
        #expect(invoices.count == BackfillCrashTests.invoiceCount)
        #expect(byNumber.values.allSatisfy { $0.count == 1 }, "an invoice exists twice")
        for invoice in plan.invoices {
            let stored = byNumber[invoice.docNumber]?.first
            #expect(stored?["TotalAmt"]?.decimalValue == Decimal(invoice.totalMinor) / 100, "\(invoice.docNumber) total")
            #expect(stored?["Balance"]?.decimalValue == plan.expectedBalance[invoice.docNumber] ?? Decimal(invoice.totalMinor) / 100,
                    "\(invoice.docNumber) balance")
        }
        let payments = (ledger["Payment"] ?? []).filter { $0["PaymentRefNum"]?.stringValue != nil }
        let paymentsByRef = Dictionary(grouping: payments) { $0["PaymentRefNum"]?.stringValue ?? "" }
        for payment in plan.payments {
            let stored = paymentsByRef[payment.reference] ?? []
            if plan.voids.contains(payment.externalID) {
                #expect(stored.count <= 1, "\(payment.externalID) exists twice")
                #expect(stored.allSatisfy { $0["TotalAmt"]?.decimalValue == 0 }, "\(payment.externalID) is not void")
            } else {
                #expect(stored.count == 1, "\(payment.externalID) exists \(stored.count) times")
                #expect(stored.first?["TotalAmt"]?.decimalValue == Decimal(payment.amountMinor) / 100, "\(payment.externalID) amount")
            }
        }
        #expect(paymentsByRef.count == plan.payments.count - plan.voids.count + paymentsByRef.keys.filter { ref in plan.voids.contains { "ch_\($0)" == ref } }.count)
        let memos = ledger["CreditMemo"] ?? []
        let receipts = ledger["RefundReceipt"] ?? []
        let expectedMemos = plan.refunds.filter { if case .invoiceExternalID? = $0.target { true } else { false } }.count
        #expect(memos.count == expectedMemos)
        #expect(memos.allSatisfy { $0["TotalAmt"]?.decimalValue == 10 })
        #expect(receipts.count == plan.refunds.count - expectedMemos)
        #expect(receipts.allSatisfy { $0["TotalAmt"]?.decimalValue == 5 })
        let applications = (ledger["Payment"] ?? []).filter { $0["PaymentRefNum"]?.stringValue == nil }
        #expect(applications.count == expectedMemos, "credit memo applications")
    }
}
