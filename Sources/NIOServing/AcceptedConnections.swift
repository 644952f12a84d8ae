import NIOCore
import Synchronization

/// Every connection a server's child-channel initializer wraps in a
/// `NIOAsyncChannel`, held from the moment it is made until the accept loop
/// takes it, so that none is dropped unserved.
///
/// NIO traps ("Deinited NIOAsyncWriter without calling finish()") when a
/// wrapped child channel is released without `executeThenClose`, and a
/// server's stream of accepted connections can end, when its listener closes
/// or its task is cancelled, with a connection made but never handed out
/// (apple/swift-nio#2637, #3481). Holding each one here keeps it alive until
/// ``closeUnserved()`` closes what the loop never took.
public final class AcceptedConnections<Inbound: Sendable, Outbound: Sendable>: Sendable {
    public typealias Connection = NIOAsyncChannel<Inbound, Outbound>

    private let pending = Mutex<[ObjectIdentifier: Connection]>([:])

    public init() {}

    /// Records a connection the initializer just made; returns it.
    public func adopt(_ connection: Connection) -> Connection {
        self.pending.withLock { $0[ObjectIdentifier(connection.channel)] = connection }
        return connection
    }

    /// The accept loop took `connection`: serving it is now its handler's job.
    public func take(_ connection: Connection) {
        _ = self.pending.withLock { $0.removeValue(forKey: ObjectIdentifier(connection.channel)) }
    }

    /// Closes every connection the accept loop never took. Call once the loop has ended.
    public func closeUnserved() async {
        let unserved = self.pending.withLock { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for connection in unserved {
            try? await connection.executeThenClose { _, _ in }
        }
    }
}
