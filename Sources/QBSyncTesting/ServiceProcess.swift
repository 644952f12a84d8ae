import Foundation
import QBSyncClient
import QBSyncStore

#if canImport(Glibc)
import Glibc
#endif

/// `qbsync serve` as a child process, for tests that kill it (-9) and restart it.
public final class ServiceProcess: @unchecked Sendable {
    /// The built `qbsync` binary next to the test bundle (.build/<config>/qbsync), or $QBSYNC_BIN;
    /// the CLI tests run it too.
    public static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["QBSYNC_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("qbsync")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/qbsync")
    }

    /// The socket it listens on.
    public let socketPath: String
    private let arguments: [String]
    private let fileDescriptorLimit: Int?
    private let logPath: String
    private var process: ChildProcess?
    private let environment: [String: String]?

    /// Prepares (does not start) a service talking to QBO at `qboBaseURL`.
    ///
    /// - Parameters:
    ///   - qboBaseURL: The simulator's base URL.
    ///   - socketPath: Socket to listen on.
    ///   - databasePath: Database, kept across restarts.
    ///   - extraArguments: More `qbsync serve` options.
    ///   - fileDescriptorLimit: Runs it under `ulimit -n` (soft and hard) of this.
    ///   - environment: Variables set for it on top of this process's.
    public init(qboBaseURL: String, socketPath: String, databasePath: String, extraArguments: [String] = [], fileDescriptorLimit: Int? = nil,
                environment: [String: String] = [:]) {
        self.socketPath = socketPath
        self.environment = environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 }
        self.fileDescriptorLimit = fileDescriptorLimit
        self.logPath = socketPath + ".log"
        // On PostgreSQL: long company leases, unless the test sets its own (see `ServiceHarness`).
        let leases = PostgresLocation.isURL(databasePath) && !extraArguments.contains("--lease-seconds") ? ["--lease-seconds", "30"] : []
        self.arguments = ["serve", "--socket", socketPath, "--database", databasePath, "--qbo-base-url", qboBaseURL,
                          "--log-level", ProcessInfo.processInfo.environment["QBSYNC_TEST_LOG"] ?? "warning"] + leases + extraArguments
    }

    /// Starts the process and waits until it answers on its socket.
    public func start(timeout: Duration = .seconds(30)) async throws {
        FileManager.default.createFile(atPath: self.logPath, contents: nil)
        let log = open(self.logPath, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard log >= 0 else { throw ServiceProcessError(message: "cannot open \(self.logPath)") }
        defer { close(log) }
        let process: ChildProcess
        if let limit = self.fileDescriptorLimit {
            process = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "ulimit -n \(limit) && exec \"$0\" \"$@\"", Self.binary.path] + self.arguments,
                                       environment: self.environment, stdout: log, stderr: log)
        } else {
            process = try ChildProcess(executable: Self.binary.path, arguments: self.arguments, environment: self.environment, stdout: log, stderr: log)
        }
        self.process = process
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if let status = process.exitStatus {
                throw ServiceProcessError(message: "qbsync serve exited with \(status); log: \(self.logTail())")
            }
            if let client = try? await QBSyncClient(socketPath: self.socketPath) {
                await client.close()
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServiceProcessError(message: "qbsync serve did not answer within \(timeout); log: \(self.logTail())")
    }

    /// A test that fails before stopping its service leaves no process behind.
    deinit {
        guard let process = self.process, process.exitStatus == nil else { return }
        process.signal(SIGCONT)
        process.signal(SIGKILL)
        _ = process.waitUntilExit()
    }

    /// SIGKILL: no chance to finish anything.
    public func kill9() {
        guard let process = self.process else { return }
        process.signal(SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// SIGSTOP: the process stops dead, its sockets and connections open (a long pause, a partition).
    public func pause() {
        self.process?.signal(SIGSTOP)
    }

    /// SIGCONT after ``pause()``.
    public func resume() {
        self.process?.signal(SIGCONT)
    }

    /// SIGTERM, then waits for a graceful exit.
    @discardableResult
    public func terminate() -> Int32 {
        guard let process = self.process else { return 0 }
        process.signal(SIGTERM)
        self.process = nil
        return process.waitUntilExit()
    }

    /// The end of the process's log, for failure messages.
    public func logTail(_ bytes: Int = 2000) -> String {
        guard let data = FileManager.default.contents(atPath: self.logPath) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }
}

/// The child process failed to start.
public struct ServiceProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { self.message }
}
