// What every load generator shares: arguments, latency summaries, the one JSON line each
// prints for Scripts/bench, process RSS, and the QBO simulator's admin API.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

func argument(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let index = args.firstIndex(of: name), index + 1 < args.count { return args[index + 1] }
    return value
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("qbsync-bench: \(message)\n".utf8))
    exit(1)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The value at fraction `p` of sorted nanoseconds, in microseconds.
func percentileMicroseconds(_ sorted: [UInt64], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// Prints one JSON object on one line; values are JSON already (numbers, quoted strings).
func printJSON(_ fields: KeyValuePairs<String, String>, extra: [String: String] = [:]) {
    var parts = fields.map { "\"\($0.key)\":\($0.value)" }
    for (key, value) in extra.sorted(by: { $0.key < $1.key }) { parts.append("\"\(key)\":\(value)") }
    print("{" + parts.joined(separator: ",") + "}")
    fflush(nil)
}

/// Latencies in nanoseconds -> summary JSON line.
func report(_ label: String, latencies: [UInt64], elapsed: Duration, extra: [String: String] = [:]) {
    let sorted = latencies.sorted()
    printJSON([
        "label": "\"\(label)\"",
        "calls": "\(sorted.count)",
        "calls_per_second": "\(Int(Double(sorted.count) / seconds(elapsed)))",
        "p50_us": format(percentileMicroseconds(sorted, 0.5)),
        "p99_us": format(percentileMicroseconds(sorted, 0.99)),
    ], extra: extra)
}

func rssKiB(pid: Int32 = getpid()) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

/// This process's CPU time (user + system) and context switches (voluntary + involuntary) so far.
struct ProcessUsage {
    var cpuMicroseconds: Double
    var contextSwitches: Int

    static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        return ProcessUsage(cpuMicroseconds: cpu, contextSwitches: usage.ru_nvcsw + usage.ru_nivcsw)
    }

    /// What was spent since `earlier`, per unit of work, as JSON fields.
    func fields(since earlier: ProcessUsage, per count: Int, unit: String) -> [String: String] {
        let n = Double(max(count, 1))
        return [
            "cpu_us_per_\(unit)": format((self.cpuMicroseconds - earlier.cpuMicroseconds) / n),
            "ctx_switches_per_\(unit)": format(Double(self.contextSwitches - earlier.contextSwitches) / n, 2),
        ]
    }
}

/// Now, in nanoseconds of the monotonic clock.
func nowNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Hands out consecutive numbers to tasks.
final class Tickets: Sendable {
    private let next: Atomic<Int>
    init(from start: Int = 0) { self.next = Atomic(start) }
    func take() -> Int { self.next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// A counter shared by tasks.
final class Counter: Sendable {
    let value = Mutex(0)
    func add(_ n: Int = 1) { self.value.withLock { $0 += n } }
    var current: Int { self.value.withLock { $0 } }
}

// MARK: - The QBO simulator's admin API and token endpoint

/// A realm's OAuth client and refresh token, as the simulator's admin API hands them out.
struct RealmGrant: Sendable {
    var realmID: String
    var clientID: String
    var clientSecret: String
    var refreshToken: String
}

/// The counters of `GET /admin/realms/{id}/stats`.
struct RealmStats: Sendable {
    var requests = 0
    var writes = 0
    var throttled = 0
    var maxConcurrentSeen = 0
    var requestsLastMinute = 0
}

/// The admin API (no auth) of a `qbo-sim` at `base`, e.g. `http://127.0.0.1:8089`.
struct SimulatorAdmin: Sendable {
    let base: String

    init(base: String) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// Creates a realm, or (with an existing id) issues a new refresh token for it.
    func grant(realmID: String? = nil) async throws -> RealmGrant {
        let body = realmID.map { "{\"realmId\":\"\($0)\"}" } ?? "{}"
        let json = try await self.call("POST", "/admin/realms", body: Data(body.utf8))
        guard let realm = json["realmId"] as? String, let refresh = json["refreshToken"] as? String else {
            fail("the simulator at \(self.base) did not create a realm: \(json)")
        }
        return RealmGrant(realmID: realm, clientID: json["clientId"] as? String ?? "",
                          clientSecret: json["clientSecret"] as? String ?? "", refreshToken: refresh)
    }

    func stats(realmID: String) async throws -> RealmStats {
        let json = try await self.call("GET", "/admin/realms/\(realmID)/stats")
        func int(_ key: String) -> Int { (json[key] as? NSNumber)?.intValue ?? 0 }
        return RealmStats(requests: int("requests"), writes: int("writes"), throttled: int("throttled"),
                          maxConcurrentSeen: int("maxConcurrentSeen"), requestsLastMinute: int("requestsLastMinute"))
    }

    func setLimits(realmID: String, requestsPerMinute: Int, concurrent: Int) async throws {
        _ = try await self.call("POST", "/admin/realms/\(realmID)/limits",
                                body: Data("{\"requestsPerMinute\":\(requestsPerMinute),\"concurrent\":\(concurrent)}".utf8))
    }

    /// Refreshes through the token endpoint: (access token, rotated refresh token, lifetime in seconds).
    func accessToken(_ grant: RealmGrant) async throws -> (access: String, refresh: String, expiresIn: Int) {
        var request = URLRequest(url: URL(string: self.base + "/oauth2/v1/tokens/bearer")!)
        request.httpMethod = "POST"
        let basic = Data("\(grant.clientID):\(grant.clientSecret)".utf8).base64EncodedString()
        request.setValue("Basic \(basic)", forHTTPHeaderField: "Authorization")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let form = "grant_type=refresh_token&refresh_token=" + (grant.refreshToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        request.httpBody = Data(form.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard let access = json["access_token"] as? String, let refresh = json["refresh_token"] as? String else {
            fail("the token endpoint refused the refresh: \(String(decoding: data, as: UTF8.self))")
        }
        return (access, refresh, (json["expires_in"] as? NSNumber)?.intValue ?? 3600)
    }

    private func call(_ method: String, _ path: String, body: Data? = nil) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: self.base + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}
