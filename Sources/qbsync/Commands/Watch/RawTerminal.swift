import Foundation

/// The terminal in full-screen mode for `watch`: raw keys (no echo, no line
/// buffering, Ctrl-C as a key), the alternate screen, the cursor hidden.
/// ``restore()`` puts everything back; it is idempotent.
final class RawTerminal: @unchecked Sendable {
    private var saved = termios()
    private var active = false
    private let lock = NSLock()

    /// Enters full-screen mode on stdin/stdout.
    init() throws {
        guard tcgetattr(STDIN_FILENO, &self.saved) == 0 else { throw CLIFailure.usage("watch needs a terminal on stdin") }
        var raw = self.saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { bytes in
            bytes[Int(VMIN)] = 1
            bytes[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0 else { throw CLIFailure.usage("watch cannot put the terminal in raw mode") }
        self.active = true
        self.write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Draws a frame: each line cleared to its end, the rest of the screen cleared.
    func draw(_ lines: [String]) {
        self.write("\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\u{1B}[J")
    }

    /// Leaves the alternate screen and restores the terminal's settings.
    func restore() {
        self.lock.lock()
        defer { self.lock.unlock() }
        guard self.active else { return }
        self.active = false
        self.write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        var saved = self.saved
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
    }

    deinit { self.restore() }
}
