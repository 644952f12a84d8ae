import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// A tmux session running `qbsync watch` in a real 120x40 terminal.
struct TmuxSession {
    let name = "qbsync-watch-\(UUID().uuidString.prefix(8))"
    /// A private tmux server (-S) per session, so tests never touch anyone else's tmux.
    var server: String { FileManager.default.temporaryDirectory.appendingPathComponent("\(self.name).tmux").path }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try Self.tmux(["-S", self.server] + arguments)
    }

    static func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let run = try ChildProcess.run("/usr/bin/env", ["tmux"] + arguments)
        return (run.status, run.stdout)
    }

    /// Starts the session. The tmux server this forks must not inherit the test
    /// process's descriptors (a pipe kept open would hide the client's exit):
    /// ChildProcess closes every descriptor from 3 up in the child.
    func start(_ command: String) throws {
        let child = try ChildProcess(executable: "/usr/bin/env", arguments: ["tmux", "-S", self.server, "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", command])
        let status = child.waitUntilExit()
        guard status == 0 else { throw CLIError("tmux new-session failed (\(status))") }
    }

    func screen() throws -> String { try self.tmux(["capture-pane", "-p", "-t", self.name]).output }

    var isRunning: Bool { (try? self.tmux(["has-session", "-t", self.name]).status) == 0 }

    func send(_ keys: String) throws { try self.tmux(["send-keys", "-t", self.name, keys]) }

    /// Hangs up the pane's process first: tmux's kill-server does not, when the
    /// process is stuck writing to a pane tmux has stopped reading.
    func kill() {
        if let output = try? self.tmux(["display-message", "-p", "-t", self.name, "#{pane_pid}"]).output,
           let pid = Int32(output.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            Foundation.kill(pid, SIGHUP)
        }
        _ = try? self.tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: self.server)
    }

    /// Waits until the screen satisfies `condition`; returns the last screen.
    @discardableResult
    func waitForScreen(timeout: Duration = .seconds(15), _ what: String, _ condition: (String) -> Bool) async throws -> String {
        let end = ContinuousClock.now + timeout
        while true {
            let screen = try self.screen()
            if condition(screen) { return screen }
            if ContinuousClock.now > end { throw CLIError("screen never showed \(what):\n\(screen)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The numbers of the counts table's row for `entity` ("invoices  0  0  1 ...").
    static func row(_ entity: String, in screen: String) -> [Int]? {
        for line in screen.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.first == Substring(entity) { return words.dropFirst().compactMap { Int($0) } }
        }
        return nil
    }
}

/// The watch dashboard run once in a real terminal (tmux).
@Suite(.timeLimit(.minutes(2))) struct WatchTests {
    @Test func countsFollowEventsOnScreenAndQRestoresTheTerminal() async throws {
        guard (try? TmuxSession.tmux(["-V"]).status) == 0 else {
            Issue.record("tmux is not installed (Scripts/setup installs it)")
            return
        }
        try await withHarness { harness in
            _ = try await harness.prepareCompany()
            try await harness.syncInvoice(Fixtures.invoice("inv-1", customer: "c1"))
            let session = TmuxSession()
            defer { session.kill() }
            // No health refresh during the test: the counts can only move with the events.
            try session.start("\(ServiceProcess.binary.path) watch --socket \(harness.socketPath) --company acme --refresh 3600")
            let before = try await session.waitForScreen("the live dashboard") { $0.contains("● live") && TmuxSession.row("invoices", in: $0) != nil }
            // PENDING SYNCING SYNCED BLOCKED ERRORED SKIPPED TOTAL
            #expect(TmuxSession.row("invoices", in: before) == [0, 0, 1, 0, 0, 0, 1], "\(before)")
            #expect(before.contains("company acme"))
            #expect(before.contains("Connection  ● ACTIVE"), "\(before)")

            try await harness.syncInvoice(Fixtures.invoice("inv-2", customer: "c1", item: "DELIVERY"))
            try await harness.syncInvoice(Fixtures.invoice("inv-3", customer: "c1", item: "GEN-20KW"))
            let after = try await session.waitForScreen("two synced and one blocked invoice") { TmuxSession.row("invoices", in: $0) == [0, 0, 2, 1, 0, 0, 3] }
            #expect(after.contains("invoice inv-2") && after.contains("SYNCING → SYNCED"), "\(after)")
            #expect(after.contains("invoice inv-3") && after.contains("item GEN-20KW not mapped"), "\(after)")

            // Fixing the blocker moves the count from BLOCKED to SYNCED.
            _ = try await harness.client.setMapping(SetMappingRequest(companyID: "acme", mapping: Mapping(kind: .item, externalCode: "GEN-20KW", qboID: "2")))
            try await session.waitForScreen("the unblocked invoice synced") { TmuxSession.row("invoices", in: $0) == [0, 0, 3, 0, 0, 0, 3] }

            try session.send("q")
            let end = ContinuousClock.now + .seconds(5)
            while session.isRunning, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!session.isRunning, "q did not end watch")
        }
    }

    /// `qbsync serve` stopped and started again on the same database and socket:
    /// watch shows "reconnecting…", then resumes and keeps counting.
    @Test func survivesAServiceRestart() async throws {
        guard (try? TmuxSession.tmux(["-V"]).status) == 0 else {
            Issue.record("tmux is not installed (Scripts/setup installs it)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-watch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("s.sock").path
        let serve = ["serve", "--socket", socket, "--database", try TestDatabase.fresh(in: directory, name: "db.sqlite3"), "--log-level", "error"]
        func startService() async throws -> CLIProcess {
            let service = try CLIProcess(serve)
            try await service.waitForOutput("BUILT-IN QUICKBOOKS SIMULATOR")
            return service
        }
        func cli(_ arguments: String...) async throws -> CLIResult {
            try await CLIProcess.run(arguments + ["--socket", socket])
        }
        var service = try await startService()
        let session = TmuxSession()
        defer { session.kill() }
        do {
            _ = try await cli("mappings", "items", "auto-map", "TENT-20=Equipment Rental")
            _ = try await cli("customers", "link", "c1", "--create", "--name", "First Customer")
            let first = try await CLIProcess.run(["invoices", "sync", "--wait", "--socket", socket], stdin: Self.invoiceJSON("inv-1", customer: "c1"))
            #expect(first.status == 0, "\(first)")
            try session.start("\(ServiceProcess.binary.path) watch --socket \(socket) --refresh 3600")
            let before = try await session.waitForScreen("the live dashboard") { $0.contains("● live") && TmuxSession.row("invoices", in: $0) == [0, 0, 1, 0, 0, 0, 1] }
            #expect(before.contains("company demo"))

            service.terminate()
            _ = try await service.finish()
            try await session.waitForScreen("reconnecting") { $0.contains("reconnecting…") }

            service = try await startService()
            // The restarted simulator is a new QuickBooks company: link a new customer there.
            _ = try await cli("customers", "link", "c2", "--create", "--name", "Second Customer")
            let second = try await CLIProcess.run(["invoices", "sync", "--wait", "--socket", socket], stdin: Self.invoiceJSON("inv-2", customer: "c2"))
            #expect(second.status == 0, "\(second)")
            // The resumed stream sends its health snapshot (the counts) before the
            // events it replays: wait for both, not for the counts alone.
            let after = try await session.waitForScreen("the resumed dashboard counting and listing the new invoice") {
                $0.contains("● live") && TmuxSession.row("invoices", in: $0) == [0, 0, 2, 0, 0, 0, 2] && $0.contains("invoice inv-2")
            }
            #expect(after.contains("invoice inv-2"), "\(after)")
        } catch {
            service.terminate()
            _ = try? await service.finish()
            throw error
        }
        service.terminate()
        _ = try await service.finish()
    }

    static func invoiceJSON(_ id: String, customer: String) -> String {
        """
        {"externalId": "\(id)", "customerExternalId": "\(customer)", "txnDate": "2026-11-02", "currency": "USD",
         "lines": [{"itemCode": "TENT-20", "quantity": "3", "unitRate": "125.00", "amountMinor": 37500}]}
        """
    }
}
