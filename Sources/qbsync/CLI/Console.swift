import Foundation

/// Where the CLI writes: stdout for results, stderr for errors and notes.
enum Console {
    /// Writes a line (or lines) to stdout.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes text to stdout without a newline (progress bars).
    static func raw(_ text: String, to handle: FileHandle = .standardOutput) {
        handle.write(Data(text.utf8))
    }

    /// Writes a line to stderr.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// True when the file descriptor is a terminal.
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Columns of the terminal on `descriptor`, else $COLUMNS, else 100.
    static func columns(_ descriptor: Int32 = STDOUT_FILENO) -> Int {
        TerminalSize.current(descriptor)?.columns ?? ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 100
    }
}

/// A terminal's size in character cells.
struct TerminalSize: Equatable {
    var columns: Int
    var rows: Int

    static func current(_ descriptor: Int32 = STDOUT_FILENO) -> TerminalSize? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return TerminalSize(columns: Int(size.ws_col), rows: Int(size.ws_row))
    }
}

/// ANSI styling, on only when writing to a terminal and NO_COLOR is unset.
struct Style: Sendable {
    let enabled: Bool

    /// Styling for stdout (or another descriptor).
    static func forOutput(_ descriptor: Int32 = STDOUT_FILENO) -> Style {
        let environment = ProcessInfo.processInfo.environment
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return Style(enabled: Console.isTerminal(descriptor) && !noColor && environment["TERM"] != "dumb")
    }

    static let plain = Style(enabled: false)

    func wrap(_ text: String, _ code: String) -> String { self.enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { self.wrap(text, "1") }
    func dim(_ text: String) -> String { self.wrap(text, "2") }
    func red(_ text: String) -> String { self.wrap(text, "31") }
    /// Yellow, for warnings.
    func warning(_ text: String) -> String { self.wrap(text, "33") }
    func green(_ text: String) -> String { self.wrap(text, "32") }
    func yellow(_ text: String) -> String { self.wrap(text, "33") }
    func cyan(_ text: String) -> String { self.wrap(text, "36") }

    /// A green ✓ or a red ✗.
    func check(_ ok: Bool) -> String { ok ? self.green("✓") : self.red("✗") }
}

extension String {
    /// Columns the text takes on a terminal, ANSI escapes not counted.
    var visibleWidth: Int {
        var width = 0
        var inEscape = false
        for scalar in self.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }
}

/// Help text as paragraphs: lines of a paragraph are joined so ArgumentParser
/// wraps them to the terminal; indented lines (lists, examples) stay as written.
func reflow(_ text: String) -> String {
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if let last = lines.last, !last.isEmpty, !line.isEmpty, !line.hasPrefix(" "), !last.hasPrefix(" "), !last.hasSuffix(":") {
            lines[lines.count - 1] = last + " " + line
        } else {
            lines.append(line)
        }
    }
    return lines.joined(separator: "\n")
}
