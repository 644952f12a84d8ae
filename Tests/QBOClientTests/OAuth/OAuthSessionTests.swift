import Foundation
import Synchronization
import Testing
@testable import QBOClient

/// Refresh, rotation, single flight and secrecy, against a scripted API and token endpoint.
@Suite("OAuth session and the 401 path", .timeLimit(.minutes(1)))
struct OAuthSessionTests {
    /// A fake QBO: the API accepts only the current access token; the token
    /// endpoint rotates both tokens on each refresh with the current refresh token.
    final class FakeIntuit: Sendable {
        struct State {
            var accessToken = "access-0"
            var refreshToken = "refresh-0"
            var generation = 0
            var refreshRequests: [ScriptedHTTPServer.Request] = []
            var deadGrant = false
            var apiAlwaysUnauthorized = false
        }

        let state = Mutex(State())

        var refreshes: Int { state.withLock { $0.refreshRequests.count } }

        func handle(_ request: ScriptedHTTPServer.Request) -> ScriptedHTTPServer.Action {
            if request.path == "/oauth2/v1/tokens/bearer" {
                return state.withLock { state in
                    state.refreshRequests.append(request)
                    let form = request.body.formFields
                    guard !state.deadGrant, form["refresh_token"] == state.refreshToken else {
                        return .json(400, #"{"error":"invalid_grant"}"#)
                    }
                    usleep(100_000) // keep the refresh open long enough for callers to pile up
                    state.generation += 1
                    state.accessToken = "access-\(state.generation)"
                    state.refreshToken = "refresh-\(state.generation)"
                    return .json(200, #"{"token_type":"bearer","expires_in":3600,"refresh_token":"\#(state.refreshToken)","x_refresh_token_expires_in":8726400,"access_token":"\#(state.accessToken)"}"#)
                }
            }
            let authorized = state.withLock { !$0.apiAlwaysUnauthorized && request.headers["authorization"] == "Bearer \($0.accessToken)" }
            guard authorized else { return .fixture(401, "qbo_api__fault__3200_token_expired_401") }
            return .fixture(200, "qbo_api__customer__create_response")
        }
    }

    /// Records persisted token sets and the order of events.
    final class Store: Sendable {
        let saved = Mutex<[OAuthTokens]>([])
        let failuresLeft = Mutex(0)

        func persist(_ tokens: OAuthTokens) async throws {
            try failuresLeft.withLock { left in
                if left > 0 {
                    left -= 1
                    throw POSIXError(.EIO)
                }
            }
            saved.withLock { $0.append(tokens) }
        }
    }

    private func scenario(
        initialAccess: String? = "access-0",
        expiresAt: Date? = nil,
        logs: LogCapture = LogCapture(),
        _ body: (QBOClient, OAuthSession, FakeIntuit, Store, ScriptedHTTPServer) async throws -> Void
    ) async throws {
        let intuit = FakeIntuit()
        let store = Store()
        try await withServer({ intuit.handle($0) }) { server in
            try await withTransport { transport in
                let session = OAuthSession(
                    credentials: OAuthClientCredentials(clientID: "client-id", clientSecret: Secret("client-secret-xyz")),
                    tokens: OAuthTokens(accessToken: initialAccess.map(Secret.init), refreshToken: Secret("refresh-0"), accessTokenExpiresAt: expiresAt),
                    tokenEndpoint: "\(server.baseURL)/oauth2/v1/tokens/bearer",
                    transport: transport,
                    logger: logs.logger("oauth"),
                    persist: { try await store.persist($0) }
                )
                let client = QBOClient(
                    realmID: "123", transport: transport, auth: session,
                    configuration: .init(baseURL: server.baseURL), logger: logs.logger("client")
                )
                try await body(client, session, intuit, store, server)
            }
        }
    }

    @Test func tokenResponseFixture() throws {
        let parsed = try JSONDecoder().decode(TokenEndpointResponse.self, from: Fixtures.data("QuickBooks-V3-DotNET-SDK__oauth__token_response"))
        let now = Date(timeIntervalSince1970: 1_000_000)
        let tokens = try parsed.tokens(previousRefreshToken: Secret("old"), now: now)
        #expect(tokens.accessToken == Secret("access_token"))
        #expect(tokens.refreshToken == Secret("refresh_token"))
        #expect(tokens.accessTokenExpiresAt == now.addingTimeInterval(3600))
        #expect(tokens.refreshTokenExpiresAt == now.addingTimeInterval(15_552_000))
        #expect(parsed.tokenType == "bearer")
    }

    @Test func expiredTokenIsRefreshedOnceAndTheCallSucceeds() async throws {
        try await scenario { client, session, intuit, store, server in
            intuit.state.withLock { $0.accessToken = "access-expired" }
            let customer = try await client.read(QBO.Customer.self, id: "70")
            #expect(customer.id == "70")
            #expect(intuit.refreshes == 1)
            #expect(await session.refreshCount == 1)
            // Rotation: the new refresh token was stored before the new access token was used.
            #expect(store.saved.withLock { $0.map(\.refreshToken) } == [Secret("refresh-1")])
            let requests = server.requests
            #expect(requests.map(\.path) == ["/v3/company/123/customer/70", "/oauth2/v1/tokens/bearer", "/v3/company/123/customer/70"])
            #expect(requests[2].headers["authorization"] == "Bearer access-1")
            // The token request: Basic client auth and the form body.
            let refresh = requests[1]
            #expect(refresh.method == "POST")
            #expect(refresh.headers["authorization"] == "Basic " + Data("client-id:client-secret-xyz".utf8).base64EncodedString())
            #expect(refresh.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(refresh.body.formFields == ["grant_type": "refresh_token", "refresh_token": "refresh-0"])
            // Later calls use the new token without refreshing again.
            _ = try await client.read(QBO.Customer.self, id: "70")
            #expect(intuit.refreshes == 1)
        }
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        try await scenario { client, _, intuit, store, _ in
            intuit.state.withLock { $0.accessToken = "access-expired" }
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await client.read(QBO.Customer.self, id: "70").id }
                }
                for try await id in group { #expect(id == "70") }
            }
            #expect(intuit.refreshes == 1)
            #expect(store.saved.withLock { $0.count } == 1)
        }
    }

