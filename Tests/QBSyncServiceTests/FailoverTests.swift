import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncStore
import QBSyncTesting
import QBSyncWire
import Synchronization
import Testing

/// Several `qbsync serve` on one PostgreSQL database: three instances share
/// 20 companies; intake goes to all three; one instance is killed -9 in the
/// middle of a faulty backfill of 2,000 invoices, twice. The others take its
/// companies over while it is down (it rejoins after), and QBO ends with every document once, to the cent, with
/// no refresh token spent twice; a subscriber on an instance that was never
/// killed saw every company's events, once and in order.
@Suite(.serialized, .timeLimit(.minutes(15)), .enabled(if: TestDatabase.isPostgres, "several instances share a PostgreSQL database"))
struct FailoverTests {
    static let companies = 20
    static let invoicesPerCompany = Int(ProcessInfo.processInfo.environment["QBSYNC_FAILOVER_INVOICES"] ?? "").map { $0 / 20 } ?? 100
    static let customersPerCompany = 4

    /// Three instances over one database, one simulator with a realm per company.
    struct Cluster {
        let simulator: QBOSimulator
        let realms: [String: RealmCredentials]  // company id -> realm
        let instances: [ServiceProcess]
        let directory: URL
        let database: String

        static func start(
            faults: FaultPlan, instances names: [String] = ["a", "b", "c"], companies: [String] = FailoverTests.companyIDs,
            accessTokenLifetime: Duration = .seconds(3600)
        ) async throws -> Cluster {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-failover-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let simulator = QBOSimulator(configuration: SimulatorConfiguration(
                accessTokenLifetime: accessTokenLifetime, requestsPerMinute: 1_000_000, concurrentRequests: 10
            ))
            let endpoint = try await simulator.start()
            var realms: [String: RealmCredentials] = [:]
            for company in companies {
                let realm = await simulator.createRealm()
                await simulator.setFaults(faults, realmID: realm.realmId)
                realms[company] = realm
            }
            let database = try TestDatabase.fresh(in: directory, name: "qbsync.sqlite3")
            let instances = names.map { name in
                ServiceProcess(
                    qboBaseURL: endpoint.baseURL, socketPath: directory.appendingPathComponent("\(name).sock").path, databasePath: database,
                    extraArguments: ["--lease-seconds", "8", "--requests-per-minute", "100000", "--retry-base-delay", "0.05", "--retry-max-delay", "1", "--max-attempts", "40"]
                )
            }
            for instance in instances { try await instance.start() }
            return Cluster(simulator: simulator, realms: realms, instances: instances, directory: directory, database: database)
        }

        func stop() async {
            for instance in self.instances { instance.terminate() }
            await self.simulator.stop()
            try? FileManager.default.removeItem(at: self.directory)
        }

        /// Calls `body` on the instances in turn, starting with `preferred`,
        /// until one answers: an instance may be down, or (for a call that
        /// reads QBO) not the one pushing the company. A call whose deadline
        /// passes (its instance stalled) is sent again to the next one, as a
        /// backend does with these idempotent calls: the one that was stalled
        /// may still accept the first when it wakes, and the store keeps one.
        func call<T>(preferred: Int = 0, _ body: (QBSyncClient) async throws -> T) async throws -> T {
            let end = ContinuousClock.now + .seconds(90)
            var attempt = 0
            while true {
                let instance = self.instances[(preferred + attempt) % self.instances.count]
                attempt += 1
                do {
                    let client = try await QBSyncClient(socketPath: instance.socketPath)
                    defer { Task { await client.close() } }
                    return try await body(client)
                } catch let error as RPCError where [.unavailable, .deadlineExceeded].contains(error.code) && ContinuousClock.now < end {
                    if attempt % self.instances.count == 0 { try await Task.sleep(for: .milliseconds(100)) }
                }
            }
        }

        /// Each instance's leases, by the instance's name (its socket path ends it).
        func leaseHolders() throws -> [String: Int] {
            let leases = try TestDatabase.read(self.database) { try $0.leases() }
            var held: [String: Int] = [:]
            for lease in leases where lease.expiresIn > 0 && !lease.liveHolder.isEmpty {
                held[String(lease.liveHolder.split(separator: "/").last ?? ""), default: 0] += 1
            }
            return held
        }

