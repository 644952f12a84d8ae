import Foundation
import Testing

@testable import QBOSimulator

/// Create, read, update (full and sparse), delete and void, with Ids and SyncTokens.
@Suite(.timeLimit(.minutes(3))) struct EntityLifecycleTests {
    @Test func createWrapsTheEntityWithQBOsSystemFields() async throws {
        try await withSimulator { qbo in
            let reply = try await qbo.api(.POST, "customer", json: ["DisplayName": "Doe5, Jane"])
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "Content-Type") == "application/json;charset=UTF-8")
            let body = try reply.json()
            #expect(body["time"]?.stringValue?.hasSuffix("-07:00") == true)
            let customer = try #require(body["Customer"])
            #expect(customer["domain"] == "QBO")
            #expect(customer["sparse"] == false)
            #expect(customer["Id"] == "1")
            #expect(customer["SyncToken"] == "0")
            #expect(customer["MetaData"]?["CreateTime"] != nil)
            #expect(customer["MetaData"]?["LastUpdatedTime"] != nil)
            #expect(customer["FullyQualifiedName"] == "Doe5, Jane")
            #expect(customer["PrintOnCheckName"] == "Doe5, Jane")
            #expect(customer["Active"] == true)
            #expect(customer["Balance"] == 0)
            #expect(customer["CurrencyRef"] == ["value": "USD", "name": "United States Dollar"])
        }
    }

    @Test func idsAreNumericAndCountPerEntityKind() async throws {
        try await withSimulator { qbo in
            let first = try await qbo.makeCustomer()
            let second = try await qbo.makeCustomer()
            #expect(first["Id"] == "1")
            #expect(second["Id"] == "2")
            // Items 1-5 are seeded, so the first created item is 6.
            let item = try await qbo.create("Item", ["Name": "Tent 20x40"])
            #expect(item["Id"] == "6")
        }
    }

    @Test func readReturnsWhatCreateReturned() async throws {
        try await withSimulator { qbo in
            let created = try await qbo.makeCustomer("Amy's Bird Sanctuary")
            let read = try await qbo.read("Customer", try #require(created["Id"]?.stringValue))
            #expect(read == created)
        }
    }

    @Test func fullUpdateBumpsSyncTokenAndClearsOmittedFields() async throws {
        try await withSimulator { qbo in
            let created = try await qbo.create("Customer", [
                "DisplayName": "Jack Moe", "Notes": "gate code 1234", "PrimaryEmailAddr": ["Address": "jack@example.com"],
            ])
            let reply = try await qbo.api(.POST, "customer", json: [
                "DisplayName": "Jack Moe", "PrimaryPhone": ["FreeFormNumber": "(415) 444-1234"],
                "Id": created["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let updated = try #require(try reply.json()["Customer"])
            #expect(updated["SyncToken"] == "1")
            #expect(updated["Id"] == created["Id"])
            #expect(updated["PrimaryPhone"]?["FreeFormNumber"] == "(415) 444-1234")
            #expect(updated["Notes"] == nil)
            #expect(updated["PrimaryEmailAddr"] == nil)
            #expect(updated["MetaData"]?["CreateTime"] == created["MetaData"]?["CreateTime"])
        }
    }

    @Test func sparseUpdateChangesOnlyWhatIsSent() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let reply = try await qbo.api(.POST, "invoice", json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "0", "sparse": true,
                "PrivateNote": "Test update from Nango action retry",
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let updated = try #require(try reply.json()["Invoice"])
            #expect(updated["SyncToken"] == "1")
            #expect(updated["PrivateNote"] == "Test update from Nango action retry")
            #expect(updated["Line"] == invoice["Line"])
            #expect(updated["TotalAmt"] == 100)
            #expect(updated["DocNumber"] == invoice["DocNumber"])
        }
    }

    @Test func deleteAnswersDeletedThenReadsAre610() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let id = try #require(invoice["Id"]?.stringValue)
            let reply = try await qbo.api(.POST, "invoice", query: [("operation", "delete")], json: [
                "Id": .string(id), "SyncToken": "0",
            ])
            #expect(reply.status == 200)
            #expect(try reply.json()["Invoice"] == ["domain": "QBO", "status": "Deleted", "Id": .string(id)])
            let read = try await qbo.api(.GET, "invoice/\(id)")
            #expect(read.status == 400)
            #expect(try read.fault().code == "610")
            let query = try await qbo.query("SELECT * FROM Invoice")
            #expect(try query.json()["QueryResponse"] == [:])
        }
    }

    @Test func voidZeroesAmountsKeepsIdAndBumpsSyncToken() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [75, 25])
            let reply = try await qbo.api(.POST, "invoice", query: [("operation", "void")], json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(reply.status == 200, "\(reply.text)")
            let voided = try #require(try reply.json()["Invoice"])
            #expect(voided["Id"] == invoice["Id"])
            #expect(voided["SyncToken"] == "1")
            #expect(voided["TotalAmt"] == 0)
            #expect(voided["Balance"] == 0)
            #expect(voided["PrivateNote"] == "Voided")
            #expect(voided["TxnTaxDetail"]?["TotalTax"] == 0)
            for line in voided["Line"]?.arrayValue ?? [] {
                #expect(line["Amount"] == 0)
                if let detail = line["SalesItemLineDetail"] {
                    #expect(detail["Qty"] == 0)
                    #expect(detail["UnitPrice"] == 0)
                }
            }
            #expect(voided["DocNumber"] == invoice["DocNumber"])
        }
    }

    @Test func voidingAVoidedInvoiceSucceedsUnchanged() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [10])
            let first = try await qbo.api(.POST, "invoice", query: [("operation", "void")], json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "0",
            ])
            // A retry with the SyncToken of before the first void still succeeds.
            let second = try await qbo.api(.POST, "invoice", query: [("operation", "void")], json: [
                "Id": invoice["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(second.status == 200)
            #expect(try second.json()["Invoice"] == (try first.json()["Invoice"]))
        }
    }

    @Test func unknownEntityPathIsUnsupportedOperation() async throws {
        try await withSimulator { qbo in
            let reply = try await qbo.api(.POST, "vendorcredit", json: ["VendorRef": ["value": "1"]])
            #expect(reply.status == 400)
            let fault = try reply.fault()
            #expect(fault.code == "500")
            #expect(fault.message == "Unsupported Operation")
        }
    }

    @Test func customersAreNeverDeletedOnlyMadeInactive() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let delete = try await qbo.api(.POST, "customer", query: [("operation", "delete")], json: [
                "Id": customer["Id"] ?? nil, "SyncToken": "0",
            ])
            #expect(delete.status == 200)
            #expect(try delete.json()["Customer"]?["Active"] == false)
            // Still readable, by Id.
            #expect(try await qbo.read("Customer", try #require(customer["Id"]?.stringValue))["Active"] == false)
        }
    }
}
