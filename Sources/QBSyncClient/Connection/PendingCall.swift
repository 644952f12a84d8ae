import DequeModule
import QBSyncWire
import Synchronization

/// Where a unary call's outcome lands (filled on the event loop, awaited by the caller).
final class UnaryCall: Sendable {
    private let state = Mutex<(payload: [UInt8]?, continuation: CheckedContinuation<Result<[UInt8], RPCError>, Never>?, done: Bool)>((nil, nil, false))

    func install(_ continuation: CheckedContinuation<Result<[UInt8], RPCError>, Never>) {
        self.state.withLock { $0.continuation = continuation }
    }

    func receive(_ payload: [UInt8]) {
        self.state.withLock { $0.payload = payload }
    }

    /// Completes the call; later completions are ignored.
    func complete(_ error: RPCError?) {
        let (continuation, result): (CheckedContinuation<Result<[UInt8], RPCError>, Never>?, Result<[UInt8], RPCError>) = self.state.withLock { state in
            guard !state.done else { return (nil, .failure(RPCError(code: .internal, message: "completed twice"))) }
            state.done = true
            let continuation = state.continuation
            state.continuation = nil
            if let error { return (continuation, .failure(error)) }
            guard let payload = state.payload else {
                return (continuation, .failure(RPCError(code: .internal, message: "the server ended the call OK without a response message")))
            }
            return (continuation, .success(payload))
        }
        continuation?.resume(returning: result)
    }
}

/// The buffered responses of a streaming call, consumed by ``RPCResponseStream``.
final class StreamCall: Sendable {
    private struct State {
        var messages: Deque<[UInt8]> = []
        var end: RPCError?? = nil  // .some(nil) is a clean end
        var waiter: CheckedContinuation<Void, Never>?
        var consumedSinceGrant: UInt32 = 0
    }

    private let state = Mutex(State())
    let window: UInt32

    init(window: UInt32) {
        self.window = window
    }

    func receive(_ payload: [UInt8]) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.messages.append(payload)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func complete(_ error: RPCError?) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.end == nil { state.end = .some(error) }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    var isFinished: Bool { self.state.withLock { $0.end != nil } }

    enum Next {
        case message([UInt8], grant: UInt32)
        case end(RPCError?)
        case wait
    }

    /// Takes the next message; says how many messages to grant back to the server.
    func take() -> Next {
        self.state.withLock { state in
            if let message = state.messages.popFirst() {
                state.consumedSinceGrant += 1
                var grant: UInt32 = 0
                if state.consumedSinceGrant >= max(1, self.window / 2) {
                    grant = state.consumedSinceGrant
                    state.consumedSinceGrant = 0
                }
                return .message(message, grant: grant)
            }
            if let end = state.end { return .end(end) }
            return .wait
        }
    }

    /// Suspends until a message or the end arrives.
    func waitForMore() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = self.state.withLock { state -> Bool in
                if !state.messages.isEmpty || state.end != nil { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
