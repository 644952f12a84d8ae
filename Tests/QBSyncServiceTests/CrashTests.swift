import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// kill -9 of the service in the middle of pushes: after restarts, QBO holds
/// every accepted record exactly once.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CrashTests {
    struct Environment {
        let simulator: QBOSimulator
        let endpoint: SimulatorEndpoint
        let realm: RealmCredentials
        let service: ServiceProcess
        let directory: URL
        /// The service's database, kept across its restarts.
        let database: String

        static func start(faults: FaultPlan = FaultPlan(), extraArguments: [String] = []) async throws -> Environment {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-crash-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let simulator = QBOSimulator(configuration: SimulatorConfiguration(requestsPerMinute: 1_000_000, concurrentRequests: 10))
            let endpoint = try await simulator.start()
            let realm = await simulator.createRealm()
            await simulator.setFaults(faults, realmID: realm.realmId)
            let database = try TestDatabase.fresh(in: directory, name: "qbsync.sqlite3")
            let service = ServiceProcess(
                qboBaseURL: endpoint.baseURL,
                socketPath: directory.appendingPathComponent("s.sock").path,
                databasePath: database,
                extraArguments: ["--requests-per-minute", "100000", "--retry-base-delay", "0.05", "--retry-max-delay", "1", "--max-attempts", "40"] + extraArguments
            )
            try await service.start()
            return Environment(simulator: simulator, endpoint: endpoint, realm: realm, service: service, directory: directory, database: database)
        }

        func client() async throws -> QBSyncClient {
            try await QBSyncClient(socketPath: self.service.socketPath)
        }

        func stop() async {
            self.service.terminate()
            await self.simulator.stop()
            // QBSYNC_KEEP_TEST_DIRS=1 keeps the service logs for a post-mortem.
            if ProcessInfo.processInfo.environment["QBSYNC_KEEP_TEST_DIRS"] == nil { try? FileManager.default.removeItem(at: self.directory) }
        }

        /// Calls `body` until it succeeds, across service restarts.
        ///
        /// - Parameter idempotent: `body` may be sent again after its deadline
        ///   passed, as a backend retries a call keyed by its external id (a
        ///   loaded machine has been slower than a 2 s void just after a restart).
        func retrying<T>(idempotent: Bool = false, _ body: (QBSyncClient) async throws -> T) async throws -> T {
            let end = ContinuousClock.now + .seconds(idempotent ? 120 : 60)
            while true {
                do {
                    let client = try await self.client()
                    defer { Task { await client.close() } }
                    return try await body(client)
                } catch let error as RPCError where error.code == .unavailable && ContinuousClock.now < end {
                    try await Task.sleep(for: .milliseconds(100))
                } catch let error as RPCError where idempotent && error.code == .deadlineExceeded && ContinuousClock.now < end {
                    continue
                }
            }
        }

        func waitUntilIdle(_ companyID: String, timeout: Duration = .seconds(300)) async throws -> CompanyHealth {
            let end = ContinuousClock.now + timeout
            while true {
                let health = try await self.retrying(idempotent: true) { try await $0.getHealth(GetHealthRequest(companyID: companyID)) }.companies.first ?? CompanyHealth()
                if health.queueDepth == 0 || ContinuousClock.now > end { return health }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    static func setUp(_ environment: Environment, customers: Int) async throws {
        let client = try await environment.client()
        _ = try await client.connectCompany(ConnectCompanyRequest(companyID: "acme", credentials: QBOCredentials(
            realmID: environment.realm.realmId, clientID: environment.realm.clientId,
            clientSecret: environment.realm.clientSecret, refreshToken: environment.realm.refreshToken
        )))
        _ = try await client.autoMap(AutoMapRequest(companyID: "acme", kind: .item, entries: [AutoMapEntry(externalCode: "TENT-20", name: "Equipment Rental")]))
        _ = try await client.autoMap(AutoMapRequest(companyID: "acme", kind: .paymentMethod, entries: [AutoMapEntry(externalCode: "CARD", name: "Undeposited Funds")]))
        _ = try await client.autoMap(AutoMapRequest(companyID: "acme", kind: .account, entries: [AutoMapEntry(externalCode: "REFUNDS", name: "Checking")]))
        for index in 0..<customers {
            let response = try await client.linkCustomer(LinkCustomerRequest(
                companyID: "acme", customer: Fixtures.customer("c\(index)", name: "Crash Customer \(index)"), mode: .create
            ))
            #expect(response.outcome == .created)
        }
        await client.close()
    }

    /// Waits until the simulator holds at least `count` of `entity`.
    static func waitForLedger(_ environment: Environment, _ entity: String, atLeast count: Int) async throws -> Int {
        let end = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < end {
            let current = try await environment.simulator.ledger(realmID: environment.realm.realmId)[entity]?.count ?? 0
            if current >= count { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
        return -1
    }

    @Test func killNineDuringFiveHundredInvoicePushes() async throws {
        let environment = try await Environment.start(faults: FaultPlan(latencyMs: 30, latencyJitterMs: 20, seed: 3))
        try await Self.setUp(environment, customers: 5)
        // Submitters retry across the kills: a call that got no answer may or
        // may not have been accepted, and sending it again is idempotent.
        let submitting = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for index in stride(from: worker, to: 500, by: 8) {
                            let invoice = Fixtures.invoice("inv-\(index)", customer: "c\(index % 5)", quantity: "\(index % 7 + 1)", amountMinor: Int64(index % 7 + 1) * 12_500)
                            _ = try await environment.retrying(idempotent: true) { try await $0.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: invoice)) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        var kills: [Int] = []
        for threshold in [60, 250] {
            let seen = try await Self.waitForLedger(environment, "Invoice", atLeast: threshold)
            environment.service.kill9()
            kills.append(seen)
            try await environment.service.start()
        }
        try await submitting.value
        let health = try await environment.waitUntilIdle("acme")
        #expect(health.queueDepth == 0)
        let invoices = try await environment.simulator.ledger(realmID: environment.realm.realmId)["Invoice"] ?? []
        let numbers = invoices.compactMap { $0["DocNumber"]?.stringValue }
        #expect(numbers.count == 500, "killed at \(kills) invoices in QBO")
        #expect(Set(numbers) == Set((0..<500).map { "INV-\($0)" }))
        for invoice in invoices {
            let index = Int(invoice["DocNumber"]?.stringValue?.dropFirst(4) ?? "") ?? 0
            #expect(invoice["TotalAmt"]?.decimalValue == Decimal(index % 7 + 1) * 125)
        }
        #expect(kills.allSatisfy { $0 > 0 && $0 < 500 }, "kills must land mid-drain: \(kills)")
        await environment.stop()
    }
}