    @Test func missingAccessTokenRefreshesBeforeTheFirstCall() async throws {
        try await scenario(initialAccess: nil) { client, _, intuit, _, server in
            _ = try await client.read(QBO.Customer.self, id: "70")
            #expect(intuit.refreshes == 1)
            #expect(server.requests.map(\.path) == ["/oauth2/v1/tokens/bearer", "/v3/company/123/customer/70"])
        }
    }

    @Test func tokenAboutToExpireIsRefreshedAhead() async throws {
        try await scenario(expiresAt: Date().addingTimeInterval(30)) { client, _, intuit, _, server in
            _ = try await client.read(QBO.Customer.self, id: "70")
            #expect(intuit.refreshes == 1)
            #expect(server.requests.first?.path == "/oauth2/v1/tokens/bearer")
        }
    }

    @Test func secondUnauthorizedIsAuthDead() async throws {
        try await scenario { client, _, intuit, _, _ in
            intuit.state.withLock { $0.apiAlwaysUnauthorized = true }
            let error = await expectQBOError { _ = try await client.read(QBO.Customer.self, id: "70") }
            #expect(error?.kind == .authDead)
            #expect(error?.code == "3200")
            #expect(intuit.refreshes == 1, "refresh once, retry once, then stop")
        }
    }

    @Test func invalidGrantIsAuthDeadUntilReconnected() async throws {
        try await scenario { client, session, intuit, store, _ in
            intuit.state.withLock { state in
                state.accessToken = "access-expired"
                state.deadGrant = true
            }
            let first = await expectQBOError { _ = try await client.read(QBO.Customer.self, id: "70") }
            #expect(first?.kind == .authDead)
            #expect(first?.code == "invalid_grant")
            #expect(first?.httpStatus == 400)
            #expect(await session.isDead)
            let second = await expectQBOError { _ = try await client.read(QBO.Customer.self, id: "70") }
            #expect(second?.kind == .authDead)
            #expect(intuit.refreshes == 1, "a dead session does not hammer the token endpoint")
            #expect(store.saved.withLock { $0.isEmpty })

            intuit.state.withLock { $0.accessToken = "access-reconnected" }
            await session.reconnect(with: OAuthTokens(accessToken: Secret("access-reconnected"), refreshToken: Secret("refresh-new")))
            let afterReconnect = try await client.read(QBO.Customer.self, id: "70")
            #expect(afterReconnect.id == "70")
        }
    }

