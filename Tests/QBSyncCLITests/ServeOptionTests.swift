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
        ]
        for (arguments, option) in cases {
            let result = try await CLIProcess.run(["serve", "--socket", "/nonexistent/s.sock"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result)")
            #expect(result.stderr.contains(option), "\(arguments): \(result.stderr)")
        }
    }
}
