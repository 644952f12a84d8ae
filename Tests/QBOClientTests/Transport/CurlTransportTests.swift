import Foundation
import Testing
@testable import QBOClient

/// The libcurl transport against a local scripted server: reuse, limits and every way a response can go wrong.
@Suite("CurlTransport", .timeLimit(.minutes(1)))
struct CurlTransportTests {
    private func get(_ url: String) -> HTTPRequest { HTTPRequest(method: .get, url: url) }

    @Test func keepAliveReusesOneConnection() async throws {
        try await withServer({ _ in .json(200, #"{"ok":true}"#) }) { server in
            try await withTransport { transport in
                for index in 0..<20 {
                    let response = try await transport.send(get("\(server.baseURL)/ping/\(index)"))
                    #expect(response.status == 200)
                    #expect(response.newConnections == (index == 0 ? 1 : 0))
                }
                #expect(transport.connectionsOpened == 1)
                #expect(server.connectionsAccepted == 1)
                #expect(server.requests.count == 20)
            }
        }
    }

    @Test func manyRequestsInFlightAtOnce() async throws {
        try await withServer({ request in
            usleep(100_000)
            return .json(200, #"{"path":"\#(request.path)"}"#)
        }) { server in
            try await withTransport(.init(maxConnectionsPerHost: 10)) { transport in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<20 {
                        group.addTask { try await transport.send(get("\(server.baseURL)/slow/\(index)")).status }
                    }
                    for try await status in group { #expect(status == 200) }
                }
                // Each answer takes 100 ms, so requests sent together run on
                // several connections at once (serially, one would do), never
                // more than the ten allowed. (Counted, not timed: the machine is shared.)
                #expect(transport.connectionsOpened > 1)
                #expect(transport.connectionsOpened <= 10)
            }
        }
    }

    @Test func withoutAPerHostCapRequestsToOneHostAreNotHeldToTen() async throws {
        // Many realms, one host: the engine caps each realm itself and passes 0.
        try await withServer({ request in
            usleep(200_000)
            return .json(200, #"{"path":"\#(request.path)"}"#)
        }) { server in
            try await withTransport(.init(maxConnectionsPerHost: 0, maxTotalConnections: 100)) { transport in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<30 {
                        group.addTask { try await transport.send(get("\(server.baseURL)/slow/\(index)")).status }
                    }
                    for try await status in group { #expect(status == 200) }
                }
                // Thirty answers of 200 ms sent together: more than ten connections at once.
                #expect(transport.connectionsOpened > 10)
                #expect(transport.connectionsOpened <= 30)
            }
        }
    }

    @Test func postSendsBodyAndHeadersButNoExpect() async throws {
        try await withServer({ request in .json(200, String(decoding: request.body, as: UTF8.self)) }) { server in
            try await withTransport { transport in
                let body = Data(String(repeating: "x", count: 200_000).utf8)
                var request = HTTPRequest(method: .post, url: "\(server.baseURL)/echo", headers: [HTTPHeader("X-Test", "1")], body: body)
                request.authorization = Secret("Bearer abc")
                let response = try await transport.send(request)
                #expect(response.body == body)
                let received = try #require(server.requests.first)
                #expect(received.headers["x-test"] == "1")
                #expect(received.headers["authorization"] == "Bearer abc")
                #expect(received.headers["expect"] == nil)
            }
        }
    }

    @Test func unixDomainSocket() async throws {
        let path = NSTemporaryDirectory() + "qbo-\(UUID().uuidString.prefix(8)).sock"
        try await withServer(unixSocketPath: path, { _ in .json(200, #"{"via":"unix"}"#) }) { server in
            try await withTransport(.init(unixSocketPath: path)) { transport in
                let response = try await transport.send(get("http://qbo.local/v3/company/1/companyinfo/1"))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == #"{"via":"unix"}"#)
                #expect(server.requests.first?.headers["host"] == "qbo.local")
            }
        }
    }

    @Test func fiftyMegabyteBodyHitsTheCap() async throws {
        try await withServer({ _ in .streamBody(totalBytes: 50 * 1024 * 1024) }) { server in
            try await withTransport { transport in
                let error = await expectQBOError { _ = try await transport.send(get("\(server.baseURL)/huge")) }
                #expect(error?.kind == .invalidResponse)
                #expect(error?.transportFailure?.reason == .responseTooLarge)
                // The transfer stops at the 10 MiB cap: the server could write
                // no more than that plus the sockets' buffers, never all 50 MB.
                // (Counted at the server: resident memory is shared with the
                // tests running beside this one.)
                try await Task.sleep(for: .milliseconds(200))
                #expect(server.bodyBytesSent < 20 * 1024 * 1024, "the server wrote \(server.bodyBytesSent >> 20) MiB")
            }
        }
    }

    @Test func capAppliesWithoutContentLengthToo() async throws {
        // Chunked bodies have no length up front, so only the write callback can stop them.
        try await withServer({ _ in .endlessBody }) { server in
            try await withTransport(.init(timeout: .seconds(20), maxResponseBytes: 16)) { transport in
                var request = get("\(server.baseURL)/trickle")
                request.maxResponseBytes = 16
                let error = await expectQBOError { _ = try await transport.send(request) }
                #expect(error?.transportFailure?.reason == .responseTooLarge)
            }
        }
    }

    @Test func bodyThatNeverEndsTimesOut() async throws {
        try await withServer({ _ in .endlessBody }) { server in
            try await withTransport(.init(timeout: .milliseconds(500))) { transport in
                let started = ContinuousClock.now
                let error = await expectQBOError {
                    _ = try await transport.send(HTTPRequest(method: .post, url: "\(server.baseURL)/invoice", body: Data("{}".utf8)))
                }
                #expect(error?.kind == .transient)
                #expect(error?.transportFailure?.reason == .timedOut)
                #expect(error?.outcomeUnknown == true, "the write was sent; only its answer was lost")
                #expect(ContinuousClock.now - started < .seconds(5))
            }
        }
    }

    @Test func silentServerTimesOutAndReadsAreNotUnknown() async throws {
        try await withServer({ _ in .hang }) { server in
            try await withTransport(.init(timeout: .milliseconds(300))) { transport in
                let error = await expectQBOError { _ = try await transport.send(get("\(server.baseURL)/read")) }
                #expect(error?.transportFailure?.reason == .timedOut)
                #expect(error?.outcomeUnknown == false)
            }
        }
    }

    @Test func connectionRefused() async throws {
        // Bind and close a server to get a port with nobody listening.
        let server = try ScriptedHTTPServer { _ in .closeWithoutResponse }
        let url = "\(server.baseURL)/refused"
        server.stop()
        try await withTransport { transport in
            let error = await expectQBOError {
                _ = try await transport.send(HTTPRequest(method: .post, url: url, body: Data("{}".utf8)))
            }
            #expect(error?.kind == .transient)
            #expect(error?.transportFailure?.reason == .connectFailed)
            #expect(error?.transportFailure?.requestFullySent == false)
            #expect(error?.outcomeUnknown == false, "nothing reached a server")
        }
    }

    @Test func emptyReplyToAWriteIsOutcomeUnknown() async throws {
        try await withServer({ _ in .closeWithoutResponse }) { server in
            try await withTransport { transport in
                let error = await expectQBOError {
                    _ = try await transport.send(HTTPRequest(method: .post, url: "\(server.baseURL)/invoice", body: Data(#"{"a":1}"#.utf8)))
                }
                #expect(error?.kind == .transient)
                #expect(error?.transportFailure?.reason == .emptyReply)
                #expect(error?.outcomeUnknown == true)
            }
        }
    }

    @Test func resetAfterRequestIsOutcomeUnknown() async throws {
        try await withServer({ _ in .reset }) { server in
            try await withTransport { transport in
                let error = await expectQBOError {
                    _ = try await transport.send(HTTPRequest(method: .post, url: "\(server.baseURL)/payment", body: Data(#"{"a":1}"#.utf8)))
                }
                #expect(error?.kind == .transient)
                #expect([TransportFailure.Reason.connectionLost, .emptyReply].contains(error?.transportFailure?.reason))
                #expect(error?.outcomeUnknown == true)
            }
        }
    }

    @Test func cancellingTheTaskRemovesTheTransfer() async throws {
        try await withServer({ request in request.path == "/hang" ? .hang : .json(200, "{}") }) { server in
            try await withTransport(.init(timeout: .seconds(30))) { transport in
                let task = Task { try await transport.send(get("\(server.baseURL)/hang")) }
                try await Task.sleep(for: .milliseconds(200))
                let started = ContinuousClock.now
                task.cancel()
                do {
                    _ = try await task.value
                    Issue.record("a cancelled request must not succeed")
                } catch let error as QBOError {
                    #expect(error.kind == .cancelled)
                    #expect(error.transportFailure?.reason == .cancelled)
                }
                #expect(ContinuousClock.now - started < .seconds(10))  // well before the 30 s timeout
                // The loop keeps serving after a cancellation.
                #expect(try await transport.send(get("\(server.baseURL)/after")).status == 200)
            }
        }
    }

    @Test func alreadyCancelledTaskNeverSends() async throws {
        try await withServer({ _ in .json(200, "{}") }) { server in
            try await withTransport { transport in
                let task = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await transport.send(get("\(server.baseURL)/never"))
                }
                let error = await expectQBOError { _ = try await task.value }
                #expect(error?.kind == .cancelled)
                #expect(error?.transportFailure?.requestFullySent == false)
                try await Task.sleep(for: .milliseconds(100))
                #expect(server.requests.isEmpty)
            }
        }
    }

    @Test func shutdownFailsLaterRequests() async throws {
        try await withServer({ _ in .json(200, "{}") }) { server in
            let transport = try CurlTransport()
            #expect(try await transport.send(get("\(server.baseURL)/one")).status == 200)
            await transport.shutdown()
            await transport.shutdown()
            let error = await expectQBOError { _ = try await transport.send(get("\(server.baseURL)/two")) }
            #expect(error?.transportFailure?.reason == .shutDown)
        }
    }

    @Test func shutdownFailsRequestsInFlight() async throws {
        try await withServer({ _ in .hang }) { server in
            let transport = try CurlTransport()
            let task = Task { try await transport.send(get("\(server.baseURL)/hang")) }
            try await Task.sleep(for: .milliseconds(200))
            await transport.shutdown()
            let error = await expectQBOError { _ = try await task.value }
            #expect(error?.transportFailure?.reason == .shutDown)
        }
    }

    @Test func requestDescriptionHidesCredentialsAndQuery() {
        var request = HTTPRequest(method: .get, url: "https://qbo.test/v3/company/1/query?query=SELECT%20secret")
        request.authorization = Secret("Bearer very-secret-token")
        for text in [request.description, String(reflecting: request), "\(request)"] {
            #expect(!text.contains("very-secret-token"))
            #expect(!text.contains("SELECT"))
        }
        var dumped = ""
        dump(request, to: &dumped)
        #expect(!dumped.contains("very-secret-token"))
    }
}
