import Foundation
import NIOCore
import QBSyncClient
import QBSyncRPC
import QBSyncWire

/// A server on a temporary socket with the echo service, for one test.
struct TestServer {
    let server: RPCServer
    let socketPath: String
    let probe: CallProbe
    private let runTask: Task<Void, any Error>

    static func temporarySocketPath() -> String {
        let directory = FileManager.default.temporaryDirectory.path
        return "\(directory)/qbsync-test-\(UUID().uuidString.prefix(8)).sock"
    }

    static func start(_ configure: (inout RPCServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        let path = Self.temporarySocketPath()
        var configuration = RPCServerConfiguration(socketPath: path)
        configure(&configuration)
        let probe = CallProbe()
        let server = RPCServer(configuration: configuration, router: EchoService.router(probe: probe))
        let task = Task { try await server.run() }
        try await server.waitUntilRunning()
        return TestServer(server: server, socketPath: configuration.socketPath, probe: probe, runTask: task)
    }

    func client(_ configure: (inout ClientConfiguration) -> Void = { _ in }) async throws -> QBSyncClient {
        var configuration = ClientConfiguration()
        configure(&configuration)
        return try await QBSyncClient(socketPath: self.socketPath, configuration: configuration)
    }

    /// Proves the server still serves: a fresh connection pings and echoes.
    func assertServing() async throws {
        let client = try await self.client()
        defer { Task { await client.close() } }
        try await client.ping()
        let reply = try await client.unary(EchoService.echo, Envelope.Message(payload: [1, 2, 3]))
        guard reply.payload == [1, 2, 3] else { throw RPCError(code: .internal, message: "echo mismatch") }
    }

    func stop() async {
        await self.server.shutdown()
        _ = try? await self.runTask.value
    }
}
