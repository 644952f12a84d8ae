import Foundation
import QBSyncClient
import QBSyncWire
import Testing

@testable import QBSyncRPC

/// Calls as a user of the client sees them: unary, streams, deadlines, cancellation.
@Suite(.timeLimit(.minutes(3))) struct CallTests {
    @Test func unaryEchoAndTypedErrors() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let reply = try await client.unary(EchoService.echo, Envelope.Message(payload: Array(repeating: 7, count: 1024)))
        #expect(reply.payload.count == 1024)
        let error = await #expect(throws: RPCError.self) {
            try await client.unary(EchoService.fail, Envelope.Message(payload: Array("needs a new invoice".utf8)))
        }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message == "needs a new invoice")
        await client.close()
        await server.stop()
    }

    @Test func deadlineExceededEndsTheCallAndCancelsTheHandler() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let started = ContinuousClock.now
        let error = await #expect(throws: RPCError.self) {
            try await client.unary(EchoService.sleep, Envelope.Ping(opaque: 10_000), options: CallOptions(timeout: .milliseconds(150)))
        }
        #expect(error?.code == .deadlineExceeded)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(await server.probe.waitUntil { $0.cancelledCount == 1 })
        try await client.ping()
        await client.close()
        await server.stop()
    }

    @Test func taskCancellationCancelsTheServerHandler() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let call = Task { try await client.unary(EchoService.sleep, Envelope.Ping(opaque: 60_000)) }
        #expect(await server.probe.waitUntil { $0.startedCount == 1 })
        call.cancel()
        let result = await call.result
        #expect((try? result.get()) == nil)
        #expect((result.failure as? RPCError)?.code == .cancelled)
        #expect(await server.probe.waitUntil { $0.cancelledCount == 1 })
        await client.close()
        await server.stop()
    }

    @Test func serverStreamingDeliversEveryMessageInOrderWithFlowControl() async throws {
        let server = try await TestServer.start()
        let client = try await server.client { $0.streamWindow = 8 }
        var received: [UInt64] = []
        for try await ping in client.serverStreaming(EchoService.count, Envelope.Ping(opaque: 1000)) {
            received.append(ping.opaque)
        }
        #expect(received == Array(0..<1000))
        await client.close()
        await server.stop()
    }

    @Test func streamThatFinishesBehindTheWindowStillDeliversEverything() async throws {
        let server = try await TestServer.start()
        let client = try await server.client { $0.streamWindow = 8 }
        var iterator = client.serverStreaming(EchoService.count, Envelope.Ping(opaque: 50)).makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first?.opaque == 0)
        // By now the handler has returned with 41 messages queued behind the window.
        try await Task.sleep(for: .milliseconds(300))
        var received: [UInt64] = [0]
        while let ping = try await iterator.next() { received.append(ping.opaque) }
        #expect(received == Array(0..<50))
        await client.close()
        await server.stop()
    }

    @Test func breakingOutOfAStreamCancelsItOnTheServer() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        var seen = 0
        for try await _ in client.serverStreaming(EchoService.endless, Envelope.Ping()) {
            seen += 1
            if seen == 10 { break }
        }
        #expect(await server.probe.waitUntil { $0.cancelledCount == 1 })
        try await client.ping()
        await client.close()
        await server.stop()
    }

    @Test func gracefulShutdownLetsInFlightCallsFinishAndRemovesTheSocket() async throws {
        let server = try await TestServer.start { $0.drainTimeout = .seconds(10) }
        let client = try await server.client()
        let call = Task { try await client.unary(EchoService.sleep, Envelope.Ping(opaque: 300)) }
        #expect(await server.probe.waitUntil { $0.startedCount == 1 })
        let stream = client.serverStreaming(EchoService.endless, Envelope.Ping())
        let subscriber = Task { () -> RPCError? in
            do { for try await _ in stream {} } catch let error as RPCError { return error } catch {}
            return nil
        }
        #expect(await server.probe.waitUntil { $0.startedCount == 2 })
        await server.stop()
        let reply = try await call.value
        #expect(reply.opaque == 300)
        #expect(await server.probe.finishedCount == 1)
        #expect(await subscriber.value?.code == .unavailable)
        #expect(!FileManager.default.fileExists(atPath: server.socketPath))
        await #expect(throws: RPCError.self) { try await client.ping() }
    }

    @Test func clientReconnectsAfterTheServerRestarts() async throws {
        let first = try await TestServer.start()
        let client = try await first.client()
        try await client.ping()
        await first.stop()
        let path = first.socketPath
        let router = EchoService.router(probe: CallProbe())
        let second = RPCServer(configuration: RPCServerConfiguration(socketPath: path), router: router)
        let run = Task { try await second.run() }
        try await second.waitUntilRunning()
        let reply = try await client.unary(EchoService.echo, Envelope.Message(payload: [9]))
        #expect(reply.payload == [9])
        await client.close()
        await second.shutdown()
        _ = try? await run.value
    }

    @Test func staleSocketFileIsReplacedButALiveServerIsNotTakenOver() async throws {
        let server = try await TestServer.start()
        let intruder = RPCServer(configuration: RPCServerConfiguration(socketPath: server.socketPath), router: RPCRouter())
        await #expect(throws: RPCServerError.self) { try await intruder.run() }
        try await server.assertServing()
        await server.stop()

        // A crashed server leaves its socket file behind: bind a socket and never listen.
        let path = TestServer.temporarySocketPath()
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(fd)
        #expect(FileManager.default.fileExists(atPath: path))
        let replacement = RPCServer(configuration: RPCServerConfiguration(socketPath: path), router: EchoService.router(probe: CallProbe()))
        let run = Task { try await replacement.run() }
        try await replacement.waitUntilRunning()
        let client = try await QBSyncClient(socketPath: path)
        try await client.ping()
        await client.close()
        await replacement.shutdown()
        _ = try? await run.value
    }

    @Test func socketFileHasTheConfiguredMode() async throws {
        let server = try await TestServer.start()
        let attributes = try FileManager.default.attributesOfItem(atPath: server.socketPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)
        await server.stop()
    }

    @Test func connectingToNothingIsUnavailable() async throws {
        let error = await #expect(throws: RPCError.self) {
            _ = try await QBSyncClient(socketPath: TestServer.temporarySocketPath())
        }
        #expect(error?.code == .unavailable)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
