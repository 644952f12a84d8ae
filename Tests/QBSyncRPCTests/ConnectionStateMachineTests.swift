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
        #expect(machine.receive(Envelope.Frame(streamID: 1, kind: .open(Envelope.OpenCall(method: "/a/b")))) == .none)
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
}
