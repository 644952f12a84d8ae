import Foundation
import Testing

@testable import QBOSimulator

/// Bad input gets a clear QBO-style answer and the server keeps serving.
@Suite(.timeLimit(.minutes(3))) struct HostileInputTests {
    private func post(_ qbo: SimulatorHarness, _ path: String, _ body: [UInt8]) async throws -> Reply? {
        try await qbo.send(
            .POST, "/v3/company/\(qbo.realm.realmId)/\(path)",
            headers: [("Authorization", "Bearer \(qbo.accessToken)"), ("Content-Type", "application/json")], body: body)
    }

    @Test func malformedJSONIs400AndTheServerCarriesOn() async throws {
        try await withSimulator { qbo in
            for body in [#"{"DisplayName": "#, #"{"DisplayName": "x",}"#, "not json at all", #"["an","array"]"#, "",
                #"{"DisplayName":"\ud800"}"#]
            {
                let reply = try #require(try await post(qbo, "customer", Array(body.utf8)), "\(body)")
                #expect(reply.status == 400, "\(body)")
                #expect(try reply.fault().code == "2010", "\(body)")
            }
            let invalidUTF8 = try #require(try await post(qbo, "customer", [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]))
            #expect(invalidUTF8.status == 400)
            let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
            let nested = try #require(try await post(qbo, "batch", Array(deep.utf8)))
            #expect(nested.status == 400)
            _ = try await qbo.makeCustomer("Still Serving")
        }
    }

    @Test func anElevenMebibyteBodyIs413() async throws {
        try await withSimulator { qbo in
            let huge = [UInt8](repeating: UInt8(ascii: " "), count: 11 * 1024 * 1024)
            let reply = try #require(try await post(qbo, "customer", huge))
            #expect(reply.status == 413)
            _ = try await qbo.makeCustomer("Still Serving")
        }
    }

    @Test func unknownRoutesAndMethodsAreFaults() async throws {
        try await withSimulator { qbo in
            let nowhere = try #require(try await qbo.send(.GET, "/nowhere"))
            #expect(nowhere.status == 404)
            #expect(try nowhere.fault().code == "500")
            let getCollection = try await qbo.api(.GET, "invoice")
            #expect(getCollection.status == 400)
            #expect(try getCollection.fault().message == "Unsupported Operation")
            let deepPath = try await qbo.api(.GET, "invoice/1/extra")
            #expect(try deepPath.fault().code == "500")
            let badOperation = try await qbo.api(.POST, "invoice", query: [("operation", "explode")], json: [:])
            #expect(try badOperation.fault().code == "500")
            let readOnly = try await qbo.api(.POST, "taxcode", json: ["Name": "Mine"])
            #expect(try readOnly.fault().code == "500")
            let noAuth = try #require(try await qbo.send(.GET, "/v3/company/\(qbo.realm.realmId)/customer/1"))
            #expect(noAuth.status == 401)
        }
    }

    @Test func wrongTypesInsideLinesAreFaults() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let bodies: [JSONValue] = [
                ["CustomerRef": ["value": customer["Id"] ?? nil], "Line": "not an array"],
                ["CustomerRef": ["value": customer["Id"] ?? nil], "Line": ["not an object"]],
                ["CustomerRef": ["value": customer["Id"] ?? nil], "Line": [["Amount": "ten", "DetailType": "SalesItemLineDetail"]]],
                ["CustomerRef": ["value": customer["Id"] ?? nil],
                 "Line": [["Amount": 1, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": 7]]],
                ["CustomerRef": "1", "Line": [["Amount": 1, "DetailType": "GroupLineDetail"]]],
                ["CustomerRef": ["value": customer["Id"] ?? nil], "Line": [["Amount": 1, "DetailType": "SalesItemLineDetail"]],
                 "TxnTaxDetail": [1, 2]],
            ]
            for body in bodies {
                let reply = try await qbo.api(.POST, "invoice", json: body)
                #expect(reply.status == 400, "\(body.jsonText)")
                #expect(["2010", "2020", "610"].contains(try reply.fault().code), "\(body.jsonText) -> \(reply.text)")
            }
        }
    }
}
