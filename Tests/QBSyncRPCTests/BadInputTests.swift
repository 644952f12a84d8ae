import Foundation
import Logging
import NIOCore
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

@testable import QBSyncRPC

/// Hostile and broken clients: each gets an exact outcome, and the server
/// keeps serving everyone else.
@Suite(.timeLimit(.minutes(3))) struct BadInputTests {
    private func goAway(_ frame: Envelope.Frame?) -> Envelope.GoAway? {
        if case .goaway(let goAway)? = frame?.kind { return goAway }
        return nil
    }

    private func status(_ frame: Envelope.Frame?) -> Envelope.Status? {
        if case .status(let status)? = frame?.kind { return status }
        return nil
    }

    private func helloed(_ server: TestServer) async throws -> RawPeer {
        try await RawPeer.helloed(path: server.socketPath)
    }

    @Test func truncatedFrameThenEOFClosesOnlyThatConnection() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        raw.send([0, 0, 0, 100, 1, 2, 3])
        raw.shutdownWrite()
        #expect(await raw.isClosedByServer())
        try await server.assertServing()
        await server.stop()
    }

    @Test func lengthPrefixOverTheLimitGetsFrameTooLarge() async throws {
        let server = try await TestServer.start { $0.maxFrameSize = 1024 }
        let raw = try await self.helloed(server)
        raw.send([0, 0, 0x10, 0])  // 4096 > 1024, and no body follows
        let goAway = try #require(self.goAway(try await raw.readFrame()))
        #expect(goAway.reason == .frameTooLarge)
        #expect(goAway.code == RPCError.Code.resourceExhausted.rawValue)
        #expect(await raw.isClosedByServer())
        try await server.assertServing()
        await server.stop()
    }

    @Test func hugeLengthPrefixIsRefusedBeforeAnyBodyArrives() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        raw.send([0xFF, 0xFF, 0xFF, 0xFF])
        #expect(self.goAway(try await raw.readFrame())?.reason == .frameTooLarge)
        try await server.assertServing()
        await server.stop()
    }

    @Test func zeroLengthFrameIsAFrameWithNoKind() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        raw.send([0, 0, 0, 0])
        let goAway = try #require(self.goAway(try await raw.readFrame()))
        #expect(goAway.reason == .protocolError)
        #expect(goAway.message.contains("no kind"))
        try await server.assertServing()
        await server.stop()
    }

    @Test func bytesThatAreNotProtobufGetProtocolError() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        raw.send([0, 0, 0, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        let goAway = try #require(self.goAway(try await raw.readFrame()))
        #expect(goAway.reason == .protocolError)
        #expect(goAway.message.contains("not a valid"))
        try await server.assertServing()
        await server.stop()
    }

    @Test func frameWithNoKindGetsProtocolError() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        raw.send(Envelope.Frame(streamID: 3, kind: nil))
        #expect(self.goAway(try await raw.readFrame())?.reason == .protocolError)
        try await server.assertServing()
        await server.stop()
    }

    @Test func anythingBeforeHelloIsAProtocolError() async throws {
        let server = try await TestServer.start()
        let raw = try RawPeer(path: server.socketPath)
        raw.send(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: EchoService.echo.path))))
        #expect(self.goAway(try await raw.readFrame())?.reason == .protocolError)
        await server.stop()
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let unknown = RPCMethod<Envelope.Ping, Envelope.Ping>(path: "/qbsync.v1.QuickBooksSync/NoSuchThing", kind: .unary)
        let error = await #expect(throws: RPCError.self) { try await client.unary(unknown, Envelope.Ping()) }
        #expect(error?.code == .unimplemented)
        #expect(error?.message.contains("/qbsync.v1.QuickBooksSync/NoSuchThing") == true)
        try await client.ping()
        await server.stop()
    }

    @Test func messageForAStreamNeverOpenedIsRejected() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        raw.send(Envelope.Frame(streamID: 9, kind: .message(Envelope.Message(payload: [1], endOfStream: true))))
        let status = try #require(self.status(try await raw.readUntilEnd(of: 9)))
        #expect(status.code == RPCError.Code.failedPrecondition.rawValue)
        #expect(status.message.contains("never opened"))
        raw.send(Envelope.Frame(streamID: 0, kind: .ping(Envelope.Ping(opaque: 77))))
        guard case .pong(let pong)? = try await raw.readFrame()?.kind else { Issue.record("no pong"); return }
        #expect(pong.opaque == 77)
        await server.stop()
    }

    @Test func secondOpenOnALiveStreamEndsItWithAlreadyExists() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        let open = Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: EchoService.sleep.path)))
        raw.send(open)
        raw.send(Envelope.Frame(streamID: 1, kind: .message(Envelope.Message(payload: Envelope.Ping(opaque: 60_000).packed(), endOfStream: true))))
        #expect(await server.probe.waitUntil { $0.startedCount == 1 })
        raw.send(open)
        let status = try #require(self.status(try await raw.readUntilEnd(of: 1)))
        #expect(status.code == RPCError.Code.alreadyExists.rawValue)
        #expect(await server.probe.waitUntil { $0.cancelledCount == 1 })
        try await server.assertServing()
        await server.stop()
    }

    @Test func messageAfterEndOfStreamIsRejected() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        raw.send(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: EchoService.sleep.path))))
        let request = Envelope.Message(payload: Envelope.Ping(opaque: 60_000).packed(), endOfStream: true)
        raw.send(Envelope.Frame(streamID: 1, kind: .message(request)))
        raw.send(Envelope.Frame(streamID: 1, kind: .message(request)))
        let status = try #require(self.status(try await raw.readUntilEnd(of: 1)))
        #expect(status.code == RPCError.Code.failedPrecondition.rawValue)
        #expect(status.message.contains("after end of stream"))
        #expect(await server.probe.waitUntil { $0.cancelledCount == 1 })
        await server.stop()
    }

    @Test func cancelOfAnUnknownStreamIsIgnored() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        raw.send(Envelope.Frame(streamID: 41, kind: .cancel(Envelope.Cancel(reason: "nothing"))))
        raw.send(Envelope.Frame(streamID: 0, kind: .ping(Envelope.Ping(opaque: 5))))
        guard case .pong(let pong)? = try await raw.readFrame()?.kind else { Issue.record("expected only a pong"); return }
        #expect(pong.opaque == 5)
        await server.stop()
    }

    @Test func clientThatSendsNothingIsClosedAfterTheHandshakeTimeout() async throws {
        let server = try await TestServer.start { $0.handshakeTimeout = .seconds(3) }  // long enough for assertServing's own Hello on a loaded machine
        let raw = try RawPeer(path: server.socketPath)
        let goAway = try #require(self.goAway(try await raw.readFrame(timeout: .seconds(20))))
        #expect(goAway.reason == .handshakeTimeout)
        #expect(await raw.isClosedByServer())
        try await server.assertServing()
        await server.stop()
    }

    @Test func wrongProtocolVersionGetsVersionMismatch() async throws {
        let server = try await TestServer.start()
        let raw = try RawPeer(path: server.socketPath)
        raw.sendHello(version: 2)
        let goAway = try #require(self.goAway(try await raw.readFrame()))
        #expect(goAway.reason == .versionMismatch)
        #expect(goAway.message.contains("version 1"))
        #expect(await raw.isClosedByServer())
        try await server.assertServing()
        await server.stop()
    }

    @Test func peerNotOnTheAllowlistIsDenied() async throws {
        let server = try await TestServer.start { $0.allowedUIDs = [424_242]; $0.allowedGIDs = [424_242] }
        let error = await #expect(throws: RPCError.self) { _ = try await server.client() }
        #expect(error?.code == .permissionDenied)
        let raw = try RawPeer(path: server.socketPath)
        #expect(self.goAway(try await raw.readFrame())?.reason == .permissionDenied)
        await server.stop()
        let open = try await TestServer.start { $0.allowedUIDs = [getuid()] }
        try await open.assertServing()
        await open.stop()
    }

    @Test func clientDisconnectingMidCallCancelsTheHandler() async throws {
        let server = try await TestServer.start()
        do {
            let raw = try await self.helloed(server)
            raw.send(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: EchoService.sleep.path))))
            raw.send(Envelope.Frame(streamID: 1, kind: .message(Envelope.Message(payload: Envelope.Ping(opaque: 60_000).packed(), endOfStream: true))))
            #expect(await server.probe.waitUntil { $0.startedCount == 1 })
        }  // raw closes here
        #expect(await server.probe.waitUntil { $0.cancelledCount == 1 })
        try await server.assertServing()
        await server.stop()
    }

    @Test func streamingClientThatNeverReadsHoldsBoundedMemory() async throws {
        let server = try await TestServer.start { $0.maxBufferedMessagesPerStream = 16 }
        let raw = try await self.helloed(server)
        raw.send(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: EchoService.endless.path, initialWindow: 8))))
        raw.send(Envelope.Frame(streamID: 1, kind: .message(Envelope.Message(payload: Envelope.Ping().packed(), endOfStream: true))))
        #expect(await server.probe.waitUntil { $0.written >= 8 })
        // Window (8) + buffer (16) + the one write in progress, then the handler waits.
        var written = await server.probe.written
        var stable = 0
        while stable < 10 {
            try await Task.sleep(for: .milliseconds(50))
            let now = await server.probe.written
            stable = now == written ? stable + 1 : 0
            written = now
            #expect(written <= 8 + 16 + 1)
            if written > 8 + 16 + 1 { break }
        }
        #expect(written >= 8)
        try await server.assertServing()
        await server.stop()
        #expect(await server.probe.waitUntil { $0.cancelledCount == 1 })
    }

    @Test func fiveThousandConcurrentStreamsOnOneConnection() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<5000 {
                group.addTask {
                    let payload = Array("call-\(index)".utf8)
                    return try await client.unary(EchoService.echo, Envelope.Message(payload: payload)).payload == payload
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 5000)
        #expect(results.allSatisfy { $0 })
        #expect(await server.server.connectionCount == 1)
        await client.close()
        await server.stop()
    }

    @Test func streamsOverTheLimitAreResourceExhausted() async throws {
        let server = try await TestServer.start { $0.maxConcurrentStreams = 2 }
        let raw = try await self.helloed(server)
        for id: UInt32 in [1, 3, 5] {
            raw.send(Envelope.Frame(streamID: id, kind: .open(Envelope.OpenCall(method: EchoService.sleep.path))))
        }
        let status = try #require(self.status(try await raw.readUntilEnd(of: 5)))
        #expect(status.code == RPCError.Code.resourceExhausted.rawValue)
        await server.stop()
    }

    @Test func tooManyConnectionsAreRefused() async throws {
        let server = try await TestServer.start { $0.maxConnections = 1 }
        let first = try await self.helloed(server)
        let second = try RawPeer(path: server.socketPath)
        #expect(self.goAway(try await second.readFrame())?.reason == .tooManyConnections)
        first.send(Envelope.Frame(streamID: 0, kind: .ping(Envelope.Ping(opaque: 1))))
        guard case .pong? = try await first.readFrame()?.kind else { Issue.record("first connection stopped working"); return }
        await server.stop()
    }

    @Test func requestThatIsNotTheMethodsMessageIsInvalidArgument() async throws {
        let server = try await TestServer.start()
        let raw = try await self.helloed(server)
        raw.send(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: EchoService.sleep.path))))
        raw.send(Envelope.Frame(streamID: 1, kind: .message(Envelope.Message(payload: [0xFF, 0xFF, 0xFF], endOfStream: true))))
        let status = try #require(self.status(try await raw.readUntilEnd(of: 1)))
        #expect(status.code == RPCError.Code.invalidArgument.rawValue)
        #expect(status.message.contains("qbsync.rpc.v1.Ping"))
        await server.stop()
    }

    @Test func largeRequestsAreDecodedAndHandledOffTheEventLoop() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let small = try await client.unary(EchoService.whereRun, Envelope.Message(payload: [1, 2, 3]))
        #expect(small.payload == [1])
        let large = try await client.unary(EchoService.whereRun, Envelope.Message(payload: Array(repeating: 7, count: RPCRouter.largeRequestBytes + 1)))
        #expect(large.payload == [0])
        await client.close()
        await server.stop()
    }

    @Test func connectionErrorLinesAreThrottled() {
        let throttle = LogThrottle(perSecond: 0.001, burst: 3)
        var logger = Logger(label: "throttle-test")
        logger.logLevel = .critical
        for _ in 0..<10 { throttle.log(logger, "closing connection") }
        #expect(throttle.suppressedCount == 7)
    }
}