    @Test func failedPersistenceKeepsTheRotatedTokensAndRetriesStoringOnly() async throws {
        try await scenario { client, session, intuit, store, server in
            intuit.state.withLock { $0.accessToken = "access-expired" }
            store.failuresLeft.withLock { $0 = 1 }
            let error = await expectQBOError { _ = try await client.read(QBO.Customer.self, id: "70") }
            #expect(error?.kind == .transient)
            // The new access token was not used while its refresh token was unsaved.
            #expect(server.requests.filter { $0.headers["authorization"] == "Bearer access-1" }.isEmpty)
            let afterStoring = try await client.read(QBO.Customer.self, id: "70")
            #expect(afterStoring.id == "70")
            #expect(intuit.refreshes == 1, "the spent refresh token is not used again")
            #expect(store.saved.withLock { $0.map(\.refreshToken) } == [Secret("refresh-1")])
            #expect(await session.refreshCount == 1)
        }
    }

    @Test func tokensNeverReachLogsOrErrors() async throws {
        let logs = LogCapture()
        try await scenario(logs: logs) { client, _, intuit, _, _ in
            intuit.state.withLock { $0.accessToken = "access-expired" }
            _ = try await client.read(QBO.Customer.self, id: "70")
            intuit.state.withLock { $0.apiAlwaysUnauthorized = true }
            let error = await expectQBOError { _ = try await client.read(QBO.Customer.self, id: "70") }
            let texts = [logs.text, "\(String(describing: error))", String(reflecting: error as Any)]
            #expect(!logs.all.isEmpty)
            for text in texts {
                for secret in ["access-0", "access-1", "access-2", "refresh-0", "refresh-1", "client-secret-xyz", "AB01601390262"] {
                    #expect(!text.contains(secret), "\(secret) leaked")
                }
            }
        }
    }

    @Test func secretsDescribeThemselvesAsRedacted() {
        let secret = Secret("hunter2")
        let tokens = OAuthTokens(accessToken: secret, refreshToken: Secret("refresh-hunter3"))
        let credentials = OAuthClientCredentials(clientID: "id", clientSecret: Secret("hunter4"))
        var dumped = ""
        dump(tokens, to: &dumped)
        dump(credentials, to: &dumped)
        for text in ["\(secret)", String(reflecting: secret), "\(tokens)", String(reflecting: tokens), "\(credentials)", dumped] {
            #expect(!text.contains("hunter"), "leaked in: \(text)")
        }
        #expect(secret.description == "<redacted>")
        #expect(secret.exposedValue == "hunter2")
    }

    @Test func redactionScrubsTokenShapedText() {
        #expect(Redaction.scrub("Token expired: AB0160xyz") == "Token expired: <redacted>")
        #expect(Redaction.scrub(#"{"access_token":"eyJabc","x":1}"#) == #"{"access_token":"<redacted>","x":1}"#)
        #expect(Redaction.scrub("Authorization: Bearer abc.def") == "Authorization: Bearer <redacted>")
        #expect(Redaction.scrub("grant_type=refresh_token&refresh_token=R1&x=2") == "grant_type=refresh_token&refresh_token=<redacted>&x=2")
        #expect(Redaction.scrub("Stale Object Error") == "Stale Object Error")
    }
}

extension Data {
    /// `application/x-www-form-urlencoded` fields.
    var formFields: [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: self, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }
}
