import Foundation
import QBSyncClient
import QBSyncTesting
import QBSyncWire
import Testing

/// `qbsync call`: any RPC by name, protobuf JSON in and out.
@Suite(.timeLimit(.minutes(2))) struct CallCommandTests {
    private func call(_ harness: ServiceHarness, _ arguments: String..., stdin: String? = nil) async throws -> CLIResult {
        try await CLIProcess.run(["call"] + arguments + ["--socket", harness.socketPath], stdin: stdin)
    }

    @Test func unaryCallsStreamsAndTheirFailures() async throws {
        try await withHarness { harness in
            _ = try await harness.prepareCompany()
            let health = try await self.call(harness, "GetHealth", "--data", #"{"companyId": "acme"}"#)
            #expect(health.status == 0, "\(health)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any])
            #expect(object[array: "companies"].first?[string: "companyId"] == "acme")

            // The request from stdin, by full path; the answer is the response's JSON.
            let invoice = #"{"companyId": "acme", "invoice": {"externalId": "inv-call", "customerExternalId": "c1", "txnDate": "2026-11-02", "currency": "USD", "lines": [{"kind": "LINE_KIND_SALE", "itemCode": "TENT-20", "quantity": "3", "unitRate": "125.00", "amountMinor": "37500"}]}}"#
            let synced = try await self.call(harness, "/qbsync.v1.QuickBooksSync/SyncInvoice", "--data", "-", stdin: invoice)
            #expect(synced.status == 0, "\(synced)")
            #expect(synced.stdout.contains(#""externalId" : "inv-call""#), "\(synced.stdout)")

            // A server stream prints one JSON object per line.
            let events = try await self.call(harness, "StreamSyncEvents", "--data", #"{"companyId": "acme", "afterSequence": "1", "entities": ["ENTITY_TYPE_INVOICE"]}"#, "--max-messages", "2")
            #expect(events.status == 0, "\(events)")
            let lines = events.stdout.split(separator: "\n")
            #expect(lines.count == 2, "\(events.stdout)")
            for line in lines {
                let message = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(message?[object: "event"][object: "ref"][string: "externalId"] == "inv-call", "\(line)")
            }

            // Refused by the service: the status, and each typed detail as JSON, on stderr.
            let refused = try await self.call(harness, "SyncInvoice", "--data", #"{"companyId": "acme", "invoice": {}}"#)
            #expect(refused.status == 65, "\(refused)")
            #expect(refused.stderr.contains("INVALID_ARGUMENT: invoice.external_id"), "\(refused.stderr)")
            #expect(refused.stderr.contains(#"detail qbsync.v1.FieldViolation {"description":"is required","field":"invoice.external_id"}"#), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)
            // A NUL is refused before it is sent.
            let nul = try await self.call(harness, "GetRecord", "--data", #"{"ref": {"companyId": "acme", "entity": "ENTITY_TYPE_INVOICE", "externalId": "inv-call\u0000x"}}"#)
            #expect(nul.status == 65, "\(nul)")
            #expect(nul.stderr.contains("ref.external_id"), "\(nul.stderr)")
            let missing = try await self.call(harness, "GetRecord", "--data", #"{"ref": {"companyId": "acme", "entity": "ENTITY_TYPE_INVOICE", "externalId": "nope"}}"#)
            #expect(missing.status == 65 && missing.stderr.contains("NOT_FOUND"), "\(missing)")
        }
    }

    @Test func badInputIsAUsageErrorAndNothingIsSent() async throws {
        try await withHarness { harness in
            for (arguments, text) in [
                (["GetHelth"], "no method GetHelth; did you mean GetHealth?"),
                (["/other.Service/GetHealth"], "is not a method of qbsync.v1.QuickBooksSync"),
                (["GetHealth", "--data", #"{"companyId": 7"#], "--data"),
                (["GetHealth", "--data", #"{"company": "x"}"#], "company: unknown field"),
                (["GetHealth", "--data", #"[1, 2]"#], "one JSON object"),
                (["GetHealth", "--data", #"7"#], "qbsync.v1.GetHealthRequest"),
                (["GetHealth", "--data", #"{} {}"#], "one JSON object"),
                (["ListRecords", "--data", #"{"entity": "ENTITY_TYPE_WIDGET"}"#], "entity"),
                (["GetHealth", "--metadata", "novalue"], "key=value"),
                (["StreamSyncEvents", "--max-messages", "0"], "--max-messages"),
                ([], "name a METHOD"),
            ] {
                let result = try await self.call(harness, arguments.first ?? "--list", arguments: Array(arguments.dropFirst()), emptyMeansNoMethod: arguments.isEmpty)
                #expect(result.status == 64, "\(arguments): \(result)")
                #expect(result.stderr.contains(text), "\(arguments): \(result.stderr)")
            }
            let list = try await self.call(harness, "--list")
            #expect(list.status == 0)
            #expect(list.stdout.contains("StreamSyncEvents(qbsync.v1.StreamSyncEventsRequest) returns stream qbsync.v1.SyncEventStreamMessage"), "\(list.stdout)")
            #expect(list.stdout.split(separator: "\n").count == QuickBooksSync.methodsByName.count)
        }
    }

    private func call(_ harness: ServiceHarness, _ first: String, arguments: [String], emptyMeansNoMethod: Bool) async throws -> CLIResult {
        try await CLIProcess.run(["call"] + (emptyMeansNoMethod ? [] : [first]) + arguments + ["--socket", harness.socketPath])
    }
}
