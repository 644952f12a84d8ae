// Takeover after kill -9: two `qbsync serve` sharing one PostgreSQL database.
import BenchSupport
import Foundation
import QBSyncClient
import QBSyncWire

#if canImport(Glibc)
import Glibc
#endif

/// qbsync-bench takeover --sockets A,B --pids PA,PB --qbo URL [--companies 10]
///
/// Connects `--companies` companies through the two instances in turn, waits
/// until both push some, kills -9 the one pushing more, and sends an invoice
/// for one of its companies to the survivor at once. Prints the seconds from
/// the kill until the survivor pushes every company (GetHealth's
/// `pushed_by`), and until that invoice is SYNCED in QBO.
func runTakeover() async throws {
    let sockets = argument("--sockets", default: "").split(separator: ",").map(String.init)
    let pids = argument("--pids", default: "").split(separator: ",").compactMap { Int32($0) }
    guard sockets.count == 2, pids.count == 2 else { fail("takeover needs --sockets A,B and --pids PA,PB") }
    let count = Int(argument("--companies", default: "10"))!
    let admin = SimulatorAdmin(base: argument("--qbo", default: "http://127.0.0.1:8089"))
    let clients = [try await QBSyncClient(socketPath: sockets[0]), try await QBSyncClient(socketPath: sockets[1])]
    // ConnectCompany takes the company's lease on the instance it is sent to, so the
    // company's set-up (which reads QBO's items) runs there.
    var companies: [BenchCompany] = []
    for index in 0..<count {
        companies.append(try await BenchCompany.setUp(client: clients[index % 2], admin: admin, customers: 2, disconnect: false))
    }
    // Both instances push some companies (each keeps its fair share).
    var pushers: [String: String] = [:]
    let spreadBy = ContinuousClock.now + .seconds(60)
    repeat {
        try await Task.sleep(for: .milliseconds(200))
        let health = try await clients[0].getHealth(GetHealthRequest())
        pushers = Dictionary(health.companies.map { ($0.companyID, $0.pushedBy) }) { first, _ in first }
    } while Set(companies.compactMap { pushers[$0.id] }.filter { !$0.isEmpty }).count < 2 && ContinuousClock.now < spreadBy
    func held(by socket: String) -> [BenchCompany] { companies.filter { pushers[$0.id]?.hasSuffix(":" + socket) == true } }
    guard !held(by: sockets[0]).isEmpty, !held(by: sockets[1]).isEmpty else { fail("the companies did not spread over both instances: \(pushers)") }
    let victim = held(by: sockets[0]).count >= held(by: sockets[1]).count ? 0 : 1
    let survivor = clients[1 - victim]
    let moved = held(by: sockets[victim])
    let probe = moved[0]

    let killed = ContinuousClock.now
    kill(pids[victim], SIGKILL)
    // The rental backend sends its next invoice to the instance still up.
    _ = try await survivor.syncInvoice(probe.invoice(1))
    var leasesTaken: Duration?
    var synced: Duration?
    while leasesTaken == nil || synced == nil {
        if ContinuousClock.now - killed > .seconds(120) { fail("no takeover within 120 s (leases: \(leasesTaken.map(seconds) ?? -1))") }
        try await Task.sleep(for: .milliseconds(20))
        if leasesTaken == nil {
            let health = try await survivor.getHealth(GetHealthRequest())
            let now = Dictionary(health.companies.map { ($0.companyID, $0.pushedBy) }) { first, _ in first }
            if moved.allSatisfy({ now[$0.id]?.hasSuffix(":" + sockets[1 - victim]) == true }) { leasesTaken = ContinuousClock.now - killed }
        }
        if synced == nil {
            let record = try await survivor.getRecord(GetRecordRequest(ref: RecordRef(companyID: probe.id, entity: .invoice, externalID: "inv-1")))
            if record.record?.status == .synced { synced = ContinuousClock.now - killed }
        }
    }
    printJSON([
        "label": "\"takeover\"",
        "companies": "\(count)",
        "companies_moved": "\(moved.count)",
        "leases_taken_s": format(seconds(leasesTaken!), 3),
        "invoice_synced_s": format(seconds(synced!), 3),
    ])
    await survivor.close()
}
