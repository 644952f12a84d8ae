import ArgumentParser
import Foundation
import QBSyncClient
import QBSyncWire

/// An entity type as the CLI spells it in --entities: its command group's
/// name ("invoices", "bill-payments"), or the singular.
enum EntityArgument {
    /// "invoices,bill-payments" (singular forms, and _ for -, accepted too).
    static func parseList(_ text: String) throws -> [EntityType] {
        try text.split(separator: ",").map { part in
            let word = part.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-")
            guard let entity = EntityType.shown.first(where: { $0.plural == word || $0.plural == word + "s" }) else {
                throw ValidationError("--entities: '\(word)' is not one of \(EntityType.shown.map(\.plural).joined(separator: ", "))")
            }
            return entity
        }
    }
}

/// `qbsync bulk-sync`.
struct BulkSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulk-sync",
        abstract: "Backfill: push stored records by entity and date range, with progress and a final report.",
        discussion: reflow("""
            Shows a progress bar (rate, ETA) on a terminal and plain progress lines when piped, then
            created / updated / skipped / failed per entity and every failed record with its reason.
            --dry-run sends nothing: it lists what each record would send and what would block, and why.
            --json prints one BulkSyncProgress with the final totals and every record's result.
            Exit 70 when a record failed (not for --dry-run).
            """)
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Option(help: ArgumentHelp("Entity types, comma-separated (default all).", valueName: "invoices,bills,..."))
    var entities: String?
    @Option(help: ArgumentHelp("Records dated on or after this date.", valueName: "yyyy-mm-dd")) var from: String?
    @Option(help: ArgumentHelp("Records dated on or before this date.", valueName: "yyyy-mm-dd")) var to: String?
    @Flag(help: "Re-push records already SYNCED (as updates, never duplicates).") var force = false
    @Flag(name: .customLong("dry-run"), help: "Report what would be sent and what would block; send nothing.") var dryRun = false
    @OptionGroup var output: JSONOption

    func validate() throws {
        if let entities = self.entities { _ = try EntityArgument.parseList(entities) }
        for (name, value) in [("--from", self.from), ("--to", self.to)] {
            if let value, value.count != 10 || value.split(separator: "-").count != 3 { throw ValidationError("\(name) must be yyyy-mm-dd") }
        }
        if let from = self.from, let to = self.to, to < from { throw ValidationError("--to is before --from") }
    }

    func run() async throws {
        let client = try await self.service.connect()
        let request = BulkSyncRequest(
            companyID: self.company.company,
            entities: try self.entities.map(EntityArgument.parseList) ?? [],
            fromDate: self.from ?? "",
            toDate: self.to ?? "",
            force: self.force,
            dryRun: self.dryRun
        )
        // Progress goes to stdout for people; to stderr when stdout carries JSON.
        let progressDescriptor = self.output.json ? STDERR_FILENO : STDOUT_FILENO
        var progress = BulkProgressDisplay(descriptor: progressDescriptor, dryRun: self.dryRun)
        var final = BulkSyncProgress()
        var results: [BulkRecordResult] = []
        for try await update in client.bulkSync(request) {
            results += update.results
            final = update
            progress.update(update)
        }
        progress.finish(final)
        final.results = results
        final.finished = true
        if self.output.json {
            Console.out(WireJSON.string(final))
        } else {
            Console.out(BulkReport.render(final, dryRun: self.dryRun, style: .forOutput()).joined(separator: "\n"))
        }
        if !self.dryRun, (final.totals?.failed ?? 0) > 0 {
            throw CLIFailure(.syncFailed, "\(final.totals?.failed ?? 0) record(s) failed or blocked")
        }
    }
}

/// The progress bar on a terminal, plain lines (at most one a second) elsewhere.
struct BulkProgressDisplay {
    let handle: FileHandle
    let isTerminal: Bool
    let style: Style
    let dryRun: Bool
    private var lastLine = ContinuousClock.now - .seconds(10)
    private var lastPrinted: BulkSyncTotals?
    private var drewBar = false

    init(descriptor: Int32, dryRun: Bool) {
        self.handle = descriptor == STDERR_FILENO ? .standardError : .standardOutput
        self.isTerminal = Console.isTerminal(descriptor)
        self.style = Style.forOutput(descriptor)
        self.dryRun = dryRun
    }

    mutating func update(_ progress: BulkSyncProgress) {
        let totals = progress.totals ?? BulkSyncTotals()
        if self.isTerminal {
            Console.raw("\r\u{1B}[K" + self.bar(totals, elapsedMs: progress.elapsedMs), to: self.handle)
            self.drewBar = true
        } else if (ContinuousClock.now - self.lastLine >= .seconds(1) || progress.finished) && totals != self.lastPrinted {
            self.lastLine = ContinuousClock.now
            self.lastPrinted = totals
            Console.raw(self.plain(totals, elapsedMs: progress.elapsedMs) + "\n", to: self.handle)
        }
    }

    mutating func finish(_ progress: BulkSyncProgress) {
        if self.drewBar { Console.raw("\n", to: self.handle) }
    }

