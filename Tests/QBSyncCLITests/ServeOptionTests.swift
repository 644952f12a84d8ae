import Foundation
import QBSyncTesting
import Testing

/// `qbsync serve` refuses out-of-range batch, metrics and renewal options at
/// start (exit 64), naming the option, before anything listens.
@Suite(.timeLimit(.minutes(1))) struct ServeOptionTests {
    @Test func outOfRangeOptionsAreRefusedNamingThem() async throws {
        let cases: [([String], String)] = [
            (["--backfill-batches", "maybe"], "--backfill-batches"),
            (["--backfill-batches", ""], "--backfill-batches"),
            (["--batch-requests-per-minute", "0"], "--batch-requests-per-minute"),
            (["--batch-requests-per-minute", "-40"], "--batch-requests-per-minute"),
            (["--metrics-port", "70000"], "--metrics-port"),
            (["--metrics-port", "-1"], "--metrics-port"),
            (["--refresh-token-renewal-days", "0"], "--refresh-token-renewal-days"),
            (["--refresh-token-renewal-days", "91"], "--refresh-token-renewal-days"),
            (["--max-database-mib", "0"], "--max-database-mib"),
        ]
        for (arguments, option) in cases {
            let result = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result)")
            #expect(result.stderr.contains(option), "\(arguments): \(result.stderr)")
        }
    }

    @Test func aBadDatabaseURLIsRefusedNamingTheOptionNeverItsPassword() async throws {
        for url in ["postgres://", "postgres://u:hunter2-secret@db/", "postgres://u:hunter2-secret@db:99999/books",
                    "postgres://u:hunter2-secret@db/books?sslmode=maybe", "postgres://u:hunter2-secret@db/books?color=blue"] {
            let result = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock", "--database", url])
            #expect(result.status == 64, "\(url): \(result)")
            #expect(result.stderr.contains("--database"), "\(url): \(result.stderr)")
            #expect(!result.stderr.contains("hunter2-secret") && !result.stdout.contains("hunter2-secret"))
        }
    }

    @Test func aBadDatabaseURLInTheEnvironmentIsRefusedNamingTheVariable() async throws {
        let result = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock"],
                                              environment: ["QBSYNC_DATABASE": "postgres://u:hunter2-secret@db/books?sslmode=maybe"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("QBSYNC_DATABASE") && result.stderr.contains("sslmode"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2-secret"))
    }

    @Test func sqliteSettingsAreRefusedWithAPostgresDatabase() async throws {
        for setting in [["--max-database-mib", "100"], ["--synchronous-full"]] {
            let result = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock", "--database", "postgres://u@db/books"] + setting)
            #expect(result.status == 64, "\(setting): \(result)")
            #expect(result.stderr.contains("SQLite settings"), "\(setting): \(result.stderr)")
        }
    }

    @Test func leaseSecondsAreForAPostgresDatabaseAndInRange() async throws {
        for seconds in ["3", "301", "0", "-8", "eight"] {
            let result = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock", "--database", "postgres://u@db/books", "--lease-seconds", seconds])
            #expect(result.status == 64, "\(seconds): \(result)")
            #expect(result.stderr.contains("--lease-seconds"), "\(seconds): \(result.stderr)")
        }
        // A SQLite database has one instance, pushing every company: there is no lease to size.
        let sqlite = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock", "--database", "/nonexistent/qbsync.sqlite3", "--lease-seconds", "8"])
        #expect(sqlite.status == 64, "\(sqlite)")
        #expect(sqlite.stderr.contains("--lease-seconds applies to a PostgreSQL database"), "\(sqlite.stderr)")
    }

    @Test func anUnreachableDatabaseStopsTheServiceNamingItNeverItsPassword() async throws {
        let url = "postgres://qbsync:hunter2-secret@/books?host=/nonexistent-qbsync-dir"
        let result = try await CLIProcess.run(["serve", "--socket", "/tmp/qbsync-unreachable-\(getpid()).sock", "--database", url,
                                               "--qbo-base-url", "http://127.0.0.1:9"])
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("/nonexistent-qbsync-dir"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2-secret") && !result.stdout.contains("hunter2-secret"))
    }
}
