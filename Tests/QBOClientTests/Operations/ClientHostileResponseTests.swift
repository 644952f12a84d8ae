import Foundation
import Testing
@testable import QBOClient

/// The whole client (curl transport included) against answers no well-behaved QBO gives.
@Suite("Client against hostile responses", .timeLimit(.minutes(1)))
struct ClientHostileResponseTests {
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

    @Test func invalidUTF8() async throws {
        let bytes = Data([0x7B, 0x22, 0x43, 0x75, 0x73, 0x74, 0x6F, 0x6D, 0x65, 0x72, 0x22, 0x3A, 0xFF, 0xFE, 0x7D])
        try await withClient({ _ in .respond(status: 200, body: bytes) }) { client, _ in
            let read = await expectQBOError { _ = try await client.read(QBO.Customer.self, id: "1") }
            #expect(read?.kind == .invalidResponse)
            #expect(read?.message.contains("UTF-8") == true)
            #expect(read?.outcomeUnknown == false)
            let write = await expectQBOError { _ = try await client.create(QBO.Customer(displayName: "A"), requestID: rid()) }
            #expect(write?.kind == .invalidResponse)
            #expect(write?.outcomeUnknown == true, "QBO may have created the customer before the answer broke")
        }
    }

    @Test func deeplyNestedJSONIsRejectedBeforeDecoding() async throws {
        let depth = 100_000
        let body = Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        try await withClient({ request in .respond(status: request.path.hasSuffix("/1") ? 200 : 400, body: body) }) { client, _ in
            let ok = await expectQBOError { _ = try await client.read(QBO.Customer.self, id: "1") }
            #expect(ok?.kind == .invalidResponse)
            #expect(ok?.message.contains("deeper") == true)
            let failed = await expectQBOError { _ = try await client.read(QBO.Customer.self, id: "2") }
            #expect(failed?.kind == .validation)
            #expect(failed?.httpStatus == 400)
        }
    }

    @Test func htmlBadGatewayAndEmptyServiceUnavailable() async throws {
        try await withClient({ request in
            request.path.hasSuffix("/1")
                ? .respond(status: 502, headers: ["Content-Type": "text/html"], body: Data("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8))
                : .respond(status: 503)
        }) { client, _ in
            let html = await expectQBOError { _ = try await client.read(QBO.Invoice.self, id: "1") }
            #expect(html?.kind == .transient)
            #expect(html?.httpStatus == 502)
            #expect(html?.code == nil)
            let empty = await expectQBOError { _ = try await client.read(QBO.Invoice.self, id: "2") }
            #expect(empty?.kind == .transient)
            #expect(empty?.httpStatus == 503)
        }
    }

    @Test func malformedJSONAndFaultInside200() async throws {
        try await withClient({ request in
            request.path.hasSuffix("/1")
                ? .json(200, #"{"Invoice": {"Id": "1", "#)
                : .fixture(200, "ExQuickBooks__fault__5010_stale_object")
        }) { client, _ in
            let malformed = await expectQBOError { _ = try await client.read(QBO.Invoice.self, id: "1") }
            #expect(malformed?.kind == .invalidResponse)
            let fault = await expectQBOError { _ = try await client.read(QBO.Invoice.self, id: "2") }
            #expect(fault?.kind == .staleObject)
            #expect(fault?.code == "5010")
        }
    }

    @Test func throttledXMLOver429() async throws {
        let xml = #"<?xml version="1.0"?><IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message></Error></Fault></IntuitResponse>"#
        try await withClient({ _ in .respond(status: 429, headers: ["Content-Type": "application/xml"], body: Data(xml.utf8)) }) { client, _ in
            let error = await expectQBOError { _ = try await client.query(QBOQuery<QBO.Item>.select()) }
            #expect(error?.kind == .throttled)
            #expect(error?.code == "3001")
            #expect(error?.retryAfter == .seconds(60))
        }
    }

    @Test func lostResponseIsOutcomeUnknownAndTheRetryReusesTheRequestID() async throws {
        let attempts = Counter()
        try await withClient({ _ in
            attempts.increment() == 1 ? .closeWithoutResponse : .fixture(200, "qbo_api__invoice__create_response")
        }) { client, server in
            let requestID = RequestID.random()
            let invoice = QBO.Invoice(customerRef: .init(value: "1"), line: [QBO.Line(amount: 100, detail: .salesItem(.init(itemRef: .init(value: "1"))))])
            let lost = await expectQBOError { _ = try await client.create(invoice, requestID: requestID) }
            #expect(lost?.outcomeUnknown == true)
            #expect(lost?.isRetryable == true)
            let created = try await client.create(invoice, requestID: requestID)
            #expect(created.id == "266")
            let sentIDs = server.requests.map { $0.queryItems["requestid"] }
            #expect(sentIDs == [requestID.value, requestID.value])
        }
    }
}

/// A thread-safe counter for scripted handlers.
final class Counter: Sendable {
    private let value = Synchronization.Mutex(0)

    /// Adds one and returns the new value.
    @discardableResult func increment() -> Int { value.withLock { $0 += 1; return $0 } }

    var current: Int { value.withLock { $0 } }
}

import Synchronization
