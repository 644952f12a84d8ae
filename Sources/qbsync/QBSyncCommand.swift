import ArgumentParser
import Foundation

/// `qbsync`: run the sync service, or drive a running one.
@main
struct QBSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qbsync",
        abstract: "QuickBooks Online sync for rental businesses.",
        discussion: reflow("""
            `qbsync serve` runs the service. Every other subcommand talks to a running service over its Unix socket (--socket, or QBSYNC_SOCKET; default \(Defaults.socketPath)) about one company (--company, or QBSYNC_COMPANY; default "demo", the built-in simulator's company). Read commands take --json for scripts; docs/cli.md describes every command.

            \(ExitStatus.helpText)
            """),
        subcommands: [
            ServeCommand.self,
            HealthCommand.self,
            WatchCommand.self,
            ConnectCommand.self,
            DisconnectCommand.self,
            SettingsCommand.self,
            CustomersCommand.self,
            MappingsCommand.self,
            CatalogCommand.self,
            RecordGroupCommand<InvoiceKind>.self,
            RecordGroupCommand<PaymentKind>.self,
            RecordGroupCommand<RefundKind>.self,
            RecordGroupCommand<ItemKind>.self,
            RecordGroupCommand<VendorKind>.self,
            RecordGroupCommand<BillKind>.self,
            RecordGroupCommand<BillPaymentKind>.self,
            RecordGroupCommand<PurchaseOrderKind>.self,
            RecordGroupCommand<ExpenseKind>.self,
            RefundShortcutCommand.self,
            VoidPaymentCommand.self,
            BulkSyncCommand.self,
            DriftCommand.self,
            ReconcileCommand.self,
            CallCommand.self,
        ]
    )

    /// Runs the parsed subcommand and turns every failure into the documented exit status.
    static func main() async {
        let status: Int32
        do {
            var command = try Self.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            status = ExitStatus.success.rawValue
        } catch {
            status = FailureReport.report(error, command: Self.self)
        }
        Foundation.exit(status)
    }
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
