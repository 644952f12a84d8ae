import Foundation
import Logging
import QBOSimulator
import QBSyncWire

/// The built-in QuickBooks simulator `qbsync serve` runs when no QBO is
/// configured, with one demo company connected to it.
struct DemoBackend: Sendable {
    static let realmID = "9130354100000001"
    let simulator: QBOSimulator
    let endpoint: SimulatorEndpoint
    let credentials: QBOCredentials
    let temporaryDatabase: String

    static func start(port: Int, logger: Logger) async throws -> DemoBackend {
        var configuration = SimulatorConfiguration()
        configuration.port = port
        let simulator = QBOSimulator(configuration: configuration, logger: Logger(label: "qbo-sim"))
        let endpoint = try await simulator.start()
        // The same simulated realm id on every run, so a kept --database stays
        // with its company (the simulator's books themselves start empty).
        let realm = await simulator.createRealm(Self.realmID)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-demo-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return DemoBackend(
            simulator: simulator,
            endpoint: endpoint,
            credentials: QBOCredentials(realmID: realm.realmId, clientID: realm.clientId, clientSecret: realm.clientSecret, refreshToken: realm.refreshToken),
            temporaryDatabase: directory.appendingPathComponent("qbsync.sqlite3").path
        )
    }

    func announce(socket: String, company: String, database: String) {
        let banner = """

            ************************************************************************
            *  qbsync is running against its BUILT-IN QUICKBOOKS SIMULATOR.        *
            *  No QuickBooks credentials were given: nothing reaches Intuit.       *
            ************************************************************************
              socket:        \(socket)
              demo company:  \(company)  (simulated realm \(self.credentials.realmID))
              simulator:     \(self.endpoint.baseURL)
              database:      \(database)
              The simulator keeps its books in memory: they are gone when qbsync stops,
              so records synced in an earlier run (kept --database) are not in them.

              Try:  qbsync health --socket \(socket)
              Real QuickBooks:  qbsync serve --qbo-base-url sandbox   (or production), then
                    qbsync connect --company ID --realm REALM --client-id ID --client-secret SECRET --refresh-token TOKEN
            ************************************************************************

            """
        FileHandle.standardError.write(Data(banner.utf8))
    }

    func cleanUp() {
        let directory = URL(fileURLWithPath: self.temporaryDatabase).deletingLastPathComponent()
        try? FileManager.default.removeItem(at: directory)
    }
}