        /// What a failure needs: each company's queue and holder, and each instance's log.
        func report(_ health: GetHealthResponse) {
            for company in health.companies where company.queueDepth > 0 {
                FailoverTests.progress("\(company.companyID): \(company.connectionState), \(company.queueDepth) queued, pushed by '\(company.pushedBy)'")
            }
            for instance in self.instances {
                FailoverTests.progress("log of \(instance.socketPath):\n\(instance.logTail(6000))")
            }
        }

        /// Invoices in QBO, all realms.
        func invoicesInQBO() async throws -> Int {
            var count = 0
            for realm in self.realms.values { count += try await self.simulator.ledger(realmID: realm.realmId)["Invoice"]?.count ?? 0 }
            return count
        }
    }

    static let companyIDs = (0..<companies).map { String(format: "co%02d", $0) }

    /// Connects a company through the instance `index` points at (which takes its lease),
    /// maps its item and payment method there, and creates its customers through another instance.
    static func setUp(_ company: String, _ cluster: Cluster, index: Int) async throws {
        let realm = cluster.realms[company]!
        _ = try await cluster.call(preferred: index) { client in
            try await client.connectCompany(ConnectCompanyRequest(companyID: company, credentials: QBOCredentials(
                realmID: realm.realmId, clientID: realm.clientId, clientSecret: realm.clientSecret, refreshToken: realm.refreshToken
            )))
        }
        // Reading QBO's items is the pushing instance's work: the others answer UNAVAILABLE, naming it.
        _ = try await cluster.call(preferred: index) { client in
            try await client.autoMap(AutoMapRequest(companyID: company, kind: .item, entries: [AutoMapEntry(externalCode: "TENT-20", name: "Equipment Rental")]))
        }
        _ = try await cluster.call(preferred: index) { client in
            try await client.autoMap(AutoMapRequest(companyID: company, kind: .paymentMethod, entries: [AutoMapEntry(externalCode: "CARD", name: "Undeposited Funds")]))
        }
        for customer in 0..<Self.customersPerCompany {
            // Intake on another instance than the one pushing: it settles all the same.
            let linked = try await cluster.call(preferred: index + 1) { client in
                try await client.linkCustomer(LinkCustomerRequest(companyID: company, customer: Fixtures.customer("c\(customer)", name: "Failover \(company) \(customer)"), mode: .create))
            }
            #expect(linked.outcome == .created, "\(company) c\(customer): \(linked)")
        }
    }

    /// Checks one company's books: `invoices` invoices once each, totals and balances to the cent
    /// (every fourth one paid in full), and no refresh token presented twice.
    static func checkBooks(_ company: String, _ cluster: Cluster, invoices count: Int) async throws {
        let realm = cluster.realms[company]!
        await cluster.simulator.setFaults(FaultPlan(), realmID: realm.realmId)
        let ledger = try await cluster.simulator.ledger(realmID: realm.realmId)
        let invoices = Dictionary(grouping: ledger["Invoice"] ?? []) { $0["DocNumber"]?.stringValue ?? "" }
        #expect(invoices.count == count, "\(company): \(invoices.count) invoice numbers")
        #expect(invoices.values.allSatisfy { $0.count == 1 }, "\(company): an invoice exists twice")
        for index in 0..<count {
            let stored = invoices["INV-\(index)"]?.first
            let total = Decimal(Self.invoiceAmount(index)) / 100
            #expect(stored?["TotalAmt"]?.decimalValue == total, "\(company) INV-\(index) total")
            #expect(stored?["Balance"]?.decimalValue == (index % 4 == 0 ? 0 : total), "\(company) INV-\(index) balance")
        }
        let payments = Dictionary(grouping: ledger["Payment"] ?? []) { $0["PaymentRefNum"]?.stringValue ?? "" }
        #expect(payments.count == (count + 3) / 4 && payments.values.allSatisfy { $0.count == 1 }, "\(company): payments \(payments.mapValues(\.count))")
        let stats = try await cluster.simulator.stats(realmID: realm.realmId)
        #expect(stats.spentRefreshTokenUses == 0, "\(company): a refresh token was used twice")
        #expect(stats.refreshes >= 1)
    }

