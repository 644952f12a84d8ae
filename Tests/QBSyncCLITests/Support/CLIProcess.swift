import Foundation
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

/// The `qbsync` binary as a child process, its output collected as it comes.
final class CLIProcess: Sendable {
    private let process: Process
    private let output = Mutex<(stdout: Data, stderr: Data)>((Data(), Data()))
    private let exited = Mutex<Int32?>(nil)

    /// Starts `qbsync args...` with NO_COLOR set and QBSYNC_* variables cleared.
    init(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws {
        let process = Process()
        process.executableURL = CLIBinary.url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("QBSYNC_") }
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        self.process = process
        out.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            self.output.withLock { $0.stdout.append(data) }
        }
        err.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            self.output.withLock { $0.stderr.append(data) }
        }
        process.terminationHandler = { [self] process in self.exited.withLock { $0 = process.terminationStatus } }
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
    }

    /// Sends SIGTERM.
    func terminate() { self.process.terminate() }

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

    /// Waits for the process to exit (killing it after `timeout`).
    func finish(timeout: Duration = .seconds(60)) async throws -> CLIResult {
        let end = ContinuousClock.now + timeout
        while self.exited.withLock({ $0 }) == nil {
            if ContinuousClock.now > end {
                self.process.terminate()
                throw CLIError("qbsync did not exit within \(timeout): \(self.stdout) \(self.stderr)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        // Let the pipes drain.
        try await Task.sleep(for: .milliseconds(30))
        return CLIResult(status: self.exited.withLock { $0 } ?? -1, stdout: self.stdout, stderr: self.stderr)
    }

    /// Runs `qbsync args...` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> CLIResult {
        try await CLIProcess(arguments, environment: environment, stdin: stdin).finish(timeout: timeout)
    }
}
