import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncCore
import QBSyncStore
import QBSyncTesting
import QBSyncWire
import Testing

/// `qbsync serve --secrets-key-file`: OAuth client secrets and refresh tokens
/// are stored sealed (AES-GCM), a key rotation seals them again, and a
/// service started without the key they need says so and loses nothing.
@Suite(.serialized, .timeLimit(.minutes(4))) struct SecretsAtRestTests {
    struct Setup {
        let directory: URL
        let simulator: QBOSimulator
        let endpoint: SimulatorEndpoint
        let realm: RealmCredentials
        let database: String

        static func start() async throws -> Setup {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-secrets-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let simulator = QBOSimulator(configuration: SimulatorConfiguration())
            let endpoint = try await simulator.start()
            return Setup(directory: directory, simulator: simulator, endpoint: endpoint, realm: await simulator.createRealm(),
                         database: try TestDatabase.fresh(in: directory, name: "qbsync.sqlite3"))
        }

        /// A key file: 32 random bytes, raw or base64.
        func key(_ name: String, base64: Bool) throws -> (path: String, id: String) {
            let bytes = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
            let path = self.directory.appendingPathComponent(name).path
            let material = base64 ? Data(bytes.base64EncodedString().utf8 + [0x0A]) : bytes
            FileManager.default.createFile(atPath: path, contents: material)
            return (path, try SecretSealer.Key(material: material, source: name).id)
        }

        func service(_ arguments: [String]) async throws -> ServiceProcess {
            let service = ServiceProcess(qboBaseURL: self.endpoint.baseURL, socketPath: self.directory.appendingPathComponent("s.sock").path,
                                         databasePath: self.database, extraArguments: ["--drift-interval", "0"] + arguments)
            try await service.start()
            return service
        }

        /// The company's secrets as stored.
        func stored() throws -> (clientSecret: String, refreshToken: String) {
            let company = try #require(try TestDatabase.read(self.database) { try $0.company("acme") })
            return (company.clientSecret, company.refreshToken)
        }

        /// Every byte the database keeps on disk (main file and WAL).
        func diskBytes() -> Data {
            ["", "-wal"].reduce(into: Data()) { $0 += FileManager.default.contents(atPath: self.database + $1) ?? Data() }
        }

        func stop() async {
            await self.simulator.stop()
            try? FileManager.default.removeItem(at: self.directory)
        }
    }

    private func syncInvoice(_ service: ServiceProcess, _ id: String) async throws -> SyncRecord? {
        let client = try await QBSyncClient(socketPath: service.socketPath)
        defer { Task { await client.close() } }
        _ = try await client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice(id, customer: "c1")))
        let end = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < end {
            let record = try await client.getRecord(GetRecordRequest(ref: RecordRef(companyID: "acme", entity: .invoice, externalID: id))).record
            if record?.status == .synced { return record }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await client.getRecord(GetRecordRequest(ref: RecordRef(companyID: "acme", entity: .invoice, externalID: id))).record
    }

    private func connect(_ service: ServiceProcess, _ setup: Setup) async throws {
        let client = try await QBSyncClient(socketPath: service.socketPath)
        defer { Task { await client.close() } }
        let realm = setup.realm
        _ = try await client.connectCompany(ConnectCompanyRequest(companyID: "acme", credentials: QBOCredentials(
            realmID: realm.realmId, clientID: realm.clientId, clientSecret: realm.clientSecret, refreshToken: realm.refreshToken)))
        _ = try await client.autoMap(AutoMapRequest(companyID: "acme", kind: .item, entries: [AutoMapEntry(externalCode: "TENT-20", name: "Equipment Rental")]))
        _ = try await client.linkCustomer(LinkCustomerRequest(companyID: "acme", customer: Fixtures.customer("c1"), mode: .create))
    }

    @Test func secretsAreStoredSealedAndARotationSealsThemAgain() async throws {
        let setup = try await Setup.start()
        let first = try setup.key("k1", base64: true)
        let second = try setup.key("k2", base64: false)

        let one = try await setup.service(["--secrets-key-file", first.path])
        try await self.connect(one, setup)
        #expect(try await self.syncInvoice(one, "inv-1")?.status == .synced)  // the refresh token was used and rotated
        one.terminate()
        var stored = try setup.stored()
        #expect(stored.clientSecret.hasPrefix("qbsync-sealed:v1:\(first.id):"), "\(stored.clientSecret.prefix(30))")
        #expect(stored.refreshToken.hasPrefix("qbsync-sealed:v1:\(first.id):"))
        // Neither the app's secret nor the refresh token given at connect is anywhere on disk (SQLite's file and
        // WAL; PostgreSQL's files are the server's), nor in the log.
        let disk = TestDatabase.isPostgres ? Data() : setup.diskBytes()
        for secret in [setup.realm.clientSecret, setup.realm.refreshToken] {
            #expect(disk.range(of: Data(secret.utf8)) == nil, "a secret is on disk in the clear")
            #expect(!one.logTail(1 << 20).contains(secret))
        }

        // Rotation: the new key seals, the old one still opens what was stored.
        let two = try await setup.service(["--secrets-key-file", second.path, "--previous-secrets-key-file", first.path])
        #expect(try await self.syncInvoice(two, "inv-2")?.status == .synced)
        two.terminate()
        stored = try setup.stored()
        #expect(stored.clientSecret.hasPrefix("qbsync-sealed:v1:\(second.id):"))
        #expect(stored.refreshToken.hasPrefix("qbsync-sealed:v1:\(second.id):"))

        // Started with the old key only: the company says which key it needs, work is held, the service serves.
        let three = try await setup.service(["--secrets-key-file", first.path])
        let client = try await QBSyncClient(socketPath: three.socketPath)
        let company = try await client.getCompany(GetCompanyRequest(companyID: "acme")).company
        #expect(company?.connectionState == .error)
        #expect(company?.connectionMessage.contains("sealed with key \(second.id)") == true, "\(company?.connectionMessage ?? "")")
        let held = try await client.syncInvoice(SyncInvoiceRequest(companyID: "acme", invoice: Fixtures.invoice("inv-3", customer: "c1")))
        #expect(held.record?.status == .pending)
        _ = try await client.getHealth(GetHealthRequest())
        await client.close()
        three.terminate()
        #expect(try setup.stored().refreshToken.hasPrefix("qbsync-sealed:v1:\(second.id):"))  // nothing was overwritten

        // With the right key again, the held invoice goes.
        let four = try await setup.service(["--secrets-key-file", second.path])
        #expect(try await self.syncInvoice(four, "inv-3")?.status == .synced)
        four.terminate()
        #expect(try await setup.simulator.ledger(realmID: setup.realm.realmId)["Invoice"]?.count == 3)
        await setup.stop()
    }

    @Test func secretsStoredInTheClearAreSealedWhenAKeyIsGiven() async throws {
        let setup = try await Setup.start()
        let plain = try await setup.service([])
        try await self.connect(plain, setup)
        #expect(try await self.syncInvoice(plain, "inv-1")?.status == .synced)
        plain.terminate()
        #expect(try setup.stored().clientSecret == setup.realm.clientSecret)  // the embedded default: no key, in the clear

        let key = try setup.key("k1", base64: true)
        let sealed = try await setup.service(["--secrets-key-file", key.path])
        #expect(try await self.syncInvoice(sealed, "inv-2")?.status == .synced)
        sealed.terminate()
        let stored = try setup.stored()
        #expect(stored.clientSecret.hasPrefix("qbsync-sealed:v1:\(key.id):"))
        #expect(stored.refreshToken.hasPrefix("qbsync-sealed:v1:\(key.id):"))
        await setup.stop()
    }

    @Test func aBadKeyIsRefusedAtStartWithoutShowingIt() async throws {
        let setup = try await Setup.start()
        let short = setup.directory.appendingPathComponent("short").path
        FileManager.default.createFile(atPath: short, contents: Data("not-a-key-c2VjcmV0".utf8))
        let socket = setup.directory.appendingPathComponent("x.sock").path
        for (arguments, expected) in [
            (["--secrets-key-file", short], "32-byte key"),
            (["--secrets-key-file", setup.directory.appendingPathComponent("missing").path], "cannot read"),
            (["--previous-secrets-key-file", short], "needs --secrets-key-file"),
        ] {
            let result = try ChildProcess.run(ServiceProcess.binary.path, ["serve", "--socket", socket] + arguments)
            let output = result.stdout + result.stderr
            #expect(result.status == 64, "\(arguments): \(output)")
            #expect(output.contains(expected), "\(arguments): \(output)")
            #expect(!output.contains("not-a-key"), "the key file's content was shown")
        }
        await setup.stop()
    }
}
