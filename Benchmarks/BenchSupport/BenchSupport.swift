// What every load generator shares (qbsync-bench and qbsync-rpc-bench): arguments, latency
// summaries, the one JSON line each prints for Scripts/bench, process RSS and CPU time.
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

public func argument(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let index = args.firstIndex(of: name), index + 1 < args.count { return args[index + 1] }
    return value
}

public func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("qbsync-bench: \(message)\n".utf8))
    exit(1)
}

public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The value at fraction `p` of sorted nanoseconds, in microseconds.
public func percentileMicroseconds(_ sorted: [UInt64], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
}

public func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// Prints one JSON object on one line; values are JSON already (numbers, quoted strings).
public func printJSON(_ fields: KeyValuePairs<String, String>, extra: [String: String] = [:]) {
    var parts = fields.map { "\"\($0.key)\":\($0.value)" }
    for (key, value) in extra.sorted(by: { $0.key < $1.key }) { parts.append("\"\(key)\":\(value)") }
    print("{" + parts.joined(separator: ",") + "}")
    fflush(nil)
}

/// Latencies in nanoseconds -> summary JSON line.
public func report(_ label: String, latencies: [UInt64], elapsed: Duration, extra: [String: String] = [:]) {
    let sorted = latencies.sorted()
    printJSON([
        "label": "\"\(label)\"",
        "calls": "\(sorted.count)",
        "calls_per_second": "\(Int(Double(sorted.count) / seconds(elapsed)))",
        "p50_us": format(percentileMicroseconds(sorted, 0.5)),
        "p99_us": format(percentileMicroseconds(sorted, 0.99)),
    ], extra: extra)
}

public func rssKiB(pid: Int32 = getpid()) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

/// This process's CPU time (user + system) and context switches (voluntary + involuntary) so far.
public struct ProcessUsage {
    public var cpuMicroseconds: Double
    public var contextSwitches: Int

    public static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        return ProcessUsage(cpuMicroseconds: cpu, contextSwitches: usage.ru_nvcsw + usage.ru_nivcsw)
    }

    /// What was spent since `earlier`, per unit of work, as JSON fields.
    public func fields(since earlier: ProcessUsage, per count: Int, unit: String) -> [String: String] {
        let n = Double(max(count, 1))
        return [
            "cpu_us_per_\(unit)": format((self.cpuMicroseconds - earlier.cpuMicroseconds) / n),
            "ctx_switches_per_\(unit)": format(Double(self.contextSwitches - earlier.contextSwitches) / n, 2),
        ]
    }
}

/// Now, in nanoseconds of the monotonic clock.
public func nowNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Hands out consecutive numbers to tasks.
public final class Tickets: Sendable {
    private let next: Atomic<Int>
    public init(from start: Int = 0) { self.next = Atomic(start) }
    public func take() -> Int { self.next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// A counter shared by tasks.
public final class Counter: Sendable {
    public let value = Mutex(0)
    public init() {}
    public func add(_ n: Int = 1) { self.value.withLock { $0 += n } }
    public var current: Int { self.value.withLock { $0 } }
}
