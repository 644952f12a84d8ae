import QBSyncWire
import Testing

@testable import QBSyncRPC

/// The protocol rules, without sockets.
@Suite(.timeLimit(.minutes(3))) struct ConnectionStateMachineTests {
    private func ready() -> ConnectionStateMachine {
        var machine = ConnectionStateMachine(limits: .init(maxConcurrentStreams: 2, maxFrameSize: 1024, defaultWindow: 64))
        _ = machine.receive(Envelope.Frame(streamID: 0, kind: .hello(Envelope.Hello(protocolVersion: 1, maxFrameSize: 8192))))
        return machine
    }

    @Test func helloIsAnsweredAndRecordsThePeersFrameLimit() {
        var machine = ConnectionStateMachine(limits: .init(maxConcurrentStreams: 2, maxFrameSize: 1024, defaultWindow: 64))
        let action = machine.receive(Envelope.Frame(streamID: 0, kind: .hello(Envelope.Hello(protocolVersion: 1, maxFrameSize: 8192))))
        guard case .sendHello(let hello) = action else { Issue.record("expected hello, got \(action)"); return }
        #expect(hello.maxFrameSize == 1024)
        #expect(machine.peerMaxFrameSize == 8192)
        #expect(machine.phase == .ready)
    }

    @Test func aFrameLimitTooSmallForAnyStatusIsRefused() {
        var machine = ConnectionStateMachine(limits: .init(maxConcurrentStreams: 2, maxFrameSize: 1024, defaultWindow: 64))
        guard case .goAway(let goAway) = machine.receive(Envelope.Frame(streamID: 0, kind: .hello(Envelope.Hello(protocolVersion: 1, maxFrameSize: 64)))) else {
            Issue.record("expected goaway"); return
        }
        #expect(goAway.reason == .protocolError)
        #expect(goAway.message.contains("minimum"))
    }

    @Test func openThenMessageStartsTheCallWithTheDefaultWindow() {
        var machine = self.ready()
        #expect(machine.receive(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: "/a/b")))) == .awaitRequest(1))
        #expect(machine.receive(Envelope.Frame(streamID: 1, kind: .message(Envelope.Message(payload: [1], endOfStream: true)))) == .startCall(1, request: [1]))
        #expect(machine.streams[1]?.initialWindow == 64)
    }

    @Test func streamIdsMustIncrease() {
        var machine = self.ready()
        _ = machine.receive(Envelope.Frame(streamID: 5, kind: .open(Envelope.OpenCall(method: "/a/b"))))
        machine.streamClosed(5)
        guard case .goAway(let goAway) = machine.receive(Envelope.Frame(streamID: 3, kind: .open(Envelope.OpenCall(method: "/a/b")))) else {
            Issue.record("expected goaway"); return
        }
        #expect(goAway.reason == .protocolError)
        #expect(machine.phase == .closed)
    }

    @Test func lateFramesForFinishedStreamsAreIgnored() {
        var machine = self.ready()
        _ = machine.receive(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: "/a/b"))))
        machine.streamClosed(1)
        #expect(machine.receive(Envelope.Frame(streamID: 1, kind: .message(Envelope.Message()))) == .none)
        #expect(machine.receive(Envelope.Frame(streamID: 1, kind: .cancel(Envelope.Cancel()))) == .none)
        #expect(machine.receive(Envelope.Frame(streamID: 1, kind: .windowUpdate(Envelope.WindowUpdate(messages: 3)))) == .none)
    }

    @Test func shutdownRefusesNewCallsButNotRunningOnes() {
        var machine = self.ready()
        _ = machine.receive(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: "/a/b"))))
        _ = machine.receive(Envelope.Frame(streamID: 1, kind: .message(Envelope.Message(endOfStream: true))))
        let goAway = machine.beginShutdown()
        #expect(goAway?.lastStreamID == 1)
        #expect(goAway?.reason == .shutdown)
        guard case .rejectStream(3, let status) = machine.receive(Envelope.Frame(streamID: 3, kind: .open(Envelope.OpenCall(method: "/a/b")))) else {
            Issue.record("expected reject"); return
        }
        #expect(status.code == RPCError.Code.unavailable.rawValue)
        #expect(machine.streams[1] != nil)
    }

    @Test func clientsMayNotSendServerFrames() {
        var machine = self.ready()
        guard case .goAway(let goAway) = machine.receive(Envelope.Frame(streamID: 0, kind: .goaway(Envelope.GoAway()))) else {
            Issue.record("expected goaway"); return
        }
        #expect(goAway.reason == .protocolError)
    }

    // MARK: Hostile input

    private func rejection(_ action: ConnectionStateMachine.Action) -> Envelope.Status? {
        if case .rejectStream(_, let status) = action { return status }
        return nil
    }

    @Test func anOpenWhoseMethodPathHasANulIsUnimplementedAndNothingIsKept() {
        var machine = self.ready()
        let open = Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: "/qbsync.v1.QuickBooksSync/GetHealth")))
        let invalid = WireDecodingError.InvalidString(field: "open.method", problem: .nul)
        let status = self.rejection(machine.receive(ReceivedFrame(frame: open, invalidString: invalid)))
        #expect(status?.code == RPCError.Code.unimplemented.rawValue)
        #expect(status?.message.contains("NUL") == true)
        #expect(machine.streams.isEmpty)
        #expect(machine.lastStreamID == 1)
    }

    @Test func metadataWithInvalidUTF8IsInvalidArgument() {
        var machine = self.ready()
        let open = Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: "/a/b")))
        let invalid = WireDecodingError.InvalidString(field: "open.metadata[0].value", problem: .invalidUTF8)
        let status = self.rejection(machine.receive(ReceivedFrame(frame: open, invalidString: invalid)))
        #expect(status?.code == RPCError.Code.invalidArgument.rawValue)
        #expect(status?.message.contains("open.metadata[0].value is not valid UTF-8") == true)
    }

    @Test func aHelloWithABadAgentEndsTheConnection() {
        var machine = ConnectionStateMachine(limits: .init(maxConcurrentStreams: 2, maxFrameSize: 1024, defaultWindow: 64))
        let hello = Envelope.Frame(streamID: 0, kind: .hello(Envelope.Hello(protocolVersion: 1)))
        let action = machine.receive(ReceivedFrame(frame: hello, invalidString: .init(field: "hello.agent", problem: .invalidUTF8)))
        guard case .goAway(let goAway) = action else { Issue.record("expected goaway, got \(action)"); return }
        #expect(goAway.reason == .protocolError)
        #expect(goAway.message.contains("hello.agent"))
    }

    @Test func aCancelWithABadReasonStillCancels() {
        var machine = self.ready()
        _ = machine.receive(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: "/a/b"))))
        let cancel = Envelope.Frame(streamID: 1, kind: .cancel(Envelope.Cancel(reason: "x")))
        let status = self.rejection(machine.receive(ReceivedFrame(frame: cancel, invalidString: .init(field: "cancel.reason", problem: .nul))))
        #expect(status?.code == RPCError.Code.cancelled.rawValue)
        #expect(machine.streams.isEmpty)
    }

    @Test func metadataIsCappedPerCallAndPerConnection() {
        var machine = ConnectionStateMachine(limits: .init(
            maxConcurrentStreams: 100, maxFrameSize: 1 << 20, defaultWindow: 64,
            maxMetadataBytesPerCall: 100, maxMetadataBytesPerConnection: 250
        ))
        _ = machine.receive(Envelope.Frame(streamID: 0, kind: .hello(Envelope.Hello(protocolVersion: 1))))
        func open(_ id: UInt32, _ valueBytes: Int) -> ConnectionStateMachine.Action {
            let entry = Envelope.MetadataEntry(key: "k", value: String(repeating: "v", count: valueBytes))
            return machine.receive(Envelope.Frame(streamID: id, kind: .open(Envelope.OpenCall(method: "/a/b", metadata: [entry]))))
        }
        let tooBig = self.rejection(open(1, 100))  // 101 bytes with the key
        #expect(tooBig?.code == RPCError.Code.resourceExhausted.rawValue)
        #expect(tooBig?.message.contains("per call") == true)
        #expect(open(3, 99) == .awaitRequest(3))
        #expect(open(5, 99) == .awaitRequest(5))
        #expect(machine.metadataBytes == 200)
        let overConnection = self.rejection(open(7, 99))
        #expect(overConnection?.code == RPCError.Code.resourceExhausted.rawValue)
        // Ending a call gives its bytes back.
        machine.streamClosed(3)
        #expect(open(9, 99) == .awaitRequest(9))
        #expect(machine.removeUnstartedStreams() == [5, 9])
        #expect(machine.metadataBytes == 0)
    }

    @Test func metadataKeysAreLowerCaseASCII() {
        var machine = self.ready()
        let entry = Envelope.MetadataEntry(key: "X-Trace", value: "1")
        let status = self.rejection(machine.receive(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: "/a/b", metadata: [entry])))))
        #expect(status?.code == RPCError.Code.invalidArgument.rawValue)
        #expect(status?.message.contains("metadata[0].key") == true)
    }

    @Test func aMethodPathLongerThanAnyMethodIsUnimplementedUnread() {
        var machine = self.ready()
        let method = "/" + String(repeating: "m", count: 10_000)
        let status = self.rejection(machine.receive(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: method)))))
        #expect(status?.code == RPCError.Code.unimplemented.rawValue)
        #expect((status?.message.utf8.count ?? .max) < 200)
    }
}

extension ConnectionStateMachine {
    /// A frame whose strings were clean.
    mutating func receive(_ frame: Envelope.Frame) -> Action {
        self.receive(ReceivedFrame(frame: frame))
    }
}
