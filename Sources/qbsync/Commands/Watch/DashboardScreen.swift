import Foundation
import QBSyncWire

/// Draws a ``Dashboard`` as the lines of one full screen.
enum DashboardScreen {
    static func render(_ dashboard: Dashboard, size: TerminalSize, style: Style, now: Date = Date()) -> [String] {
        var lines: [String] = []
        let clock = Self.clock(now)
        let link: String = switch dashboard.link {
        case .connecting: style.yellow("● connecting…")
        case .live: style.green("● live")
        case .reconnecting(let attempt, let reason, let retryAt):
            style.yellow("● reconnecting… (attempt \(attempt), next try in \(formatDuration(seconds: max(0, retryAt.timeIntervalSince(now))))): \(reason)")
        }
        let title = "\(style.bold("qbsync watch")) · company \(dashboard.company) · \(link) · #\(dashboard.lastSequence)"
        let right = "q quit  \(clock)"
        lines.append(title + String(repeating: " ", count: max(2, size.columns - title.visibleWidth - right.visibleWidth)) + style.dim(right))

        if let health = dashboard.health {
            var connection = "Connection  \(health.connectionState.styled(style))"
            if !health.realmID.isEmpty { connection += "  realm \(health.realmID)" }
            if !health.connectionMessage.isEmpty { connection += "  \(health.connectionMessage)" }
            lines.append(connection)
            let limit = max(1, Int(health.requestsPerMinuteLimit))
            let used = Int(health.requestsLastMinute)
            let width = 20
            let filled = min(width, used * width / limit)
            let gauge = (used * 100 / limit >= 80 ? style.red : style.green)(String(repeating: "█", count: filled)) + style.dim(String(repeating: "░", count: width - filled))
            lines.append("QBO rate    \(gauge) \(used)/\(health.requestsPerMinuteLimit) req/min   in flight \(health.requestsInFlight)/\(health.concurrentLimit)")
            let last = health.lastSyncedAt.isEmpty ? "never" : Self.clock(from: health.lastSyncedAt) + HealthText.ago(health.lastSyncedAt)
            lines.append("Queue       \(dashboard.queueDepth) waiting   Last sync \(last)   Customers \(dashboard.mappedCustomers) mapped, \(dashboard.unmappedCustomers) unmapped")
        } else {
            lines.append(style.dim("Waiting for the first health snapshot…"))
        }
        lines.append("")
        lines += HealthText.countsTable(dashboard.counts, style: style).lines(style: style)
        lines.append("")
        if let errors = dashboard.health?.latestErrors, let latest = errors.first, let error = latest.error {
            lines.append("\(style.red("Latest error")) \(latest.ref?.label ?? "?"): \(error.headline)" + (error.fixHint.isEmpty ? "" : "  fix: \(error.fixHint)"))
            lines.append("")
        }
        lines.append(style.bold("Latest events"))
        let room = max(0, size.rows - lines.count)
        for event in dashboard.events.prefix(room) {
            lines.append(Self.eventLine(event, style: style))
        }
        if dashboard.events.isEmpty && room > 0 { lines.append(style.dim("  (none yet: waiting for status changes)")) }
        return lines.prefix(size.rows).map { Self.truncate($0, to: size.columns, style: style) }
    }

    /// "14:02:10.123  #1234  invoice INV-1  PENDING → SYNCED  created in QBO as Invoice 145".
    static func eventLine(_ event: SyncEvent, style: Style) -> String {
        let from = event.fromStatus == .unspecified ? "new" : event.fromStatus.label
        var note = event.note
        if !event.blockers.isEmpty { note = event.blockers.map(\.summary).joined(separator: "; ") }
        if let error = event.error, !error.message.isEmpty, event.toStatus == .errored { note = error.headline }
        let ref = (event.ref?.label ?? "?").padding(toLength: 24, withPad: " ", startingAt: 0)
        let sequence = "#\(event.sequence)".padding(toLength: 7, withPad: " ", startingAt: 0)
        let to = event.toStatus.styled(style) + String(repeating: " ", count: max(0, 7 - event.toStatus.label.count))
        return "\(Self.clock(from: event.at))  \(style.dim(sequence)) \(ref) \(from.padding(toLength: 7, withPad: " ", startingAt: 0)) → \(to)  \(note)"
    }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date) + "Z"
    }

    /// "2026-11-21T14:33:24.622Z" -> "14:33:24.622".
    static func clock(from timestamp: String) -> String {
        guard let t = timestamp.firstIndex(of: "T") else { return timestamp }
        return String(timestamp[timestamp.index(after: t)...].prefix(12))
    }

    /// Cuts a line to `columns` visible characters, keeping escapes balanced.
    static func truncate(_ line: String, to columns: Int, style: Style) -> String {
        guard line.visibleWidth > columns else { return line }
        var result = ""
        var width = 0
        var inEscape = false
        for character in line {
            if inEscape {
                result.append(character)
                if character == "m" { inEscape = false }
            } else if character == "\u{1B}" {
                inEscape = true
                result.append(character)
            } else {
                if width >= columns - 1 { break }
                result.append(character)
                width += 1
            }
        }
        return result + (style.enabled ? "\u{1B}[0m" : "") + "…"
    }
}
