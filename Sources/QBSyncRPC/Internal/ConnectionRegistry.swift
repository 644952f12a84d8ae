import NIOCore
import Synchronization

/// The server's open connections, for limits and shutdown.
final class ConnectionRegistry: Sendable {
    private struct Entry: Sendable {
        var channel: any Channel
        var handler: NIOLoopBound<ServerConnectionHandler>
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    var count: Int { self.entries.withLock { $0.count } }

    func add(_ channel: any Channel, handler: NIOLoopBound<ServerConnectionHandler>) {
        let key = ObjectIdentifier(channel)
        self.entries.withLock { $0[key] = Entry(channel: channel, handler: handler) }
        channel.closeFuture.whenComplete { _ in
            _ = self.entries.withLock { $0.removeValue(forKey: key) }
        }
    }

    /// GoAway to every connection; waits until each has no calls left, or
    /// until `timeout`, after which the rest are closed.
    func drainAll(timeout: TimeAmount) async {
        let entries = self.entries.withLock { Array($0.values) }
        guard !entries.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            for entry in entries {
                group.addTask {
                    let drained = entry.channel.eventLoop.makePromise(of: Void.self)
                    entry.channel.eventLoop.execute {
                        entry.handler.value.beginShutdown { drained.succeed() }
                    }
                    let timer = entry.channel.eventLoop.scheduleTask(in: timeout) {
                        entry.handler.value.forceClose()
                        drained.succeed()
                    }
                    try? await drained.futureResult.get()
                    timer.cancel()
                    try? await entry.channel.closeFuture.get()
                }
            }
        }
    }
}
