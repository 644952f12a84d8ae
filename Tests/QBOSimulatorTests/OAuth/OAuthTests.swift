import Foundation
import Testing

@testable import QBOSimulator

/// The token endpoint and bearer tokens on the API.
@Suite(.timeLimit(.minutes(3))) struct OAuthTests {
    @Test func refreshReturnsIntuitsShapeAndRotatesTheRefreshToken() async throws {
        try await withSimulator { qbo in
            let credentials = await qbo.simulator.createRealm(qbo.realm.realmId)
            let before = try await qbo.simulator.stats(realmID: qbo.realm.realmId)
            let reply = try await qbo.refresh(credentials.refreshToken)
            #expect(reply.status == 200)
            let grant = try reply.json()
            #expect(grant.objectValue?.keys == [
                "token_type", "expires_in", "refresh_token", "x_refresh_token_expires_in", "access_token",
            ])
            #expect(grant["token_type"] == "bearer")
            #expect(grant["expires_in"] == 3600)
            let rotated = try #require(grant["refresh_token"]?.stringValue)
            #expect(rotated != credentials.refreshToken)
            // The old refresh token died the moment it was used.
            let reused = try await qbo.refresh(credentials.refreshToken)
            #expect(reused.status == 400)
            #expect(try reused.json() == ["error": "invalid_grant"])
            // The new one works, once.
            #expect(try await qbo.refresh(rotated).status == 200)
            #expect(try await qbo.refresh(rotated).status == 400)
            // Each spent token presented again is counted: a client used a refresh token twice.
            let stats = try await qbo.simulator.stats(realmID: qbo.realm.realmId)
            #expect(stats.refreshes - before.refreshes == 2)
            #expect(stats.spentRefreshTokenUses - before.spentRefreshTokenUses == 2)
            // A token never issued is refused without counting as spent.
            #expect(try await qbo.refresh("AB11never-issued").status == 400)
            #expect(try await qbo.simulator.stats(realmID: qbo.realm.realmId).spentRefreshTokenUses - before.spentRefreshTokenUses == 2)
        }
    }

    @Test func theNewAccessTokenWorksOnTheAPI() async throws {
        try await withSimulator { qbo in
            let credentials = await qbo.simulator.createRealm(qbo.realm.realmId)
            let token = try #require(try await qbo.refresh(credentials.refreshToken).json()["access_token"]?.stringValue)
            #expect(try await qbo.api(.GET, "customer/1", token: token).status == 400)  // authorized; no customer 1 yet
        }
    }

    @Test func badClientCredentialsAreInvalidClient() async throws {
        try await withSimulator { qbo in
            let reply = try await qbo.refresh(qbo.realm.refreshToken, secret: "wrong")
            #expect(reply.status == 401)
            #expect(try reply.json() == ["error": "invalid_client"])
        }
    }

    @Test func revokedRefreshTokenIsInvalidGrantAndAccessStops() async throws {
        try await withSimulator { qbo in
            let credentials = await qbo.simulator.createRealm(qbo.realm.realmId)
            let revoke = try await qbo.admin(.POST, "realms/\(qbo.realm.realmId)/tokens/revoke")
            #expect(revoke.status == 200)
            let reply = try await qbo.refresh(credentials.refreshToken)
            #expect(try reply.json() == ["error": "invalid_grant"])
            #expect(try await qbo.api(.GET, "customer/1").status == 401)
        }
    }

    @Test func expiredAccessTokenIs401WithTheLowerCaseFault() async throws {
        let configuration = SimulatorConfiguration(accessTokenLifetime: .seconds(5), requestsPerMinute: 10_000)
        try await withSimulator(configuration) { qbo in
            let issued = ContinuousClock.now  // the token was issued just before
            let early = try await qbo.api(.GET, "customer/1")
            // Still valid when the call came in time; a machine loaded enough to
            // take seconds over it (seen in CI: 11 s) makes that part moot.
            if ContinuousClock.now < issued + .seconds(3) { #expect(early.status == 400) }
            try await Task.sleep(until: issued + .milliseconds(5200))
            let reply = try await qbo.api(.GET, "customer/1")
            #expect(reply.status == 401)
            #expect(reply.headers.first(name: "WWW-Authenticate") == #"Bearer realm="Intuit", error="invalid_token""#)
            let body = try reply.json()
            #expect(body["Fault"] == nil)
            let error = try #require(body["fault"]?["error"]?.arrayValue?.first)
            #expect(error["code"] == "3200")
            #expect(error["message"] == "message=AuthenticationFailed; errorCode=003200; statusCode=401")
            #expect(error["detail"]?.stringValue?.hasPrefix("Token expired: ") == true)
            #expect(error["element"] == .null)
            #expect(body["fault"]?["type"] == "AUTHENTICATION")
            guard case .number = body["time"] else {
                Issue.record("time is not numeric: \(body["time"]?.jsonText ?? "nil")")
                return
            }
        }
    }

    @Test func adminExpiryAndUnknownTokensAre401() async throws {
        try await withSimulator { qbo in
            #expect(try await qbo.api(.GET, "customer/1", token: "made-up").status == 401)
            #expect(try await qbo.api(.GET, "customer/1").status == 400)
            try await qbo.simulator.expireAccessTokens(realmID: qbo.realm.realmId)
            let reply = try await qbo.api(.GET, "customer/1")
            #expect(reply.status == 401)
            #expect(try reply.json()["fault"]?["error"]?.arrayValue?.first?["detail"]?.stringValue?.hasPrefix("Token expired") == true)
        }
    }

    @Test func aTokenOnlyOpensItsOwnRealm() async throws {
        try await withSimulator { qbo in
            _ = await qbo.simulator.createRealm("second")
            let reply = try await qbo.api(.GET, "customer/1", realmID: "second")
            #expect(reply.status == 401)
        }
    }
}
