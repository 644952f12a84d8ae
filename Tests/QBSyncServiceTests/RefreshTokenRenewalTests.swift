import Foundation
import QBOSimulator
import QBSyncClient
import QBSyncStore
import QBSyncTesting
import QBSyncWire
import Testing

/// Idle companies' refresh tokens are renewed before they age out (Intuit's
/// last 100 days), one company at a time, and a refused one disconnects
/// only its company.
@Suite(.timeLimit(.minutes(2))) struct RefreshTokenRenewalTests {
    private func stored(_ harness: ServiceHarness) throws -> [String: CompanyRow] {
        Dictionary(uniqueKeysWithValues: try TestDatabase.read(harness.databasePath) { try $0.companies() }.map { ($0.companyID, $0) })
    }

    /// Connecting refreshes once, to read the company's preferences: waits until that is done.
    private func waitForFacts(_ harness: ServiceHarness, _ companies: [String]) async throws {
        let end = ContinuousClock.now + .seconds(20)
        for company in companies {
            while try await harness.client.getCompany(GetCompanyRequest(companyID: company)).company?.qbo?.known != true, ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test func idleCompaniesRenewTheirRefreshTokensOneAtATime() async throws {
        let harness = try await ServiceHarness.start {
            $0.engine.refreshTokenRenewalAge = .milliseconds(500)
            $0.engine.refreshTokenCheckInterval = .milliseconds(300)
            $0.engine.refreshTokenRenewalSpacing = .milliseconds(150)
        }
        var realms: [String: RealmCredentials] = [:]
        for company in ["a", "b", "c"] { realms[company] = try await harness.connect(company) }
        // Connecting refreshes once (to read the company's preferences); renewals come 500 ms after.
        try await self.waitForFacts(harness, ["a", "b", "c"])
        let before = try self.stored(harness)
        #expect(before.values.allSatisfy { $0.refreshTokenAt > 0 })

        // Nothing is pushed; the tokens are renewed anyway.
        let end = ContinuousClock.now + .seconds(20)
        var after = before
        while ContinuousClock.now < end {
            after = try self.stored(harness)
            if after.allSatisfy({ $0.value.refreshToken != before[$0.key]?.refreshToken }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        for company in ["a", "b", "c"] {
            #expect(after[company]?.refreshToken != before[company]?.refreshToken, "\(company) was not renewed")
            #expect((after[company]?.refreshTokenAt ?? 0) > (before[company]?.refreshTokenAt ?? 0))
            #expect(after[company]?.connectionState == .active)
        }
        // One company at a time: two renewals are at least the spacing apart.
        let times = after.values.map(\.refreshTokenAt).sorted()
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 >= 140 }, "\(times)")

        // The renewed tokens work.
        try await harness.mapDefaults("a")
        let link = try await harness.client.linkCustomer(LinkCustomerRequest(companyID: "a", customer: Fixtures.customer("c1"), mode: .create))
        #expect(link.outcome == .created)

        // A refresh token revoked in QuickBooks: that company is disconnected, saying why; the others are not.
        try await harness.simulator.revokeRefreshTokens(realmID: realms["b"]!.realmId)
        let deadline = ContinuousClock.now + .seconds(20)
        var company = try await harness.client.getCompany(GetCompanyRequest(companyID: "b")).company
        while company?.connectionState != .disconnected, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            company = try await harness.client.getCompany(GetCompanyRequest(companyID: "b")).company
        }
        #expect(company?.connectionState == .disconnected)
        #expect(company?.connectionMessage.contains("reconnect") == true, "\(company?.connectionMessage ?? "")")
        try await Task.sleep(for: .seconds(1))
        for other in ["a", "c"] {
            #expect(try await harness.client.getCompany(GetCompanyRequest(companyID: other)).company?.connectionState == .active)
        }
        await harness.stop()
    }

    @Test func aFreshTokenIsLeftAlone() async throws {
        let harness = try await ServiceHarness.start {
            $0.engine.refreshTokenCheckInterval = .milliseconds(100)  // checks often; the default age (30 days) is far off
        }
        _ = try await harness.connect("a")
        try await self.waitForFacts(harness, ["a"])
        let before = try self.stored(harness)["a"]
        try await Task.sleep(for: .seconds(1))
        let after = try self.stored(harness)["a"]
        #expect(after?.refreshToken == before?.refreshToken)
        #expect(after?.refreshTokenAt == before?.refreshTokenAt)
        await harness.stop()
    }
}