    private func rate(_ totals: BulkSyncTotals, elapsedMs: UInt64) -> (perSecond: Double, eta: Double) {
        let seconds = max(Double(elapsedMs) / 1000, 0.001)
        let rate = Double(totals.done) / seconds
        let left = Double(totals.selected) - Double(totals.done)
        return (rate, rate > 0 ? left / rate : .nan)
    }

    func bar(_ totals: BulkSyncTotals, elapsedMs: UInt64) -> String {
        let width = max(10, min(40, Console.columns() - 70))
        let fraction = totals.selected == 0 ? 1 : Double(totals.done) / Double(totals.selected)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let (rate, eta) = self.rate(totals, elapsedMs: elapsedMs)
        let bar = self.style.green(String(repeating: "█", count: filled)) + self.style.dim(String(repeating: "░", count: width - filled))
        let percent = String(Int(fraction * 100))
        return "\(bar) \(String(repeating: " ", count: max(0, 3 - percent.count)))\(percent)% \(totals.done)/\(totals.selected)  \(String(format: "%.1f", rate))/s  ETA \(formatDuration(seconds: eta))  " +
            "created \(totals.created) updated \(totals.updated) skipped \(totals.skipped) " + (totals.failed > 0 ? self.style.red("failed \(totals.failed)") : "failed 0")
    }

    func plain(_ totals: BulkSyncTotals, elapsedMs: UInt64) -> String {
        let (rate, eta) = self.rate(totals, elapsedMs: elapsedMs)
        return "progress: \(totals.done)/\(totals.selected) done (\(String(format: "%.1f", rate))/s, ETA \(formatDuration(seconds: eta))): " +
            "created \(totals.created), updated \(totals.updated), skipped \(totals.skipped), failed \(totals.failed)"
    }
}

/// The final report of a bulk sync.
enum BulkReport {
    static func render(_ final: BulkSyncProgress, dryRun: Bool, style: Style) -> [String] {
        let totals = final.totals ?? BulkSyncTotals()
        var lines: [String] = []
        let seconds = Double(final.elapsedMs) / 1000
        lines.append(style.bold(dryRun ? "Dry run: nothing was sent." : "Bulk sync finished") + " \(totals.selected) record(s) selected, \(formatDuration(seconds: seconds)).")
        var perEntity: [EntityType: [BulkOutcome: Int]] = [:]
        for result in final.results { perEntity[result.record?.ref?.entity ?? .unspecified, default: [:]][result.outcome, default: 0] += 1 }
        let headers = dryRun ? ["", "WOULD CREATE", "WOULD UPDATE", "SKIPPED", "WOULD BLOCK"] : ["", "CREATED", "UPDATED", "SKIPPED", "FAILED"]
        var table = TextTable(headers, alignments: [.left, .right, .right, .right, .right])
        for entity in EntityType.shown where perEntity[entity] != nil {
            let counts = perEntity[entity]!
            func count(_ outcomes: BulkOutcome...) -> String { String(outcomes.reduce(0) { $0 + (counts[$1] ?? 0) }) }
            table.add([entity.plural, count(.created, .wouldCreate), count(.updated, .wouldUpdate), count(.skipped), count(.failed, .wouldBlock)])
        }
        table.add([style.bold("total"), String(totals.created), String(totals.updated), String(totals.skipped),
                   totals.failed > 0 ? style.red(String(totals.failed)) : "0"])
        lines += table.lines(style: style)

        if dryRun {
            let minutes = totals.estimatedSeconds == 0 ? "at once" : "about \(formatDuration(seconds: Double(totals.estimatedSeconds)))"
            lines.append("")
            lines.append("Would send about \(totals.estimatedRequests) request(s) to QuickBooks: \(minutes) at \(totals.requestsPerMinute) requests/min " +
                         "(the backfill share of the company's limit; creates go up to 30 in a batch request; retries and 429s come on top).")
            let sends = final.results.filter { $0.outcome == .wouldCreate || $0.outcome == .wouldUpdate }
            if !sends.isEmpty {
                lines.append("")
                lines.append(style.bold("Would send (\(sends.count))"))
                for result in sends {
                    lines.append("  \(result.outcome == .wouldCreate ? "create" : "update")  \(result.record?.ref?.label ?? "?")  \(result.payloadSummary)")
                }
            }
        }
        let failed = final.results.filter { $0.outcome == .failed || $0.outcome == .wouldBlock }
        if !failed.isEmpty {
            lines.append("")
            lines.append(style.bold(dryRun ? "Would block (\(failed.count))" : "Failed (\(failed.count))"))
            for result in failed {
                let record = result.record ?? SyncRecord()
                let reason = !record.blockers.isEmpty ? record.blockers.map(\.summary).joined(separator: "; ")
                    : (record.lastError.map(\.headline) ?? (result.payloadSummary.isEmpty ? record.status.label : result.payloadSummary))
                lines.append("  \(style.check(false)) \(record.ref?.label ?? "?")  \(record.status.styled(style))  \(reason)")
                for blocker in record.blockers where !blocker.fixCommand.isEmpty {
                    lines.append("      fix: \(blocker.fixCommand)")
                }
                if record.blockers.isEmpty, let hint = record.lastError?.fixHint, !hint.isEmpty { lines.append("      fix: \(hint)") }
            }
        }
        return lines
    }
}
