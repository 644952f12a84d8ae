// Sync-core load generators (Scripts/bench sync): accepted SyncInvoice calls/s, loading a
// large store, GetHealth latency, and draining a backlog into the simulator at its rate limit.
import BenchSupport
import Foundation
import QBSyncClient
import QBSyncWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A company set up the way a rental backend would: connected to a fresh realm on the
/// simulator, items mapped, customers linked (created in QBO), then optionally disconnected
/// so that invoices are accepted PENDING and held.
struct BenchCompany: Sendable {
    let id: String
    let realm: RealmGrant
    let customers: Int

    static func setUp(client: QBSyncClient, admin: SimulatorAdmin, customers: Int = 100, disconnect: Bool) async throws -> BenchCompany {
        let company = "bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let realm = try await admin.grant()
        _ = try await client.connectCompany(ConnectCompanyRequest(companyID: company, credentials: QBOCredentials(
            realmID: realm.realmID, clientID: realm.clientID, clientSecret: realm.clientSecret, refreshToken: realm.refreshToken)))
        _ = try await client.autoMap(AutoMapRequest(companyID: company, kind: .item, entries: [
            AutoMapEntry(externalCode: "TENT-20", name: "Equipment Rental"), AutoMapEntry(externalCode: "DELIVERY", name: "Delivery"),
        ]))
        for index in 0..<customers {
            _ = try await client.linkCustomer(LinkCustomerRequest(companyID: company, customer: Customer(
                externalID: "c\(index)", companyName: "Bench Customer \(index) \(company)"), mode: .create))
        }
        if disconnect { _ = try await client.disconnectCompany(DisconnectCompanyRequest(companyID: company)) }
        return BenchCompany(id: company, realm: realm, customers: customers)
    }

    /// Reconnects with a new refresh token for the same realm (the simulator keeps its books).
    func reconnect(client: QBSyncClient, admin: SimulatorAdmin) async throws {
        let grant = try await admin.grant(realmID: self.realm.realmID)
        _ = try await client.connectCompany(ConnectCompanyRequest(companyID: self.id, credentials: QBOCredentials(
            realmID: grant.realmID, clientID: grant.clientID, clientSecret: grant.clientSecret, refreshToken: grant.refreshToken)))
    }

    /// A two-line invoice for a linked customer; `number` makes it unique.
    func invoice(_ number: Int) -> SyncInvoiceRequest {
        SyncInvoiceRequest(companyID: self.id, invoice: Invoice(
            externalID: "inv-\(number)", customerExternalID: "c\(number % self.customers)", docNumber: "B\(number)",
            txnDate: "2026-11-21", currency: "USD",
            lines: [InvoiceLine(kind: .sale, itemCode: "TENT-20", description: "20x20 tent", quantity: "3", unitRate: "125.00", amountMinor: 37_500),
                    InvoiceLine(kind: .sale, itemCode: "DELIVERY", description: "Delivery", quantity: "1", unitRate: "45.00", amountMinor: 4_500)],
            taxMinor: 3_360))
    }

