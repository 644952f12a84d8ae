import Synchronization

/// Wakes a sleeping syncer from any thread, without creating a task: a
/// signal with nobody waiting is remembered for the next wait.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// Whether new work is worth a wake-up: false while the company is
    /// disconnected, when its syncer would only wake to find nothing to do
    /// (at intake rates, thousands of wasted thread wake-ups a second).
    private let acceptingWork = Atomic<Bool>(false)

    /// Turns ``workArrived()`` on (connected) or off (disconnected).
    func setAcceptingWork(_ accepting: Bool) {
        self.acceptingWork.store(accepting, ordering: .releasing)
    }

    /// New work for the company: wakes the syncer only while it can push.
    func workArrived() {
        if self.acceptingWork.load(ordering: .acquiring) { self.signal() }
    }

    func signal() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = self.state.withLock { state -> Bool in
                if state.pending {
                    state.pending = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
