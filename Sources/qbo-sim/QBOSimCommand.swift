import ArgumentParser
import Foundation
import Logging
import QBOSimulator
import ServiceLifecycle

/// `qbo-sim`: runs the QuickBooks Online simulator as a standalone server until SIGINT or
/// SIGTERM, printing the credentials of each realm it creates.
@main
struct QBOSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qbo-sim",
        abstract: "A QuickBooks Online Accounting API v3 simulator for qbsync's tests and demos.",
        discussion: "Admin API under /admin (see docs/simulator.md).")

    @Option(help: "TCP port; 0 picks a free one.") var port = 8089
    @Option(help: "Loopback address to listen on.") var host = "127.0.0.1"
    @Option(name: .customLong("socket"), help: "Listen on this Unix domain socket instead of TCP.") var socketPath: String?
    @Option(name: .customLong("realm"), help: "Create a realm with this id (repeatable; default: one generated).")
    var realms: [String] = []
    @Option(help: "Per-realm requests per 60 s before 429.") var requestsPerMinute = 500
    @Option(help: "Per-realm requests in flight before 429.") var concurrent = 10
    @Option(help: "Per-realm POST /batch requests per 60 s before 429 (each also counts as a request).")
    var batchRequestsPerMinute = 40
    @Option(help: "Fraction of API requests answered 500.") var errorRate = 0.0
    @Option(help: "Milliseconds added to every API request.") var latencyMs = 0
    @Option(help: "Up to this many random milliseconds more.") var latencyJitterMs = 0
    @Option(help: "Fraction of API connections closed before acting.") var dropRate = 0.0
    @Option(help: "Fraction of API requests acted on, then never answered.") var lostResponseRate = 0.0
    @Option(help: "Access token lifetime in seconds.") var tokenLifetime = 3600
    @Option(help: "Seed of the fault generator.") var seed: UInt64 = 1
    @Option(help: "OAuth client id.") var clientId = "qbsync-sim-client"
    @Option(help: "OAuth client secret.") var clientSecret = "qbsync-sim-secret"
    @Option(help: "Every realm's CompanyInfo.CompanyName.") var companyName = RealmSettings().companyName
    @Flag(help: "Realms use QBO's automated sales tax (Preferences.TaxPrefs.PartnerTaxEnabled).")
    var automatedSalesTax = false
    @Option(help: "The automated sales tax engine's rate in percent.") var salesTaxRate = "8.25"
    @Flag(inversion: .prefixedNo, help: "Realms' plans track inventory (Preferences QuantityOnHand).")
    var inventory = true

    func validate() throws {
        for rate in [errorRate, dropRate, lostResponseRate] where !(0...1).contains(rate) {
            throw ValidationError("rates must be between 0 and 1")
        }
        guard tokenLifetime > 0, requestsPerMinute > 0, concurrent > 0, batchRequestsPerMinute > 0 else {
            throw ValidationError(
                "--token-lifetime, --requests-per-minute, --concurrent and --batch-requests-per-minute must be positive")
        }
        guard let rate = Self.percentage(salesTaxRate), rate >= 0, rate <= 100 else {
            throw ValidationError("--sales-tax-rate must be a percentage from 0 to 100, such as 8.25")
        }
        guard !companyName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--company-name must not be empty")
        }
    }

    /// `8.25` as an exact decimal; nil for anything that is not a plain decimal number.
    private static func percentage(_ text: String) -> Decimal? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            text.filter({ $0 == "." }).count <= 1, text.first != ".", text.last != "."
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    func run() async throws {
        let logger = Logger(label: "qbo-sim")
        let faults = FaultPlan(
            errorRate: errorRate, latencyMs: latencyMs, latencyJitterMs: latencyJitterMs, dropRate: dropRate,
            lostResponseRate: lostResponseRate, seed: seed)
        let simulator = QBOSimulator(
            configuration: SimulatorConfiguration(
                host: host, port: port, unixSocketPath: socketPath, clientID: clientId, clientSecret: clientSecret,
                accessTokenLifetime: .seconds(tokenLifetime), requestsPerMinute: requestsPerMinute,
                concurrentRequests: concurrent, batchRequestsPerMinute: batchRequestsPerMinute, faults: faults, seed: seed,
                realmSettings: RealmSettings(
                    companyName: companyName, automatedSalesTax: automatedSalesTax,
                    automatedSalesTaxRate: Self.percentage(salesTaxRate) ?? 0, tracksInventory: inventory)),
            logger: logger)
        let endpoint = try await simulator.start()
        var credentials: [RealmCredentials] = []
        for realm in realms.isEmpty ? [nil] : realms.map(Optional.some) {
            credentials.append(await simulator.createRealm(realm))
        }
        print(SimulatorBanner.text(endpoint: endpoint, credentials: credentials))
        fflush(nil)  // a pipe reading the banner must not wait for the buffer to fill
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [simulator], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
