import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// Exit codes that tell a typo (64) from a dead service (69), a rejected
/// request (65) and a record that did not make it (70).
@Suite(.timeLimit(.minutes(2))) struct ExitCodeTests {
    @Test(arguments: [
        ["invoices", "frobnicate"],
        ["customers", "link", "c1"],
        ["customers", "link", "c1", "--auto", "--create"],
        ["bulk-sync", "--entities", "invoices,widgets"],
        ["bulk-sync", "--from", "2026-12-01", "--to", "2026-01-01"],
        ["health", "--timeout", "-3"],
        ["refund", "--amount", "12.50"],
        ["refund", "--invoice", "i1", "--amount", "12.505"],
        ["mappings", "items", "auto-map", "TENT-20"],
        ["settings", "--invoice-policy", "sometimes"],
        ["invoices", "resync"],
    ])
    func usageErrorsExit64(arguments: [String]) async throws {
        let result = try await CLIProcess.run(arguments + ["--socket", "/nonexistent/qbsync.sock"])
        #expect(result.status == 64, "\(arguments): \(result)")
        #expect(result.stderr.contains("Error:") || result.stderr.contains("qbsync:"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test func helpDocumentsExitCodes() async throws {
        let result = try await CLIProcess.run(["--help"])
        #expect(result.status == 0)
        for line in ["64  usage error", "65  request rejected", "69  service unreachable", "70  a sync failed or is blocked"] {
            #expect(result.stdout.contains(line), "missing '\(line)' in \(result.stdout)")
        }
    }

    @Test func unreadableOrInvalidInputIsAUsageError() async throws {
        let missing = try await CLIProcess.run(["invoices", "sync", "/nonexistent/file.json", "--socket", "/nonexistent/s.sock"])
        #expect(missing.status == 64, "\(missing)")
        #expect(missing.stderr.contains("cannot read /nonexistent/file.json"))
        let typo = try await CLIProcess.run(["invoices", "sync", "-", "--socket", "/nonexistent/s.sock"],
                                            stdin: #"{"externalId": "i1", "customerExternalID": "c1"}"#)
        #expect(typo.status == 64, "\(typo)")
        #expect(typo.stderr.contains("customerExternalID: unknown field"), "\(typo)")
        let amount = try await CLIProcess.run(["invoices", "sync", "--socket", "/nonexistent/s.sock"],
                                              stdin: #"{"externalId": "i1", "lines": [{"amountMinor": 12.5}]}"#)
        #expect(amount.status == 64, "\(amount)")
        #expect(amount.stderr.contains("lines[0].amountMinor"), "\(amount)")
    }

    @Test func unreachableServiceExits69() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qbsync-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for arguments in [["health"], ["invoices", "list"], ["watch"], ["bulk-sync"]] {
            let result = try await CLIProcess.run(arguments + ["--socket", directory.appendingPathComponent("none.sock").path])
            #expect(result.status == 69, "\(arguments): \(result)")
            #expect(result.stderr.contains("cannot reach the qbsync service"), "\(result)")
        }
        // QBSYNC_SOCKET is honoured.
        let fromEnvironment = try await CLIProcess.run(["health"], environment: ["QBSYNC_SOCKET": directory.appendingPathComponent("env.sock").path])
        #expect(fromEnvironment.status == 69)
        #expect(fromEnvironment.stderr.contains("env.sock"))
    }

    @Test func rejectedRequestsExit65() async throws {
        try await withHarness { harness in
            _ = try await harness.prepareCompany()
            let unknown = try await harness.cli("invoices", "show", "nope")
            #expect(unknown.status == 65, "\(unknown)")
            #expect(unknown.stderr.contains("NOT_FOUND"))
            let unknownCompany = try await harness.cli("health", company: "nobody")
            #expect(unknownCompany.status == 65, "\(unknownCompany)")
            // quantity x rate != amount: INVALID_ARGUMENT naming the field.
            let invalid = try await harness.cli("invoices", "sync", stdin: """
                {"externalId": "bad-1", "customerExternalId": "c1", "txnDate": "2026-11-02", "currency": "USD",
                 "lines": [{"itemCode": "TENT-20", "quantity": "3", "unitRate": "125.00", "amountMinor": 1}]}
                """)
            #expect(invalid.status == 65, "\(invalid)")
            #expect(invalid.stderr.contains("amount_minor"), "\(invalid)")
            let delete = try await harness.cli("mappings", "items", "delete", "NOT-THERE")
            #expect(delete.status == 65, "\(delete)")
        }
    }

    @Test func blockedSyncExits70() async throws {
        try await withHarness { harness in
            _ = try await harness.prepareCompany()
            let blocked = try await harness.cli("invoices", "sync", "--wait", stdin: """
                {"invoice": {"externalId": "gen-1", "customerExternalId": "c1", "txnDate": "2026-11-02", "currency": "USD",
                 "lines": [{"kind": "SALE", "itemCode": "GEN-20KW", "quantity": 1, "unitRate": "250", "amountMinor": "25000"}]}}
                """)
            #expect(blocked.status == 70, "\(blocked)")
            #expect(blocked.stdout.contains("invoice gen-1: BLOCKED"), "\(blocked)")
            #expect(blocked.stdout.contains("✗ item GEN-20KW not mapped"), "\(blocked)")
            let synced = try await harness.cli("invoices", "sync", "--wait", stdin: """
                {"external_id": "ok-1", "customer_external_id": "c1", "txn_date": "2026-11-02", "currency": "USD",
                 "lines": [{"item_code": "TENT-20", "quantity": "3", "unit_rate": "125.00", "amount_minor": 37500}]}
                """)
            #expect(synced.status == 0, "\(synced)")
            #expect(synced.stdout.contains("invoice ok-1: SYNCED"), "\(synced)")
        }
    }
}
