import Foundation
import QBSyncTesting
import Synchronization

/// What one run of the `qbsync` binary did.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    /// stdout parsed as a JSON object.
    func object() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(self.stdout.utf8)) as? [String: Any] else {
            throw CLIError("stdout is not a JSON object: \(self.stdout)")
        }
        return object
    }

    /// stdout parsed as a JSON array.
    func array() throws -> [[String: Any]] {
        guard let array = try JSONSerialization.jsonObject(with: Data(self.stdout.utf8)) as? [[String: Any]] else {
            throw CLIError("stdout is not a JSON array: \(self.stdout)")
        }
        return array
    }

    var description: String { "exit \(self.status)\n--- stdout\n\(self.stdout)\n--- stderr\n\(self.stderr)" }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The `qbsync` binary as a child process (`ChildProcess`), its output collected as it comes.
///
/// Each pipe is drained by its own thread with blocking reads until EOF. (Not
/// `FileHandle.readabilityHandler`: its dispatch read source outlives the pipe's
/// descriptor on Linux and crashes libdispatch's event loop under load.)
final class CLIProcess: Sendable {
    private let process: ChildProcess
    private let output = Mutex<(stdout: [UInt8], stderr: [UInt8], openPipes: Int)>(([], [], 2))

    /// Starts `qbsync args...` with NO_COLOR set and QBSYNC_* variables cleared.
    init(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("QBSYNC_") }
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        let out = try ChildProcess.pipe()
        let err = try ChildProcess.pipe()
        let input = try ChildProcess.pipe()
        self.process = try ChildProcess(executable: ServiceProcess.binary.path, arguments: arguments, environment: env,
                                        stdin: input.read, stdout: out.write, stderr: err.write)
        for descriptor in [out.write, err.write, input.read] { close(descriptor) }
        ChildProcess.drain(out.read, append: { [self] chunk in self.output.withLock { $0.stdout += chunk } }, done: { [self] in self.output.withLock { $0.openPipes -= 1 } })
        ChildProcess.drain(err.read, append: { [self] chunk in self.output.withLock { $0.stderr += chunk } }, done: { [self] in self.output.withLock { $0.openPipes -= 1 } })
        ChildProcess.write(Array((stdin ?? "").utf8), to: input.write)
    }

    /// Sends SIGTERM.
    func terminate() { self.process.signal(SIGTERM) }

    var stdout: String { self.output.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { self.output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// Waits until stdout or stderr contains `text`.
    func waitForOutput(_ text: String, timeout: Duration = .seconds(20)) async throws {
        let end = ContinuousClock.now + timeout
        while !(self.stdout.contains(text) || self.stderr.contains(text)) {
            if ContinuousClock.now > end { throw CLIError("no '\(text)' within \(timeout): \(self.stdout) \(self.stderr)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the process to exit and its output to reach EOF (killing it after `timeout`).
    func finish(timeout: Duration = .seconds(60)) async throws -> CLIResult {
        let end = ContinuousClock.now + timeout
        while self.process.isRunning || self.output.withLock({ $0.openPipes }) > 0 {
            if ContinuousClock.now > end {
                self.process.signal(SIGTERM)
                throw CLIError("qbsync did not exit within \(timeout): \(self.stdout) \(self.stderr)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return CLIResult(status: self.process.exitStatus ?? -1, stdout: self.stdout, stderr: self.stderr)
    }

    /// Runs `qbsync args...` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> CLIResult {
        try await CLIProcess(arguments, environment: environment, stdin: stdin).finish(timeout: timeout)
    }
}