    /// Sends invoices `numbers` with `callers` concurrent callers; returns each call's latency (ns).
    func send(_ numbers: Range<Int>, callers: Int, client: QBSyncClient, options: CallOptions = CallOptions()) async throws -> [UInt64] {
        let tickets = Tickets(from: numbers.lowerBound)
        return try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<callers {
                group.addTask {
                    var local: [UInt64] = []
                    while true {
                        let number = tickets.take()
                        guard number < numbers.upperBound else { return local }
                        let t0 = nowNanoseconds()
                        _ = try await client.syncInvoice(self.invoice(number), options: options)
                        local.append(nowNanoseconds() - t0)
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}

/// Queue depth and counts of one company (or all), from GetHealth.
func health(_ client: QBSyncClient, company: String = "") async throws -> (queueDepth: UInt64, counts: [String: UInt64]) {
    let response = try await client.getHealth(GetHealthRequest(companyID: company))
    var depth: UInt64 = 0
    var counts: [String: UInt64] = [:]
    for company in response.companies {
        depth += company.queueDepth
        for count in company.counts { counts["\(count.entity.protoName)/\(count.status.protoName)", default: 0] += count.count }
    }
    return (depth, counts)
}

/// Accepted (durable) SyncInvoice calls/s: a company whose pushes are held
/// (disconnected), so only intake is measured.
func runSyncAccept() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let callers = Int(argument("--callers", default: "32"))!
    let duration = Double(argument("--seconds", default: "5"))!
    let client = try await QBSyncClient(socketPath: path)
    let company = try await BenchCompany.setUp(client: client, admin: SimulatorAdmin(base: argument("--qbo", default: "http://127.0.0.1:8089")), disconnect: true)
    for id in 0..<500 { _ = try await client.syncInvoice(company.invoice(10_000_000 + id)) }  // warm up
    let usage = ProcessUsage.now()
    let start = ContinuousClock.now
    let end = start + .milliseconds(Int64(duration * 1000))
    let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for caller in 0..<callers {
            group.addTask {
                var local: [UInt64] = []
                var next = caller
                while ContinuousClock.now < end {
                    let t0 = nowNanoseconds()
                    _ = try await client.syncInvoice(company.invoice(next))
                    local.append(nowNanoseconds() - t0)
                    next += callers
                }
                return local
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    let elapsed = ContinuousClock.now - start
    let spent = ProcessUsage.now().fields(since: usage, per: latencies.count, unit: "call")
    report("sync-accept", latencies: latencies, elapsed: elapsed, extra: spent.merging(["callers": "\(callers)"]) { $1 })
    await client.close()
}

/// Fills the store: `--records` invoices for one disconnected company (held PENDING),
/// through the service's own SyncInvoice path.
func runSyncLoad() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let records = Int(argument("--records", default: "1000000"))!
    let callers = Int(argument("--callers", default: "64"))!
    let client = try await QBSyncClient(socketPath: path)
    let company = try await BenchCompany.setUp(client: client, admin: SimulatorAdmin(base: argument("--qbo", default: "http://127.0.0.1:8089")), disconnect: true)
    let start = ContinuousClock.now
    let latencies = try await company.send(0..<records, callers: callers, client: client)
    let elapsed = ContinuousClock.now - start
    let (_, counts) = try await health(client)
    let stored = counts.values.reduce(0, +)
    let sorted = latencies.sorted()
    printJSON([
        "label": "\"sync-load\"", "records": "\(records)", "callers": "\(callers)", "seconds": format(seconds(elapsed), 2),
        "records_per_second": "\(Int(Double(records) / seconds(elapsed)))", "p50_us": format(percentileMicroseconds(sorted, 0.5)),
        "p99_us": format(percentileMicroseconds(sorted, 0.99)), "records_in_store": "\(stored)",
    ])
    await client.close()
}

/// GetHealth (whole service) latency from `--callers` concurrent callers for `--seconds`.
func runHealthLatency() async throws {
    let path = argument("--socket", default: "/tmp/qbsync-bench.sock")
    let callers = Int(argument("--callers", default: "1"))!
    let duration = Double(argument("--seconds", default: "3"))!
    let client = try await QBSyncClient(socketPath: path)
    let (_, counts) = try await health(client)
    for _ in 0..<200 { _ = try await client.getHealth(GetHealthRequest()) }  // warm up
    let start = ContinuousClock.now
    let end = start + .milliseconds(Int64(duration * 1000))
    let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for _ in 0..<callers {
            group.addTask {
                var local: [UInt64] = []
                while ContinuousClock.now < end {
                    let t0 = nowNanoseconds()
                    _ = try await client.getHealth(GetHealthRequest())
                    local.append(nowNanoseconds() - t0)
                }
                return local
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    let sorted = latencies.sorted()
    report("health", latencies: latencies, elapsed: ContinuousClock.now - start, extra: [
        "callers": "\(callers)", "records_in_store": "\(counts.values.reduce(0, +))",
        "p999_us": format(percentileMicroseconds(sorted, 0.999)), "max_us": format(percentileMicroseconds(sorted, 1)),
    ])
    await client.close()
}
