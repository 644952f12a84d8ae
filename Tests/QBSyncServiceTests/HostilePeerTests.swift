import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

@testable import QBSyncRPC

/// Hostile and careless peers against the whole service: each abuse gets
/// its exact status or GoAway, nothing it sent is stored changed, and a fresh
/// client still gets GetHealth afterwards.
@Suite(.timeLimit(.minutes(5))) struct HostilePeerTests {
    static let syncInvoicePath = QuickBooksSync.Method.syncInvoice.path
    static let streamEventsPath = QuickBooksSync.Method.streamSyncEvents.path

    // MARK: Helpers

    /// `message` packed with the bytes of `placeholder` (which must occur
    /// once) replaced by `bytes` of the same length: how a peer sends what a
    /// Swift String cannot hold or libprotobuf-c would not pack.
    func packed<M: WireMessage>(_ message: M, replacing placeholder: String, with bytes: [UInt8]) throws -> [UInt8] {
        let needle = Array(placeholder.utf8)
        precondition(needle.count == bytes.count)
        var packed = message.packed()
        let start = try #require((0...(packed.count - needle.count)).first { Array(packed[$0..<($0 + needle.count)]) == needle })
        packed.replaceSubrange(start..<(start + needle.count), with: bytes)
        return packed
    }

    func status(_ frame: Envelope.Frame?) -> Envelope.Status? {
        if case .status(let status)? = frame?.kind { return status }
        return nil
    }

    func goAway(_ frame: Envelope.Frame?) -> Envelope.GoAway? {
        if case .goaway(let goAway)? = frame?.kind { return goAway }
        return nil
    }

    /// A new client on a new connection gets GetHealth: the service still serves.
    func assertFreshClientGetsHealth(_ socketPath: String) async throws {
        let client = try await QBSyncClient(socketPath: socketPath)
        _ = try await client.getHealth(GetHealthRequest())
        await client.close()
    }

    func invoiceRequest(_ id: String, quantity: String = "3", company: String = "acme") -> SyncInvoiceRequest {
        let amount = Int64(quantity)! * 12_500
        return SyncInvoiceRequest(companyID: company, invoice: Fixtures.invoice(id, customer: "c1", quantity: quantity, amountMinor: amount))
    }

    // MARK: 1. Strings are decoded from their length

    @Test func idsThatDifferOnlyAfterANulOrInInvalidUTF8NeverAliasARecord() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.connect("acme")
        _ = try await harness.client.syncInvoice(self.invoiceRequest("INV-100", quantity: "5"))
        let before = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "INV-100"))).record
        let peer = try await RawPeer.helloed(path: harness.socketPath)

        // "INV-100\0dup" with another quantity: once, it overwrote INV-100.
        let nul = try self.packed(self.invoiceRequest("INV-100Xdup", quantity: "7"), replacing: "INV-100Xdup", with: Array("INV-100".utf8) + [0] + Array("dup".utf8))
        peer.call(streamID: 1, method: Self.syncInvoicePath, request: nul)
        let refused = try #require(self.status(try await peer.readUntilEnd(of: 1)))
        #expect(refused.code == RPCError.Code.invalidArgument.rawValue)
        #expect(refused.message == "invoice.external_id: contains a NUL character; strings must be UTF-8 without NUL characters")
        #expect(refused.error?.detail(FieldViolation.self)?.field == "invoice.external_id")

        // Two ids with different invalid bytes became one record once.
        for (stream, bytes) in [(UInt32(3), [UInt8]([0x49, 0xFF])), (5, [0x49, 0xFE])] {
            let request = try self.packed(self.invoiceRequest("INV-ZZ"), replacing: "INV-ZZ", with: Array("INV-".utf8) + bytes)
            peer.call(streamID: stream, method: Self.syncInvoicePath, request: request)
            let status = try #require(self.status(try await peer.readUntilEnd(of: stream)))
            #expect(status.code == RPCError.Code.invalidArgument.rawValue)
            #expect(status.message.hasPrefix("invoice.external_id: is not valid UTF-8"))
        }

        // A nested string, a line's description.
        let line = try self.packed(self.invoiceRequest("INV-200"), replacing: "20x20 tent", with: Array("20x20".utf8) + [0xC0, 0x80] + Array("ent".utf8))
        peer.call(streamID: 7, method: Self.syncInvoicePath, request: line)
        let nested = try #require(self.status(try await peer.readUntilEnd(of: 7)))
        #expect(nested.message.hasPrefix("invoice.lines[0].description: is not valid UTF-8"))

        // "acme\0x" reached company acme once.
        let company = try self.packed(self.invoiceRequest("INV-300", company: "acmeXx"), replacing: "acmeXx", with: Array("acme".utf8) + [0] + [0x78])
        peer.call(streamID: 9, method: Self.syncInvoicePath, request: company)
        let companyStatus = try #require(self.status(try await peer.readUntilEnd(of: 9)))
        #expect(companyStatus.message.hasPrefix("company_id: contains a NUL character"))

        // A method path with a NUL was served as GetHealth once.
        let health = GetHealthRequest().packed()
        let frame = try self.packed(
            Envelope.Frame(streamID: 11, kind: .open(Envelope.OpenCall(method: QuickBooksSync.Method.getHealth.path + "XEvil"))),
            replacing: "GetHealthXEvil", with: Array("GetHealth".utf8) + [0] + Array("Evil".utf8)
        )
        peer.send(ByteBufferWriter.lengthPrefixed(frame))
        peer.send(Envelope.Frame(streamID: 11, kind: .message(Envelope.Message(payload: health, endOfStream: true))))
        let method = try #require(self.status(try await peer.readUntilEnd(of: 11)))
        #expect(method.code == RPCError.Code.unimplemented.rawValue)

        // Nothing was stored: one invoice, unchanged.
        let after = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "INV-100"))).record
        #expect(after?.contentHash == before?.contentHash)
        let records = try await harness.client.listRecords(ListRecordsRequest(companyID: "acme", entity: .invoice))
        #expect(records.records.map(\.ref?.externalID) == ["INV-100"])

        // The Swift client refuses to send what it cannot send unchanged.
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.syncInvoice(self.invoiceRequest("INV-100\0dup"))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.detail(FieldViolation.self)?.field == "invoice.external_id")
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        await harness.stop()
    }

    // MARK: 2. Closed connections are freed

    @Test func closedConnectionsFreeTheirHandlerAndWhatItHeld() async throws {
        let harness = try await ServiceHarness.start()
        let baseline = harness.server.rpcServer.liveConnectionHandlers
        for round in 0..<3 {
            for index in 0..<100 {
                let peer = try await RawPeer.helloed(path: harness.socketPath)
                // An opened call holding 8 KiB of metadata, never sent its request.
                let metadata = [Envelope.MetadataEntry(key: "x-pad", value: String(repeating: "m", count: 8 * 1024))]
                peer.send(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: QuickBooksSync.Method.getHealth.path, metadata: metadata))))
                peer.send(Envelope.Frame(streamID: 0, kind: .ping(Envelope.Ping(opaque: UInt64(round * 1000 + index)))))
                _ = try await peer.readFrame()  // the pong: both frames were read
            }
        }
        var live = harness.server.rpcServer.liveConnectionHandlers
        for _ in 0..<200 where live > baseline {
            try await Task.sleep(for: .milliseconds(50))
            live = harness.server.rpcServer.liveConnectionHandlers
        }
        #expect(live == baseline, "handlers of closed connections still alive: \(live - baseline)")
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        await harness.stop()
    }

    // MARK: 3. A peer that never reads

    @Test func aPeerThatNeverReadsIsNoLongerReadThenDisconnected() async throws {
        let harness = try await ServiceHarness.start { configuration in
            configuration.rpc.outboundBudget = 128 * 1024
            configuration.rpc.outboundGracePeriod = .seconds(2)
        }
        let peer = try await RawPeer.helloed(path: harness.socketPath)
        peer.setReceiveBufferSize(4096)
        #expect(try await Self.pingWithoutReading(peer, until: { harness.server.rpcServer.connectionsNotRead == 1 }, for: .seconds(30)),
                "the server kept reading a peer that never reads")
        // After the grace period the server ends the connection with GoAway.
        // Still reading nothing, the peer sees the server hang up after the
        // grace period. (Its GoAway is queued behind the answers the peer never
        // read, so it may not arrive; the connection's end does.)
        #expect(await peer.waitForHangUp(timeout: .seconds(60)))
        let (frames, closed) = try await peer.drainUntilClosed(timeout: .seconds(30))
        #expect(closed)
        for goAway in frames.compactMap(self.goAway) {
            #expect(goAway.code == RPCError.Code.resourceExhausted.rawValue)
            #expect(goAway.message.contains("did not read"))
        }
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        await harness.stop()
    }

    @Test func aPeerThatNeverReadsIsNoLongerReadWhileWithinItsGracePeriod() async throws {
        let harness = try await ServiceHarness.start { configuration in
            configuration.rpc.outboundBudget = 128 * 1024
            configuration.rpc.outboundGracePeriod = .seconds(600)
        }
        let peer = try await RawPeer.helloed(path: harness.socketPath)
        peer.setReceiveBufferSize(4096)
        // A server that kept reading would answer every ping for the whole 30 s.
        #expect(try await Self.pingWithoutReading(peer, until: { harness.server.rpcServer.connectionsNotRead == 1 }, for: .seconds(30)))
        #expect(await peer.waitForHangUp(timeout: .milliseconds(300)) == false)
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        // Once the peer reads, it is served again: every ping is answered.
        let (frames, _) = try await peer.drainUntilClosed(timeout: .seconds(2))
        #expect(frames.contains { if case .pong = $0.kind { true } else { false } })
        await harness.stop()
    }

    /// Sends pings and never reads, until `done` (true) or `duration` passes (false).
    static func pingWithoutReading(_ peer: RawPeer, until done: () -> Bool, for duration: Duration) async throws -> Bool {
        var pings = ByteBufferWriter()
        for opaque in 0..<5_000 {
            pings.frame(Envelope.Frame(streamID: 0, kind: .ping(Envelope.Ping(opaque: UInt64(opaque)))))
        }
        let bytes = pings.bytes
        let end = ContinuousClock.now + duration
        var offset = 0  // partial sends resume mid-buffer, so frames stay whole
        while ContinuousClock.now < end {
            if done() { return true }
            let sent = peer.trySend(Array(bytes[offset...]))
            offset = (offset + sent) % bytes.count
            if sent == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        return done()
    }

    // MARK: 4. Calls opened without a request

    @Test func callsOpenedWithoutARequestTimeOutAndTheirMetadataIsCapped() async throws {
        let harness = try await ServiceHarness.start { $0.rpc.requestTimeout = .milliseconds(500) }
        let peer = try await RawPeer.helloed(path: harness.socketPath)
        let method = QuickBooksSync.Method.getHealth.path
        peer.send(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: method))))
        let timedOut = try #require(self.status(try await peer.readUntilEnd(of: 1)))
        #expect(timedOut.code == RPCError.Code.deadlineExceeded.rawValue)
        #expect(timedOut.message.contains("no request message"))

        let big = [Envelope.MetadataEntry(key: "x-pad", value: String(repeating: "m", count: 20 * 1024))]
        peer.send(Envelope.Frame(streamID: 3, kind: .open(Envelope.OpenCall(method: method, metadata: big))))
        let capped = try #require(self.status(try await peer.readUntilEnd(of: 3)))
        #expect(capped.code == RPCError.Code.resourceExhausted.rawValue)
        #expect(capped.message.contains("16384 bytes per call"))

        // 1 MB of metadata in one open is no longer decoded at all.
        let huge = [Envelope.MetadataEntry(key: "x-pad", value: String(repeating: "m", count: 1_000_000))]
        peer.send(Envelope.Frame(streamID: 5, kind: .open(Envelope.OpenCall(method: method, metadata: huge))))
        let tooLarge = try #require(self.goAway(try await peer.readUntilEnd(of: 5)))
        #expect(tooLarge.reason == .frameTooLarge)
        #expect(await peer.isClosedByServer())
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        await harness.stop()
    }

    @Test func shutdownDoesNotWaitForCallsWhoseRequestNeverCame() async throws {
        let harness = try await ServiceHarness.start { configuration in
            configuration.rpc.requestTimeout = .seconds(600)
            configuration.rpc.drainTimeout = .seconds(600)
        }
        let peer = try await RawPeer.helloed(path: harness.socketPath)
        peer.send(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: QuickBooksSync.Method.getHealth.path))))
        // The call must be open before shutdown begins: an open read after
        // the GoAway finds the connection closed (a loaded CI run did so).
        try await peer.roundTrip()
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        // Were shutdown to wait for the call, the suite's time limit would end this test.
        await harness.stop()
        let frames = try await peer.drainUntilClosed(timeout: .seconds(30))
        #expect(frames.closed)
        let goAway = frames.frames.compactMap(self.goAway).first
        #expect(goAway?.reason == .shutdown)
        #expect(goAway?.lastStreamID == 1)  // the call was taken in, so it is answered below
        #expect(frames.frames.contains { $0.streamID == 1 && self.status($0)?.code == RPCError.Code.unavailable.rawValue })
    }

    // MARK: 5. File descriptors

    @Test func connectionsBeyondWhatTheDescriptorLimitAllowsHearGoAway() async throws {
        let simulator = QBOSimulator(configuration: SimulatorConfiguration())
        let endpoint = try await simulator.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-fd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let service = ServiceProcess(
            qboBaseURL: endpoint.baseURL,
            socketPath: directory.appendingPathComponent("s.sock").path,
            databasePath: try TestDatabase.fresh(in: directory, name: "db.sqlite3"),
            fileDescriptorLimit: 256
        )
        try await service.start()
        var peers: [RawPeer] = []
        for _ in 0..<300 {
            let peer = try RawPeer(path: service.socketPath)
            peer.sendHello()
            peers.append(peer)
        }
        var served = 0
        var refused: [Envelope.GoAway] = []
        for peer in peers {
            switch try await peer.readFrame(timeout: .seconds(20))?.kind {
            case .hello?: served += 1
            case .goaway(let goAway)?: refused.append(goAway)
            default: Issue.record("a connection got no answer")
            }
        }
        #expect(served > 0 && served < 256 - 64)
        #expect(refused.count == 300 - served)
        #expect(refused.allSatisfy { $0.reason == .tooManyConnections })
        // The cap the server names; the start-up probe's own connection may
        // still have held a slot while the first peers arrived.
        let caps = Set(refused.compactMap { goAway in goAway.message.split(separator: " ").compactMap { Int($0) }.first })
        #expect(caps.count == 1)
        if let cap = caps.first { #expect((cap - 2)...cap ~= served, "served \(served) of a cap of \(cap)") }
        #expect(service.logTail(20_000).contains("serving fewer connections than configured"))
        peers.removeAll()
        try await Task.sleep(for: .milliseconds(200))
        try await self.assertFreshClientGetsHealth(service.socketPath)
        service.terminate()
        await simulator.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: 6. Filter lists and the statement cache

    @Test func filterListsAreDeduplicatedAndCappedNeverRetryable() async throws {
        let harness = try await ServiceHarness.start()
        try await harness.connect("acme")
        let statuses: [SyncStatus] = [.pending, .synced, .pending, .blocked, .pending]
        let deduplicated = try await harness.client.listRecords(ListRecordsRequest(companyID: "acme", statuses: statuses))
        #expect(deduplicated.records.isEmpty)
        let error = await #expect(throws: RPCError.self) {
            _ = try await harness.client.listRecords(ListRecordsRequest(companyID: "acme", statuses: Array(repeating: .pending, count: 250_001)))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.detail(FieldViolation.self)?.field == "statuses")
        #expect(error?.message.contains("at most 32") == true)
        let stream = await #expect(throws: RPCError.self) {
            for try await _ in harness.client.streamSyncEvents(StreamSyncEventsRequest(entities: Array(repeating: .invoice, count: 33))) {}
        }
        #expect(stream?.code == .invalidArgument)
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        await harness.stop()
    }

    // MARK: 7. The final status needs no credit

    @Test func aSubscriberThatGrantsNoCreditStillGetsItsFinalStatusAndResumesWithoutLoss() async throws {
        let harness = try await ServiceHarness.start { $0.eventSubscriberBuffer = 20 }
        try await harness.connect("acme")
        // One event before the stream starts: a resume point of 0 would mean
        // "live from now" (see the note below), so the log must not be empty.
        _ = try await harness.client.syncInvoice(self.invoiceRequest("inv-seed"))
        let start = try await harness.client.getHealth(GetHealthRequest()).lastSequence
        let peer = try await RawPeer.helloed(path: harness.socketPath)
        let request = StreamSyncEventsRequest(companyID: "acme", includeHealth: true)
        peer.send(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: Self.streamEventsPath, initialWindow: 2))))
        peer.send(Envelope.Frame(streamID: 1, kind: .message(Envelope.Message(payload: request.packed(), endOfStream: true))))
        guard case .message? = try await peer.readFrame()?.kind else { Issue.record("no health snapshot"); return }
        // 150 invoices: hundreds of events, far past the window (1 left) and the buffer.
        for index in 0..<150 { _ = try await harness.client.syncInvoice(self.invoiceRequest("inv-\(index)")) }
        var received: [UInt64] = []
        var final: Envelope.Status?
        while final == nil, let frame = try await peer.readFrame(timeout: .seconds(30)) {
            switch frame.kind {
            case .message(let message)?:
                if case .event(let event)? = try SyncEventStreamMessage(unpacking: message.payload).kind { received.append(event.sequence) }
            case .status(let status)?: final = status
            default: break
            }
        }
        let status = try #require(final, "the final status never came")
        #expect(status.code == RPCError.Code.resourceExhausted.rawValue)
        // The one credit left after the snapshot brings one event, unless the
        // buffer overflowed before the writer got to it (a loaded machine):
        // then nothing was delivered and the resume point is where the stream started.
        #expect(received.count <= 1)
        let resume = try #require(status.error?.detail(StreamResumePoint.self))
        if let last = received.last { #expect(resume.lastDeliveredSequence == last) }
        #expect(resume.lastDeliveredSequence >= start)
        // Resuming there misses nothing.
        var resumed: [UInt64] = []
        for try await message in harness.client.streamSyncEvents(StreamSyncEventsRequest(afterSequence: resume.lastDeliveredSequence, companyID: "acme")) {
            if case .event(let event)? = message.kind { resumed.append(event.sequence) }
            if resumed.count >= 5 { break }
        }
        #expect(resumed.first == resume.lastDeliveredSequence + 1)
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        await harness.stop()
    }

    // MARK: 8. Status frames fit the peer's frames

    @Test func statusFramesFitTheSmallestFrameAPeerMayAnnounce() async throws {
        let harness = try await ServiceHarness.start()
        let peer = try RawPeer(path: harness.socketPath)
        peer.send(Envelope.Frame(streamID: 0, kind: .hello(Envelope.Hello(protocolVersion: 1, maxFrameSize: WireProtocol.minimumMaxFrameSize))))
        _ = try await peer.readFrame()
        // An unknown method of 10,000 characters, echoed in the status once.
        let method = "/qbsync.v1.QuickBooksSync/" + String(repeating: "é", count: 10_000)
        peer.call(streamID: 1, method: method, request: [])
        // A cancel reason of 60,000 characters, echoed in the status once.
        peer.send(Envelope.Frame(streamID: 3, kind: .open(Envelope.OpenCall(method: QuickBooksSync.Method.getHealth.path))))
        peer.send(Envelope.Frame(streamID: 3, kind: .cancel(Envelope.Cancel(reason: String(repeating: "r", count: 60_000)))))
        for id: UInt32 in [1, 3] {
            let frame = try #require(try await peer.readUntilEnd(of: id))
            var buffer = ByteBufferWriter()
            buffer.frame(frame)
            #expect(buffer.bytes.count - 4 <= Int(WireProtocol.minimumMaxFrameSize))
            #expect(self.status(frame)?.message.utf8.count ?? .max <= WireProtocol.maxStatusMessageBytes)
        }
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        await harness.stop()
    }

    // MARK: 9. Smaller

    @Test(.enabled(if: !TestDatabase.isPostgres, "SQLite's size limit")) func aFullDiskIsResourceExhaustedNamingTheDatabaseAndStoresNothing() async throws {
        let harness = try await ServiceHarness.start { $0.store.maxSizeBytes = 1024 * 1024 }
        try await harness.connect("acme")
        var diskFull: RPCError?
        var accepted = 0
        for index in 0..<5_000 where diskFull == nil {
            var request = self.invoiceRequest("inv-\(index)")
            request.invoice?.privateNote = String(repeating: "n", count: 3_000)
            do {
                _ = try await harness.client.syncInvoice(request)
                accepted += 1
            } catch {
                diskFull = error
            }
        }
        let error = try #require(diskFull)
        #expect(error.code == .resourceExhausted, "\(String(describing: error.cause))")
        #expect(error.message.contains("disk full"))
        #expect(error.message.contains(harness.databasePath))
        // What was acknowledged is there; the refused one is not.
        let missing = await #expect(throws: RPCError.self) {
            _ = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-\(accepted)")))
        }
        #expect(missing?.code == .notFound)
        let last = try await harness.client.getRecord(GetRecordRequest(ref: harness.ref("acme", .invoice, "inv-\(accepted - 1)")))
        #expect(last.record?.ref?.externalID == "inv-\(accepted - 1)")
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        await harness.stop()
    }

    @Test func disconnectingACompanyErasesItsAppCredentials() async throws {
        let harness = try await ServiceHarness.start()
        let realm = try await harness.connect("acme")
        _ = try await harness.client.disconnectCompany(DisconnectCompanyRequest(companyID: "acme"))
        let row = try #require(try harness.server.store.read { try $0.company("acme") })
        #expect(row.clientID.isEmpty)
        #expect(row.clientSecret.isEmpty)
        #expect(row.refreshToken.isEmpty)
        // Reconnecting takes the credentials again.
        _ = try await harness.client.connectCompany(ConnectCompanyRequest(
            companyID: "acme",
            credentials: QBOCredentials(realmID: realm.realmId, clientID: realm.clientId, clientSecret: realm.clientSecret, refreshToken: realm.refreshToken)
        ))
        #expect(try harness.server.store.read { try $0.company("acme") }?.clientSecret == realm.clientSecret)
        try await self.assertFreshClientGetsHealth(harness.socketPath)
        await harness.stop()
    }

    @Test func supplementaryGroupsCountForTheAllowlist() async throws {
        guard getuid() == 0 else { return }  // setgroups needs root (as in CI)
        // The test process (uid 0) is allowed by uid; the child runs as nobody
        // (65534), in group 31337 only through its supplementary groups.
        let harness = try await ServiceHarness.start { configuration in
            configuration.rpc.allowedUIDs = [0]
            configuration.rpc.allowedGIDs = [31_337]
            configuration.rpc.socketMode = 0o666
        }
        func handshake(groups: String) throws -> String {
            var hello = ByteBufferWriter()
            hello.frame(Envelope.Frame(streamID: 0, kind: .hello(Envelope.Hello(protocolVersion: 1))))
            let script = """
                import os, socket, sys
                os.setgroups([int(g) for g in sys.argv[2].split(',') if g]); os.setgid(65534); os.setuid(65534)
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
                try: s.sendall(bytes.fromhex(sys.argv[3]))
                except OSError: pass  # a refused peer is sent GoAway and closed at once
                data = b''
                while len(data) < 4 or len(data) < 4 + int.from_bytes(data[:4], 'big'):
                    try: chunk = s.recv(65536)
                    except OSError: break
                    if not chunk: break
                    data += chunk
                print(data.hex())
                """
            let run = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, harness.socketPath, groups, hello.bytes.map { String(format: "%02x", $0) }.joined()])
            return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func reply(groups: String) throws -> Envelope.Frame? {
            let hex = try handshake(groups: groups)
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                bytes.append(UInt8(hex[index..<next], radix: 16)!)
                index = next
            }
            return try Envelope.Frame(unpacking: Array(bytes.dropFirst(4)))
        }
        if case .hello? = try reply(groups: "100,31337")?.kind {} else { Issue.record("a member of an allowed supplementary group was refused") }
        #expect(self.goAway(try reply(groups: "100,200"))?.reason == .permissionDenied)
        await harness.stop()
    }
}

/// Frames to bytes, as a peer writes them.
struct ByteBufferWriter {
    private(set) var bytes: [UInt8] = []

    mutating func frame(_ frame: Envelope.Frame) {
        self.bytes += Self.lengthPrefixed(frame.packed())
    }

    /// A frame body with its 4-byte big-endian length.
    static func lengthPrefixed(_ body: [UInt8]) -> [UInt8] {
        let length = UInt32(body.count)
        return [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)] + body
    }
}
