import PostgresNIO

/// Wakes a store when another instance sharing its PostgreSQL database
/// commits events, so that this instance's event streams and syncers see
/// every company's events, not only those it wrote itself.
///
/// The event log is the outbox: each writer that commits events sends a
/// `NOTIFY` on ``channel`` in the same transaction (delivered at commit,
/// carrying the writer's tag); this follower `LISTEN`s on a connection of its
/// own and asks the store's writer to read the log past what it has
/// published (`Store.followTheLog`). Notifications are only a wake-up: the
/// log is read in sequence order whatever arrives, a poll every
/// ``pollInterval`` covers a notification lost with a connection, and the
/// log is read once more each time the listening connection is opened again.
final class PostgresLogFollower: Sendable {
    /// The notification channel.
    static let channel = "qbsync_events"
    /// How often the log is read without a notification.
    static let pollInterval: Duration = .seconds(1)

    private let listening: Task<Void, Never>
    private let polling: Task<Void, Never>

    /// Starts following.
    ///
    /// - Parameters:
    ///   - location: The database.
    ///   - ownTag: The tag this store's own writer notifies with (skipped: it published those events itself).
    ///   - follow: Asks the writer to read the log; returns at once.
    init(location: PostgresLocation, ownTag: String, follow: @escaping @Sendable () -> Void) {
        self.listening = Task.detached {
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(
                        on: PostgresDatabase.eventLoops.next(), configuration: PostgresDatabase.configuration(location),
                        id: PostgresDatabase.connectionIDs.add(1, ordering: .relaxed).newValue, logger: PostgresDatabase.logger
                    )
                    do {
                        try await connection.listen(on: Self.channel) { notifications in
                            follow()  // what was committed while nobody listened
                            for try await notification in notifications where notification.payload != ownTag {
                                follow()
                            }
                        }
                    } catch {
                        // Lost or cancelled: connect again below, or stop.
                    }
                    try? await connection.close()
                } catch {
                    // The server is unreachable: the poll keeps the log followed meanwhile.
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        self.polling = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.pollInterval)
                follow()
            }
        }
    }

    /// Stops listening and polling.
    func stop() {
        self.listening.cancel()
        self.polling.cancel()
    }

    deinit {
        self.stop()
    }
}