    /// The company's invoices (and a payment for every fourth), in the backfill lane.
    static func backfill(_ company: String, invoices count: Int) -> [@Sendable (QBSyncClient) async throws -> Void] {
        let backfill = CallOptions(metadata: ["qbsync-lane": "backfill"])
        var requests: [@Sendable (QBSyncClient) async throws -> Void] = []
        for index in 0..<count {
            let invoice = Fixtures.invoice("inv-\(index)", customer: "c\(index % Self.customersPerCompany)",
                                           quantity: "\(index % 5 + 1)", rate: "123.45", amountMinor: Self.invoiceAmount(index))
            requests.append { client in _ = try await client.syncInvoice(SyncInvoiceRequest(companyID: company, invoice: invoice), options: backfill) }
            if index % 4 == 0 {
                let payment = Fixtures.payment("p-\(index)", customer: "c\(index % Self.customersPerCompany)", amountMinor: Self.invoiceAmount(index),
                                               applications: [("inv-\(index)", Self.invoiceAmount(index))])
                requests.append { client in _ = try await client.syncPayment(SyncPaymentRequest(companyID: company, payment: payment), options: backfill) }
            }
        }
        return requests
    }

    /// Sends every request with eight senders, spreading the calls over the instances.
    static func submit(_ requests: [@Sendable (QBSyncClient) async throws -> Void], _ cluster: Cluster) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: requests.count, by: 8) {
                        try await cluster.call(preferred: index) { try await requests[index]($0) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func invoiceAmount(_ index: Int) -> Int64 { Int64(index % 5 + 1) * 12_345 }

    @Test func threeInstancesSurviveTwoKillsDuringAFaultyBackfill() async throws {
        let faults = FaultPlan(errorRate: 0.03, latencyMs: 3, latencyJitterMs: 5, dropRate: 0.01, lostResponseRate: 0.03, seed: 1607)
        let cluster = try await Cluster.start(faults: faults)
        Self.progress("three instances up")
        // Companies connected through the instances in turn; each is taken by the instance it was connected on.
        for (index, company) in Self.companyIDs.enumerated() { try await Self.setUp(company, cluster, index: index) }
        // The companies spread over the three instances (each takes its fair share).
        var holders: [String: Int] = [:]
        let spreadBy = ContinuousClock.now + .seconds(30)
        repeat {
            holders = try cluster.leaseHolders()
            if holders.count == 3, holders.values.allSatisfy({ $0 >= 6 }) { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < spreadBy
        #expect(holders.count == 3 && holders.values.reduce(0, +) == Self.companies, "leases: \(holders)")
        Self.progress("leases: \(holders)")

        let start = try await cluster.call { try await $0.getHealth(GetHealthRequest()) }.lastSequence
        // A dashboard on instance c, which is never killed, follows every company.
        let subscriber = BackfillCrashTests.Subscriber(socketPath: cluster.instances[2].socketPath, after: start)
        let following = Task { await subscriber.run() }

        let submitting = Task {
            // Interleaved by company, so every company's backlog grows at once.
            let perCompany = Self.companyIDs.map { Self.backfill($0, invoices: Self.invoicesPerCompany) }
            let requests = (0..<(perCompany.map(\.count).max() ?? 0)).flatMap { index in perCompany.compactMap { index < $0.count ? $0[index] : nil } }
            try await Self.submit(requests, cluster)
            Self.progress("all submitted")
        }

        // Two kills -9, each of the instance (a or b) pushing the most companies then, mid-backfill.
        let total = Self.companies * Self.invoicesPerCompany
        var kills: [String] = []
        for threshold in [total / 4, total * 3 / 5] {
            while try await cluster.invoicesInQBO() < threshold { try await Task.sleep(for: .milliseconds(20)) }
            let holders = try cluster.leaseHolders()
            let victim = [0, 1].max { (holders["\(["a", "b"][$0]).sock"] ?? 0) < (holders["\(["a", "b"][$1]).sock"] ?? 0) }!
            let killedAt = ContinuousClock.now
            cluster.instances[victim].kill9()
            let victimName = "\(["a", "b"][victim]).sock"
            kills.append("\(victimName) holding \(holders) at \(try await cluster.invoicesInQBO()) invoices")
            Self.progress("killed \(kills.last!)")
            // While it is down, the survivors take every company over (its
            // leases expire unrenewed); how long that takes is benchmarked
            // (Scripts/bench takeover), here it only has to happen.
            var after: [String: Int] = [:]
            repeat {
                try await Task.sleep(for: .milliseconds(100))
                after = try cluster.leaseHolders()
            } while (after[victimName] != nil || after.values.reduce(0, +) < Self.companies) && ContinuousClock.now - killedAt < .seconds(90)
            #expect(after[victimName] == nil && after.values.reduce(0, +) == Self.companies, "not taken over: \(after)")
            Self.progress("taken over after \(ContinuousClock.now - killedAt): \(after)")
            try await cluster.instances[victim].start()
        }
        try await submitting.value

        // Everything settles, through whichever instances push now.
        let settleBy = ContinuousClock.now + .seconds(300)
        var health = GetHealthResponse()
        repeat {
            health = try await cluster.call(preferred: 2) { try await $0.getHealth(GetHealthRequest()) }
            if health.companies.count == Self.companies, health.companies.allSatisfy({ $0.queueDepth == 0 }) { break }
            try await Task.sleep(for: .milliseconds(250))
        } while ContinuousClock.now < settleBy
        #expect(health.companies.allSatisfy { $0.queueDepth == 0 }, "not settled; kills: \(kills)")
        if !health.companies.allSatisfy({ $0.queueDepth == 0 }) { cluster.report(health) }
        Self.progress("settled")

        // The books, realm by realm, to the cent.
        for company in Self.companyIDs { try await Self.checkBooks(company, cluster, invoices: Self.invoicesPerCompany) }
        let counts = Dictionary(health.companies.flatMap(\.counts).map { ("\($0.entity)/\($0.status)", $0.count) }, uniquingKeysWith: +)
        #expect(counts["invoice/synced"] == UInt64(total), "\(counts)")
        #expect(counts.filter { $0.key.hasSuffix("/errored") }.values.reduce(0, +) == 0, "\(counts)")

        // The subscriber on c saw every company's events, once, in log order.
        let last = try await cluster.call(preferred: 2) { try await $0.getHealth(GetHealthRequest()) }.lastSequence
        let deadline = ContinuousClock.now + .seconds(60)
        while (subscriber.seen.withLock { $0.last } ?? 0) < last && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        following.cancel()
        let logged = try TestDatabase.read(cluster.database) { database in
            try database.rows("SELECT seq FROM events WHERE seq > ? AND seq <= ? ORDER BY seq", [.integer(Int64(start)), .integer(Int64(last))]) { UInt64($0.int64(0)) }
        }
        let seen = subscriber.seen.withLock { $0 }.filter { $0 <= last }
        #expect(seen == logged, "subscriber saw \(seen.count) of \(logged.count) events")
        #expect(kills.count == 2)
        await cluster.stop()
    }

    /// An instance that stalls (SIGSTOP) past its leases while it pushes, and
    /// then wakes (SIGCONT) with requests and token refreshes under way: the
    /// other instance has taken its companies over, and whatever the woken
    /// one still tries is fenced off. Access tokens live 65 s, so sessions
    /// refresh every few seconds and the woken one would spend a refresh
    /// token its successor already rotated if it refreshed.
    @Test func aStalledInstanceIsFencedOffWhenItWakes() async throws {
        let companies = Array(Self.companyIDs.prefix(4))
        let invoices = 60
        let cluster = try await Cluster.start(
            faults: FaultPlan(latencyMs: 120, latencyJitterMs: 80, seed: 77), instances: ["a", "b"], companies: companies,
            accessTokenLifetime: .seconds(65)
        )
        for (index, company) in companies.enumerated() { try await Self.setUp(company, cluster, index: index) }
        var holders: [String: Int] = [:]
        let spreadBy = ContinuousClock.now + .seconds(30)
        repeat {
            holders = try cluster.leaseHolders()
            if holders.count == 2, holders.values.reduce(0, +) == companies.count { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < spreadBy
        #expect(holders.count == 2, "leases: \(holders)")
        // Each instance's health names who pushes each company; a call reading QBO for a
        // company the other instance pushes is refused, naming that instance.
        let leases = try TestDatabase.read(cluster.database) { try $0.leases() }
        let pushers = try await cluster.call(preferred: 0) { try await $0.getHealth(GetHealthRequest()) }
        for company in pushers.companies {
            #expect(company.pushedBy == leases.first { $0.companyID == company.companyID }?.holder, "\(company.companyID): \(company.pushedBy)")
        }
        let elsewhere = try #require(leases.first { $0.holder.hasSuffix("b.sock") })
        let client = try await QBSyncClient(socketPath: cluster.instances[0].socketPath)
        do {
            _ = try await client.autoMap(AutoMapRequest(companyID: elsewhere.companyID, kind: .item, entries: [AutoMapEntry(externalCode: "TENT-20", name: "Equipment Rental")]))
            Issue.record("AutoMap on an instance that does not push the company should be refused")
        } catch {
            #expect(error.code == .unavailable && error.message.contains(elsewhere.holder), "\(error)")
        }
        await client.close()
        let submitting = Task {
            let perCompany = companies.map { Self.backfill($0, invoices: invoices) }
            try await Self.submit((0..<perCompany[0].count).flatMap { index in perCompany.map { $0[index] } }, cluster)
        }
        // Mid-push, the instance pushing more companies stops dead (as in a long pause or a partition).
        var inQBO = 0
        repeat {
            inQBO = 0
            for company in companies { inQBO += try await cluster.simulator.ledger(realmID: cluster.realms[company]!.realmId)["Invoice"]?.count ?? 0 }
            try await Task.sleep(for: .milliseconds(50))
        } while inQBO < companies.count * invoices / 4
        let stalled = (holders["a.sock"] ?? 0) >= (holders["b.sock"] ?? 0) ? 0 : 1
        let stalledName = ["a.sock", "b.sock"][stalled]
        cluster.instances[stalled].pause()
        Self.progress("stalled \(stalledName) at \(inQBO) invoices, holding \(holders)")
        let stalledAt = ContinuousClock.now
        repeat {
            try await Task.sleep(for: .milliseconds(100))
            holders = try cluster.leaseHolders()
        } while (holders[stalledName] != nil || holders.values.reduce(0, +) < companies.count) && ContinuousClock.now - stalledAt < .seconds(60)
        #expect(holders[stalledName] == nil, "not taken over: \(holders)")
        // A little longer, so the successor refreshes every company's tokens; then the stalled one wakes.
        try await Task.sleep(for: .seconds(6))
        cluster.instances[stalled].resume()
        Self.progress("woke \(stalledName) after \(ContinuousClock.now - stalledAt)")
        try await submitting.value
        let settleBy = ContinuousClock.now + .seconds(180)
        var health = GetHealthResponse()
        repeat {
            try await Task.sleep(for: .milliseconds(250))
            health = try await cluster.call { try await $0.getHealth(GetHealthRequest()) }
        } while !(health.companies.count == companies.count && health.companies.allSatisfy { $0.queueDepth == 0 }) && ContinuousClock.now < settleBy
        #expect(health.companies.allSatisfy { $0.queueDepth == 0 && $0.connectionState == .active }, "\(health.companies.map { "\($0.companyID) \($0.connectionState) \($0.queueDepth)" })")
        if !health.companies.allSatisfy({ $0.queueDepth == 0 }) { cluster.report(health) }
        for company in companies { try await Self.checkBooks(company, cluster, invoices: invoices) }
        // The woken instance found its companies gone and stopped pushing them.
        #expect(cluster.instances[stalled].logTail(200_000).contains("stopped pushing the company"), "\(cluster.instances[stalled].logTail())")
        await cluster.stop()
    }

    static let began = ContinuousClock.now

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data("failover: [\(ContinuousClock.now - Self.began)] \(text)\n".utf8))
    }
}
