import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import QBOSimulator

/// Starting, stopping, running as a Service, and listening on a Unix socket.
@Suite(.timeLimit(.minutes(3))) struct SimulatorLifecycleTests {
    @Test func startIsIdempotentAndStopClosesTheListener() async throws {
        let simulator = QBOSimulator(configuration: SimulatorHarness.roomyConfiguration)
        let endpoint = try await simulator.start()
        #expect(try await simulator.start() == endpoint)
        #expect(endpoint.baseURL.hasPrefix("http://127.0.0.1:"))
        let port = try #require(Int(endpoint.baseURL.split(separator: ":").last ?? ""))
        let before = try await TestHTTPClient.send(.GET, "/admin/realms", to: .tcp(host: "127.0.0.1", port: port))
        #expect(before?.status == 200)
        await simulator.stop()
        await simulator.stop()
        await #expect(throws: (any Error).self) {
            _ = try await TestHTTPClient.send(.GET, "/admin/realms", to: .tcp(host: "127.0.0.1", port: port))
        }
    }

    @Test func servesOverAUnixSocket() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qbo-sim-\(UUID().uuidString.prefix(8)).sock").path
        var configuration = SimulatorHarness.roomyConfiguration
        configuration.unixSocketPath = path
        try await withSimulator(configuration) { qbo in
            #expect(qbo.endpoint.unixSocketPath == path)
            let customer = try await qbo.makeCustomer("Socket Renter")
            #expect(customer["DisplayName"] == "Socket Renter")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func runServesUntilCancelled() async throws {
        let simulator = QBOSimulator(configuration: SimulatorHarness.roomyConfiguration)
        let running = Task { try await simulator.run() }
        let endpoint = try await simulator.start()
        let port = try #require(Int(endpoint.baseURL.split(separator: ":").last ?? ""))
        let reply = try await TestHTTPClient.send(.GET, "/admin/realms", to: .tcp(host: "127.0.0.1", port: port))
        #expect(reply?.status == 200)
        running.cancel()
        try await running.value
        await #expect(throws: (any Error).self) {
            _ = try await TestHTTPClient.send(.GET, "/admin/realms", to: .tcp(host: "127.0.0.1", port: port))
        }
    }

    @Test func aServiceGroupShutsItDownGracefully() async throws {
        let simulator = QBOSimulator(configuration: SimulatorHarness.roomyConfiguration)
        let group = ServiceGroup(services: [simulator], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        _ = try await simulator.start()
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
