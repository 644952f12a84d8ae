import Foundation
import Testing

@testable import QBOSimulator

/// The start-up banner of `qbo-sim` prints commands that qbsync accepts as written.
@Suite struct SimulatorBannerTests {
    /// The options of `qbsync serve` and `qbsync connect` the banner may use, as declared in
    /// Sources/qbsync/Serve/ServeCommand.swift and Sources/qbsync/Commands/Company/CompanyCommands.swift.
    private static let serveOptions: Set<String> = ["--qbo-base-url"]
    private static let connectOptions: Set<String> = [
        "--company", "--realm", "--client-id", "--client-secret", "--refresh-token",
    ]

    private let realm = RealmCredentials(
        realmId: "9130354839000001", clientId: "qbsync-sim-client", clientSecret: "qbsync-sim-secret",
        refreshToken: "RT1-abc")

    /// The banner lines that start with `qbsync <subcommand>`, split into words.
    private func commands(_ banner: String, _ subcommand: String) -> [[String]] {
        banner.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            .filter { $0.count > 1 && $0[0] == "qbsync" && $0[1] == subcommand }
    }

    private func options(_ words: [String]) -> [String: String] {
        var options: [String: String] = [:]
        var index = 2
        while index < words.count {
            options[words[index]] = index + 1 < words.count ? words[index + 1] : ""
            index += 2
        }
        return options
    }

    @Test func servePointsQbsyncAtTheSimulatorAndConnectCarriesTheRealm() {
        let endpoint = SimulatorEndpoint(baseURL: "http://127.0.0.1:8089", unixSocketPath: nil)
        let banner = SimulatorBanner.text(endpoint: endpoint, credentials: [realm])
        let serve = commands(banner, "serve")
        let connect = commands(banner, "connect")
        #expect(serve.count == 1)
        #expect(connect.count == 1)
        let serveOptions = options(serve.first ?? [])
        #expect(serveOptions == ["--qbo-base-url": "http://127.0.0.1:8089"])
        let connectOptions = options(connect.first ?? [])
        #expect(Set(connectOptions.keys) == Self.connectOptions, "connect has no --qbo-base-url: it would exit 64")
        #expect(connectOptions["--realm"] == realm.realmId)
        #expect(connectOptions["--client-id"] == realm.clientId)
        #expect(connectOptions["--client-secret"] == realm.clientSecret)
        #expect(connectOptions["--refresh-token"] == realm.refreshToken)
        // serve first: connect talks to the running service.
        let lines = banner.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let serveLine = lines.firstIndex { $0.hasPrefix("qbsync serve") } ?? .max
        let connectLine = lines.firstIndex { $0.hasPrefix("qbsync connect") } ?? .min
        #expect(serveLine < connectLine)
    }

    @Test func aUnixSocketSimulatorPrintsNoServeLineQbsyncCannotUse() {
        let endpoint = SimulatorEndpoint(baseURL: "http://localhost", unixSocketPath: "/tmp/qbo.sock")
        let banner = SimulatorBanner.text(endpoint: endpoint, credentials: [realm])
        #expect(commands(banner, "serve").isEmpty)
        #expect(commands(banner, "connect").count == 1)
        #expect(banner.contains("--port"))
    }
}
