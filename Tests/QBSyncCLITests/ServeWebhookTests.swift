import Foundation
import QBOClient
import QBSyncTesting
import Testing

/// `qbsync serve --webhook-port`: the built-in simulator posts its changes as
/// Intuit's webhooks, and an accountant's edit shows up without a poll.
@Suite(.timeLimit(.minutes(2))) struct ServeWebhookTests {
    @Test func anEditByHandInTheSimulatorIsReportedThroughTheWebhook() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-hook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("s.sock").path
        let service = try CLIProcess(["serve", "--socket", socket, "--database", try TestDatabase.fresh(in: directory, name: "db.sqlite3"),
                                      "--log-level", "error", "--drift-interval", "0", "--webhook-port", "0"],
                                     environment: ["QBSYNC_WEBHOOK_VERIFIER_TOKEN": "demo-verifier-token"])
        do {
            try await service.waitForOutput("qbsync: webhooks at http://127.0.0.1:")
            let simulator = try #require(Self.field("simulator:", in: service.stderr))
            let realm = try #require(Self.field("(simulated realm", in: service.stderr)?.trimmingCharacters(in: CharacterSet(charactersIn: ")")))
            func cli(_ arguments: String...) async throws -> CLIResult { try await CLIProcess.run(arguments + ["--socket", socket]) }
            _ = try await cli("mappings", "items", "auto-map", "TENT-20=Equipment Rental")
            _ = try await cli("customers", "link", "c1", "--create", "--name", "First Customer")
            let synced = try await CLIProcess.run(["invoices", "sync", "--wait", "--socket", socket], stdin: WatchTests.invoiceJSON("inv-1", customer: "c1"))
            #expect(synced.status == 0, "\(synced)")
            let shown = try await cli("invoices", "show", "inv-1", "--json")
            let qboID = try #require((try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]).flatMap { $0["record"] as? [String: Any] }?["qboId"] as? String, "\(shown.stdout)")

            // The accountant changes the date in QuickBooks; nobody runs drift check.
            let edit = try await CurlTransport().send(HTTPRequest(
                method: .post, url: "\(simulator)/admin/realms/\(realm)/entities/Invoice/\(qboID)/edit",
                headers: [HTTPHeader("Content-Type", "application/json")], body: Data(#"{"TxnDate":"2026-11-20"}"#.utf8)))
            #expect(edit.status == 200, "\(edit)")
            let end = ContinuousClock.now + .seconds(20)
            var last = CLIResult(status: -1, stdout: "", stderr: "")
            while ContinuousClock.now < end {
                last = try await cli("invoices", "show", "inv-1")
                if last.stdout.contains("TxnDate: ours 2026-11-02, QuickBooks 2026-11-20") { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(last.stdout.contains("TxnDate: ours 2026-11-02, QuickBooks 2026-11-20"), "\(last)")
        } catch {
            service.terminate()
            _ = try? await service.finish()
            throw error
        }
        service.terminate()
        let ended = try await service.finish()
        #expect(ended.status == 0, "\(ended)")
    }

    @Test func aWebhookListenerNeedsItsTokenFromTheEnvironment() async throws {
        let missing = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock", "--webhook-port", "0"])
        #expect(missing.status == 64, "\(missing)")
        #expect(missing.stderr.contains("QBSYNC_WEBHOOK_VERIFIER_TOKEN"), "\(missing)")
        let port = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock", "--webhook-port", "70000"])
        #expect(port.status == 64, "\(port)")
        let path = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock", "--webhook-port", "0", "--webhook-path", "hooks"])
        #expect(path.status == 64, "\(path)")
    }

    /// The value after `label` on a banner line.
    static func field(_ label: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: label) else { continue }
            return line[range.upperBound...].trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
        }
        return nil
    }
}
