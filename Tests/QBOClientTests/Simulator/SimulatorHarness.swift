import Foundation
import Logging
import QBOSimulator
import Synchronization
@testable import QBOClient

/// One in-process simulator with one company, and a client wired to it the way
/// the engine wires production: a shared curl transport, an OAuth session that
/// starts from the stored refresh token only, and a persistence callback.
struct SimulatorHarness {
    let simulator: QBOSimulator
    let realmID: String
    let transport: CurlTransport
    let session: OAuthSession
    let client: QBOClient
    let stored: StoredTokens

    /// How many rotated token sets were handed to the persistence callback.
    var storedCount: Int { stored.count }

    /// What the engine's SQLite would hold: every rotated token set, in order.
    final class StoredTokens: Sendable {
        private let saved = Mutex<[OAuthTokens]>([])
        var count: Int { saved.withLock { $0.count } }
        func append(_ tokens: OAuthTokens) { saved.withLock { $0.append(tokens) } }
    }

    /// Runs `body` against a fresh simulator and always tears everything down.
    static func run(_ body: (SimulatorHarness) async throws -> Void) async throws {
        var quiet = Logger(label: "qbo-sim")
        quiet.logLevel = .error
        let simulator = QBOSimulator(configuration: SimulatorConfiguration(), logger: quiet)
        let endpoint = try await simulator.start()
        let company = await simulator.createRealm()
        let transport = try CurlTransport(configuration: .init(timeout: .seconds(10)))
        let stored = StoredTokens()
        let session = OAuthSession(
            credentials: OAuthClientCredentials(clientID: company.clientId, clientSecret: Secret(company.clientSecret)),
            tokens: OAuthTokens(refreshToken: Secret(company.refreshToken)),
            tokenEndpoint: endpoint.baseURL + "/oauth2/v1/tokens/bearer",
            transport: transport,
            persist: { tokens in stored.append(tokens) }
        )
        let client = QBOClient(
            realmID: company.realmId, transport: transport, auth: session,
            configuration: .init(baseURL: endpoint.baseURL)
        )
        let harness = SimulatorHarness(
            simulator: simulator, realmID: company.realmId, transport: transport, session: session, client: client, stored: stored
        )
        do {
            try await body(harness)
        } catch {
            await transport.shutdown()
            await simulator.stop()
            throw error
        }
        await transport.shutdown()
        await simulator.stop()
    }

    /// The seeded record named `name`, found through the client's own query path.
    func seeded<E: QBOEntity>(_ type: E.Type, named name: String) async throws -> QBO.Ref {
        let page = try await client.query(QBOQuery<E>.select().where("Name", .equals, .string(name)))
        guard let id = page.entities.first?.id else { throw QBOError(kind: .notFound, message: "no seeded \(E.entityName) \(name)") }
        return QBO.Ref(value: id, name: name)
    }

    /// How many records of an entity the simulator's books hold.
    func ledgerCount(_ entityName: String) async throws -> Int {
        try await simulator.ledger(realmID: realmID)[entityName]?.count ?? 0
    }

    /// An invoice for `customer` with one line of `quantity` x `rate` of `item`.
    static func invoice(customer: QBO.Ref, item: QBO.Ref, quantity: String, rate: String, amount: String, docNumber: String? = nil) -> QBO.Invoice {
        QBO.Invoice(
            customerRef: customer,
            line: [QBO.Line(
                amount: dec(amount),
                detail: .salesItem(.init(itemRef: item, qty: dec(quantity), unitPrice: dec(rate), taxCodeRef: .init(value: "NON"))),
                description: "Rental"
            )],
            docNumber: docNumber,
            txnDate: "2026-03-01"
        )
    }
}
