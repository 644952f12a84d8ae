import ArgumentParser
import Foundation

/// `qbsync`: run the sync service, or drive a running one.
@main
struct QBSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qbsync",
        abstract: "QuickBooks Online sync for rental businesses.",
        discussion: """
            `qbsync serve` runs the service. Every other subcommand talks to a running
            service over its Unix socket (--socket, or QBSYNC_SOCKET; default \(Defaults.socketPath)).

            Exit codes: 0 success, 64 usage error, 69 service unreachable, 65 the request
            was rejected (invalid or not allowed), 70 a sync failed or was blocked.
            """,
        subcommands: [ServeCommand.self]
    )
}

/// Defaults shared by the service and its clients.
enum Defaults {
    /// Socket path: $QBSYNC_SOCKET, else /tmp/qbsync.sock.
    static var socketPath: String {
        ProcessInfo.processInfo.environment["QBSYNC_SOCKET"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp/qbsync.sock"
    }

    /// Data directory: $QBSYNC_DATA_DIR, else ~/.local/share/qbsync.
    static var dataDirectory: String {
        if let directory = ProcessInfo.processInfo.environment["QBSYNC_DATA_DIR"], !directory.isEmpty { return directory }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/qbsync").path
    }
}
