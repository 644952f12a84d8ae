#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A child process started with `posix_spawn`, for tests and their tools.
///
/// Not Foundation's `Process`: on Linux its `run()` looks for the highest open
/// descriptor by copying each `/proc/self/fd` entry's fixed-size `d_name`,
/// which reads past the end of glibc's directory buffer and crashed the test
/// process ("Bad pointer dereference" in `Process.run`) when an entry ended
/// near a page boundary. Here the child closes every descriptor from 3 up
/// (`posix_spawn_file_actions_addclosefrom_np`), so nothing of the test
/// process leaks into it, and nothing is scanned.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    private let exit = Mutex<Int32?>(nil)

    /// Starts `executable` (an absolute path) with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: The child's environment (default: this process's).
    ///   - stdin, stdout, stderr: Descriptors the child gets as 0, 1, 2; nil is /dev/null.
    ///   - newProcessGroup: Puts the child in a process group of its own.
    public init(
        executable: String, arguments: [String], environment: [String: String]? = nil,
        stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil, newProcessGroup: Bool = true
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (descriptor, target, flags) in [(stdin, STDIN_FILENO, O_RDONLY), (stdout, STDOUT_FILENO, O_WRONLY), (stderr, STDERR_FILENO, O_WRONLY)] {
            if let descriptor {
                posix_spawn_file_actions_adddup2(&actions, descriptor, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", flags, 0)
            }
        }
        try Self.closeFrom3(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals this process ignores or blocks are not the child's business.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        var envp: [UnsafeMutablePointer<CChar>?] = (variables ?? []).map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = variables == nil
            ? posix_spawn(&pid, executable, &actions, &attributes, &argv, environ)
            : posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp)
        guard result == 0 else {
            throw ChildProcessError(message: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc 2.34+ has it, but Swift's Glibc module does not export it (it is a GNU extension).
    private static func closeFrom3(_ actions: inout posix_spawn_file_actions_t) throws {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw ChildProcessError(message: "this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or newer is needed)")
        }
        let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
        guard closeFrom(&actions, 3) == 0 else { throw ChildProcessError(message: "posix_spawn_file_actions_addclosefrom_np failed") }
    }

    /// The exit status once it exited: its exit code, or 128 + the signal that ended it.
    public var exitStatus: Int32? {
        self.exit.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            guard waitpid(self.pid, &status, WNOHANG) == self.pid else { return nil }
            known = Self.decode(status)
            return known
        }
    }

    /// Whether it is still running.
    public var isRunning: Bool { self.exitStatus == nil }

    /// Blocks until it exits; returns its exit status.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        while true {
            if let status = self.exit.withLock({ $0 }) { return status }
            var status: Int32 = 0
            let result = waitpid(self.pid, &status, 0)
            if result == self.pid {
                let decoded = Self.decode(status)
                self.exit.withLock { $0 = decoded }
                return decoded
            }
            if result < 0 && errno != EINTR {
                // Reaped elsewhere (exitStatus raced us): it is recorded there.
                if let status = self.exit.withLock({ $0 }) { return status }
                return -1
            }
        }
    }

    /// Waits without blocking a thread, polling every 10 ms.
    @discardableResult
    public func exited(timeout: Duration? = nil) async throws -> Int32? {
        let end = timeout.map { ContinuousClock.now + $0 }
        while true {
            if let status = self.exitStatus { return status }
            if let end, ContinuousClock.now > end { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Sends `signal` (SIGTERM by default).
    public func signal(_ signal: Int32 = SIGTERM) {
        guard self.isRunning else { return }
        kill(self.pid, signal)
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// A pipe whose ends are closed on exec (the child gets its end by dup2;
    /// pipe2 is a GNU extension Swift's Glibc module does not export).
    public static func pipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard Glibc.pipe(&descriptors) == 0 else { throw ChildProcessError(message: "pipe failed: \(errno)") }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    /// Reads `descriptor` to EOF on a thread of its own, handing each chunk to
    /// `append`, then closes it and calls `done`.
    public static func drain(_ descriptor: Int32, append: @escaping @Sendable ([UInt8]) -> Void, done: @escaping @Sendable () -> Void = {}) {
        let thread = ReaderThread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                append(Array(buffer[0..<count]))
            }
            close(descriptor)
            done()
        }
        thread.start()
    }

    /// Writes all of `bytes` to `descriptor`, then closes it.
    public static func write(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            offset += count
        }
        close(descriptor)
    }

    /// Runs `executable` to completion and returns its status and output.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let out = try Self.pipe()
        let err = try Self.pipe()
        let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment, stdout: out.write, stderr: err.write)
        close(out.write)
        close(err.write)
        let collected = Mutex<(stdout: [UInt8], stderr: [UInt8], open: Int)>(([], [], 2))
        Self.drain(out.read, append: { chunk in collected.withLock { $0.stdout += chunk } }, done: { collected.withLock { $0.open -= 1 } })
        Self.drain(err.read, append: { chunk in collected.withLock { $0.stderr += chunk } }, done: { collected.withLock { $0.open -= 1 } })
        let status = child.waitUntilExit()
        while collected.withLock({ $0.open }) > 0 { usleep(1000) }
        return collected.withLock { (status, String(decoding: $0.stdout, as: UTF8.self), String(decoding: $0.stderr, as: UTF8.self)) }
    }
}

/// A thread that runs one blocking body (pipe reads must not hold a pool thread).
private final class ReaderThread: Sendable {
    private let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
    }

    func start() {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let reader = Unmanaged<ReaderThread>.fromOpaque(context!).takeRetainedValue()
            reader.body()
            return nil
        }, box.toOpaque())
        if result == 0 {
            pthread_detach(thread)
        } else {
            box.release()
            self.body()
        }
    }
}

/// The child could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { self.message }
}
