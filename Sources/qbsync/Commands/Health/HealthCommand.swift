import ArgumentParser
import Foundation
import QBSyncClient
import QBSyncWire

/// `qbsync health`.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Connection, counts per entity and status, customers, queue, QBO rate use, last sync, latest errors.",
        discussion: "--json prints GetHealthResponse. --all-companies reports every company instead of --company."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Flag(name: .customLong("all-companies"), help: "Every company the service knows.") var allCompanies = false
    @Option(help: "How many latest errors to show (1-100).") var errors: UInt32 = 5
    @OptionGroup var output: JSONOption

    func validate() throws {
        guard (1...100).contains(self.errors) else { throw ValidationError("--errors must be between 1 and 100") }
    }

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.getHealth(GetHealthRequest(companyID: self.allCompanies ? "" : self.company.company, errorLimit: self.errors))
        if self.output.json { return Console.out(WireJSON.string(response)) }
        Console.out(HealthText.render(response, style: .forOutput()).joined(separator: "\n"))
    }
}

/// Health as text, shared by `health` and (in parts) `watch`.
enum HealthText {
    static func render(_ response: GetHealthResponse, style: Style) -> [String] {
        var lines = [style.dim("qbsync \(response.version), up \(formatDuration(seconds: Double(response.uptimeSeconds))), last event #\(response.lastSequence)")]
        for company in response.companies {
            lines.append("")
            lines += Self.company(company, style: style)
        }
        return lines
    }

    static func company(_ health: CompanyHealth, style: Style) -> [String] {
        var lines: [String] = []
        var header = "\(style.bold("Company \(health.companyID)"))  \(health.connectionState.styled(style))"
        if !health.realmID.isEmpty { header += "  realm \(health.realmID)" }
        lines.append(header)
        if !health.connectionMessage.isEmpty { lines.append("  \(health.connectionMessage)") }
        if !health.pushedBy.isEmpty { lines.append("  Pushed by     \(health.pushedBy)") }
        lines.append("  QBO requests  \(health.requestsLastMinute)/\(health.requestsPerMinuteLimit) in the last minute, \(health.requestsInFlight)/\(health.concurrentLimit) in flight")
        lines.append("  Queue         \(health.queueDepth) waiting (pending + syncing)")
        lines.append("  Last sync     \(health.lastSyncedAt.isEmpty ? "never" : health.lastSyncedAt + Self.ago(health.lastSyncedAt))")
        lines.append("  Customers     \(health.mappedCustomers) mapped, \(health.unmappedCustomers) unmapped")
        lines.append("")
        lines += Self.countsTable(Self.counts(health.counts), style: style).lines(style: style, indent: "  ")
        if !health.warnings.isEmpty {
            lines.append("")
            let counts = health.warnings.map { "\($0.count) \($0.kind.label)" }.joined(separator: ", ")
            lines.append("  \(style.warning("!")) Synced with warnings: \(counts) (qbsync <entity> show ID)")
        }
        if !health.latestErrors.isEmpty {
            lines.append("")
            lines.append("  " + style.bold("Latest errors"))
            for recent in health.latestErrors {
                let error = recent.error ?? ErrorDetail()
                lines.append("  \(style.red("✗")) \(recent.at)  \(recent.ref?.label ?? "?")  \(error.headline)")
                if !error.fixHint.isEmpty { lines.append("      fix: \(error.fixHint)") }
                if let ref = recent.ref { lines.append("      see: qbsync \(ref.entity.plural) show \(ref.externalID)") }
            }
        }
        return lines
    }

    /// (entity, status) -> count.
    static func counts(_ list: [StatusCount]) -> [EntityType: [SyncStatus: Int64]] {
        var counts: [EntityType: [SyncStatus: Int64]] = [:]
        for entry in list { counts[entry.entity, default: [:]][entry.status, default: 0] += Int64(entry.count) }
        return counts
    }

    /// Rows customers/invoices/payments/refunds, columns per status and a total.
    static func countsTable(_ counts: [EntityType: [SyncStatus: Int64]], style: Style) -> TextTable {
        var table = TextTable(["ENTITY"] + SyncStatus.shown.map(\.label) + ["TOTAL"], alignments: [.left] + Array(repeating: .right, count: SyncStatus.shown.count + 1))
        for entity in EntityType.shown {
            let row = counts[entity] ?? [:]
            let cells = SyncStatus.shown.map { status -> String in
                let count = row[status] ?? 0
                guard count != 0 else { return style.dim("0") }
                switch status {
                case .errored: return style.red(String(count))
                case .blocked: return style.yellow(String(count))
                default: return String(count)
                }
            }
            table.add([entity.plural] + cells + [String(row.values.reduce(0, +))])
        }
        return table
    }

    /// " (12s ago)" for an RFC 3339 time.
    static func ago(_ timestamp: String) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: timestamp) ?? ISO8601DateFormatter().date(from: timestamp) else { return "" }
        return " (\(formatDuration(seconds: max(0, Date().timeIntervalSince(date)))) ago)"
    }
}
