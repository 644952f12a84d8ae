// QBO client load generators (Scripts/bench qbo): QBOClient over CurlTransport against a
// qbo-sim process, reads and writes, sequential and with several requests in flight.
// Benchmarks/curl-floor/floor.c is the bare-libcurl floor it is compared with.
import BenchSupport
import Foundation
import QBOClient
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Creates a realm, lifts its limits, and fetches an access token: prints one JSON line the
/// script hands to both `qbo-client` and the libcurl floor, so both use the same realm,
/// endpoint and bearer token.
func runQBOSetup() async throws {
    let admin = SimulatorAdmin(base: argument("--qbo", default: "http://127.0.0.1:8089"))
    let grant = try await admin.grant()
    try await admin.setLimits(realmID: grant.realmID, requestsPerMinute: 100_000_000, concurrent: 1000)
    let token = try await admin.accessToken(grant)
    printJSON([
        "realm": "\"\(grant.realmID)\"", "client_id": "\"\(grant.clientID)\"", "client_secret": "\"\(grant.clientSecret)\"",
        "refresh_token": "\"\(token.refresh)\"", "access_token": "\"\(token.access)\"", "expires_in": "\(token.expiresIn)",
    ])
}

/// `--op read` (GET item 1) or `--op write` (POST a customer with a unique DisplayName and
/// requestid) through `QBOClient`, `--inflight` calls at a time, for `--seconds` after
/// `--warmup` calls. Reports latency and `CurlTransport.connectionsOpened`.
func runQBOClient() async throws {
    let base = argument("--qbo", default: "http://127.0.0.1:8089")
    let op = argument("--op", default: "read")
    let inflight = Int(argument("--inflight", default: "1"))!
    let duration = Double(argument("--seconds", default: "3"))!
    let warmup = Int(argument("--warmup", default: "300"))!
    let tag = argument("--tag", default: "\(getpid())")
    let transport = try CurlTransport(configuration: CurlTransport.Configuration())
    let session = OAuthSession(
        credentials: OAuthClientCredentials(clientID: argument("--client-id", default: ""), clientSecret: Secret(argument("--client-secret", default: ""))),
        tokens: OAuthTokens(accessToken: Secret(argument("--access-token", default: "")), refreshToken: Secret(argument("--refresh-token", default: "")),
                            accessTokenExpiresAt: Date() + Double(Int(argument("--expires-in", default: "3600"))! - 120)),
        tokenEndpoint: base + "/oauth2/v1/tokens/bearer",
        transport: transport,
        persist: { _ in }
    )
    let client = QBOClient(realmID: argument("--realm", default: ""), transport: transport, auth: session,
                           configuration: QBOClient.Configuration(baseURL: base))
    let sequence = Tickets()
    let failures = Counter()
    @Sendable func call() async {
        do {
            if op == "write" {
                let n = sequence.take()
                _ = try await client.create(QBO.Customer(displayName: "client \(tag) \(n)"), requestID: try RequestID("c-\(tag)-\(n)"))
            } else {
                _ = try await client.read(QBO.Item.self, id: "1")
            }
        } catch {
            if failures.current == 0 { FileHandle.standardError.write(Data("qbo-client: \(error)\n".utf8)) }
            failures.add()
        }
    }
    for _ in 0..<warmup { await call() }
    guard failures.current == 0 else { fail("warm-up calls failed") }
    let usage = ProcessUsage.now()
    let start = ContinuousClock.now
    let end = start + .milliseconds(Int64(duration * 1000))
    let latencies = await withTaskGroup(of: [UInt64].self) { group in
        for _ in 0..<inflight {
            group.addTask {
                var local: [UInt64] = []
                local.reserveCapacity(100_000)
                while ContinuousClock.now < end {
                    let t0 = nowNanoseconds()
                    await call()
                    local.append(nowNanoseconds() - t0)
                }
                return local
            }
        }
        return await group.reduce(into: []) { $0 += $1 }
    }
    let elapsed = ContinuousClock.now - start
    let spent = ProcessUsage.now().fields(since: usage, per: latencies.count, unit: "request")
    report("qbo-client", latencies: latencies, elapsed: elapsed, extra: spent.merging([
        "op": "\"\(op)\"", "inflight": "\(inflight)", "errors": "\(failures.current)",
        "connections_opened": "\(transport.connectionsOpened)", "mean_us": format(seconds(elapsed) * 1e6 * Double(inflight) / Double(max(latencies.count, 1))),
    ]) { $1 })
    await transport.shutdown()
}
