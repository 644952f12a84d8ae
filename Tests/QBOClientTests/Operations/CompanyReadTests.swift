import Foundation
import Testing
@testable import QBOClient

/// `preferences()` and `companyInfo()` over the real curl transport against a
/// scripted server: the paths they ask for, the bodies they read, their faults.
@Suite("Preferences and CompanyInfo reads", .timeLimit(.minutes(1)))
struct CompanyReadTests {
    private static let companyInfoBody = """
    {"CompanyInfo": {"CompanyName": "Sandbox Company_US_1", "LegalName": "Sandbox Company_US_1", "Country": "US",
      "CompanyAddr": {"Id": "1", "Line1": "2500 Garcia Ave", "City": "Mountain View", "Country": "US",
        "CountrySubDivisionCode": "CA", "PostalCode": "94043"},
      "FiscalYearStartMonth": "January", "SupportedLanguages": "en", "CompanyStartDate": "2026-04-01",
      "NameValue": [{"Name": "OfferingSku", "Value": "QuickBooks Online Essentials"}],
      "domain": "QBO", "sparse": false, "Id": "1", "SyncToken": "2"},
     "time": "2026-05-05T03:22:08.036-07:00"}
    """

    private func withClient(
        _ handler: @escaping @Sendable (ScriptedHTTPServer.Request) -> ScriptedHTTPServer.Action,
        _ body: (QBOClient, ScriptedHTTPServer) async throws -> Void
    ) async throws {
        try await withServer(handler) { server in
            try await withTransport(.init(timeout: .seconds(5))) { transport in
                try await body(makeClient(transport, baseURL: server.baseURL), server)
            }
        }
    }

    @Test func preferencesAndCompanyInfo() async throws {
        try await withClient({ request in
            switch request.path {
            case "/v3/company/9341457021722202/preferences":
                .fixture(200, "ExQuickBooks__preferences__read_response")
            case "/v3/company/9341457021722202/companyinfo/9341457021722202":
                .json(200, Self.companyInfoBody)
            default:
                .json(404, #"{"Fault":{"Error":[{"Message":"no route","code":"610"}],"type":"ValidationFault"}}"#)
            }
        }) { client, server in
            let preferences = try await client.preferences()
            #expect(preferences.usesAutomatedSalesTax == false, "a missing PartnerTaxEnabled reads as false")
            #expect(preferences.tracksQuantityOnHand)
            #expect(preferences.taxPrefs?.taxGroupCodeRef?.value == "2")

            let info = try await client.companyInfo()
            #expect(info.companyName == "Sandbox Company_US_1")
            #expect(info.country == "US")
            #expect(info.value(named: "OfferingSku") == "QuickBooks Online Essentials")

            let requests = server.requests
            #expect(requests.map(\.method) == ["GET", "GET"])
            #expect(requests.allSatisfy { $0.queryItems["minorversion"] == "75" && $0.queryItems["requestid"] == nil })
            #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer test-access-token" })
        }
    }

    @Test func automatedSalesTaxIsRead() async throws {
        let body = #"{"Preferences":{"Id":"1","SyncToken":"3","TaxPrefs":{"UsingSalesTax":true,"PartnerTaxEnabled":true,"TaxGroupCodeRef":{"value":"3"}}},"time":"2026-05-05T03:22:08.036-07:00"}"#
        try await withClient({ _ in .json(200, body) }) { client, _ in
            let preferences = try await client.preferences()
            #expect(preferences.usesAutomatedSalesTax)
            #expect(preferences.taxPrefs?.taxGroupCodeRef?.value == "3")
        }
    }

    @Test func faultsAreClassified() async throws {
        try await withClient({ request in
            request.path.hasSuffix("/preferences")
                ? .fixture(401, "qbo_api__fault__3200_token_expired_401")
                : .respond(status: 503)
        }) { client, _ in
            let expired = await expectQBOError { _ = try await client.preferences() }
            #expect(expired?.kind == .authDead, "a second 401 after the refresh means the connection is dead")
            let unavailable = await expectQBOError { _ = try await client.companyInfo() }
            #expect(unavailable?.kind == .transient)
            #expect(unavailable?.outcomeUnknown == false, "a read has no side effects")
        }
    }

    @Test func anAnswerOfAnotherShapeIsInvalidResponse() async throws {
        try await withClient({ _ in .json(200, #"{"CompanyInfo":{"Id":1}}"#) }) { client, _ in
            let error = await expectQBOError { _ = try await client.companyInfo() }
            #expect(error?.kind == .invalidResponse)
        }
    }
}
