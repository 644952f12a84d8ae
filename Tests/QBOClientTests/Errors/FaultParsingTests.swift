import Foundation
import Testing
@testable import QBOClient

/// Every fault shape QBO (and what stands in front of it) produces becomes the right ``QBOError``.
@Suite("Fault parsing and classification")
struct FaultParsingTests {
    private let write = HTTPRequest(method: .post, url: "https://qbo.test/v3/company/1/invoice")
    private let read = HTTPRequest(method: .get, url: "https://qbo.test/v3/company/1/invoice/1")

    private func error(_ status: Int, fixture: String, request: HTTPRequest? = nil) -> QBOError {
        QBOError(response: HTTPResponse(status: status, body: Fixtures.data(fixture)), request: request ?? write)
    }

    struct Expectation: Sendable, CustomTestStringConvertible {
        var fixture: String
        var status: Int
        var kind: QBOError.Kind
        var code: String
        var message: String
        var detailPrefix: String
        var element: String?
        var testDescription: String { fixture }
    }

    static let expectations: [Expectation] = [
        .init(fixture: "ExQuickBooks__fault__2020_line_detailtype_missing", status: 400, kind: .validation, code: "2020",
              message: "Required param missing, need to supply the required value for the API",
              detailPrefix: "Required parameter Line.DetailType is missing in the request", element: "Line.DetailType"),
        .init(fixture: "ExQuickBooks__fault__2020_required_param", status: 400, kind: .validation, code: "2020",
              message: "Required param missing, need to supply the required value for the API",
              detailPrefix: "Required parameter Name is missing in the request", element: "Name"),
        .init(fixture: "ExQuickBooks__fault__4000_query_parser", status: 400, kind: .validation, code: "4000",
              message: "Error parsing query", detailPrefix: "QueryParserError: Encountered", element: nil),
        .init(fixture: "ExQuickBooks__fault__5010_stale_object", status: 400, kind: .staleObject, code: "5010",
              message: "Stale Object Error", detailPrefix: "Stale Object Error : You and Leo Nikkilä were working", element: nil),
        .init(fixture: "ExQuickBooks__fault__610_object_not_found", status: 400, kind: .notFound, code: "610",
              message: "Object Not Found", detailPrefix: "Object Not Found : Something you're trying to use", element: nil),
        .init(fixture: "qbo_api__fault__2010_unsupported_property", status: 400, kind: .validation, code: "2010",
              message: "Request has invalid or unsupported property", detailPrefix: "Property Name:Unrecognized field \"BadJson\"", element: nil),
        .init(fixture: "qbo_api__fault__2030_invalid_id", status: 400, kind: .validation, code: "2030",
              message: "Invalid ID", detailPrefix: "Id should be a valid number. Supplied value:1.5", element: "Id"),
        .init(fixture: "qbo_api__fault__3200_token_expired_401", status: 401, kind: .authExpired, code: "3200",
              message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detailPrefix: "Token expired: ", element: nil),
        .init(fixture: "qbo_api__fault__4001_invalid_query", status: 400, kind: .validation, code: "4001",
              message: "Invalid query", detailPrefix: "QueryValidationError: invalid context declaration: Custmoer", element: nil),
        .init(fixture: "qbo_api__fault__6240_duplicate_name", status: 400, kind: .duplicate, code: "6240",
              message: "Duplicate Name Exists Error", detailPrefix: "The name supplied already exists. : null", element: nil),
    ]

    @Test(arguments: expectations)
    func recordedFault(_ expected: Expectation) throws {
        let error = error(expected.status, fixture: expected.fixture)
        #expect(error.kind == expected.kind)
        #expect(error.httpStatus == expected.status)
        #expect(error.code == expected.code)
        #expect(error.message == expected.message)
        #expect(error.detail?.hasPrefix(expected.detailPrefix) == true, "detail was \(error.detail ?? "nil")")
        #expect(error.element == expected.element)
        #expect(error.outcomeUnknown == false)
    }

    @Test func lowerCaseFaultOf401HidesTheToken() {
        let error = error(401, fixture: "qbo_api__fault__3200_token_expired_401")
        #expect(error.faultType == "AUTHENTICATION")
        #expect(error.detail == "Token expired: <redacted>")
        #expect(!error.description.contains("AB01601390262"))
        #expect(!String(reflecting: error).contains("AB01601390262"))
    }

    @Test func faultTypeAndRetryAfter() {
        let stale = error(400, fixture: "ExQuickBooks__fault__5010_stale_object")
        #expect(stale.faultType == "ValidationFault")
        #expect(stale.retryAfter == nil)
        #expect(stale.isRetryable)
        #expect(!error(400, fixture: "qbo_api__fault__2030_invalid_id").isRetryable)
    }

    @Test func xmlThrottleFault() {
        let xml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2024-01-01T00:00:00.000-08:00">
          <Fault type="SERVICE"><Error code="3001" element=""><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached &amp; exceeded</Detail></Error></Fault>
        </IntuitResponse>
        """
        let error = QBOError(response: HTTPResponse(status: 429, body: Data(xml.utf8)), request: write)
        #expect(error.kind == .throttled)
        #expect(error.code == "3001")
        #expect(error.faultType == "SERVICE")
        #expect(error.message == "message=ThrottleExceeded; errorCode=003001; statusCode=429")
        #expect(error.detail == "The request limit was reached & exceeded")
        #expect(error.retryAfter == .seconds(60))
        #expect(error.outcomeUnknown == false)
    }

    @Test func xmlThrottleFaultOnHTTP200StillThrottles() {
        let xml = #"<IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>ThrottleExceeded</Message></Error></Fault></IntuitResponse>"#
        #expect(QBOError(response: HTTPResponse(status: 200, body: Data(xml.utf8)), request: read).kind == .throttled)
    }

    @Test func retryAfterHeaderWins() {
        let response = HTTPResponse(status: 429, headers: [HTTPHeader("retry-after", "7")], body: Data())
        let error = QBOError(response: response, request: read)
        #expect(error.kind == .throttled)
        #expect(error.retryAfter == .seconds(7))
    }

    @Test func proxyHTMLAndEmptyBodiesUseTheStatus() {
        let html = Data("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>".utf8)
        let badGateway = QBOError(response: HTTPResponse(status: 502, body: html), request: write)
        #expect(badGateway.kind == .transient)
        #expect(badGateway.code == nil)
        #expect(badGateway.httpStatus == 502)
        #expect(badGateway.outcomeUnknown, "a 5xx to a write may hide an applied write")

        let unavailable = QBOError(response: HTTPResponse(status: 503, body: Data()), request: read)
        #expect(unavailable.kind == .transient)
        #expect(unavailable.outcomeUnknown == false, "reads have no outcome to lose")

        #expect(QBOError(response: HTTPResponse(status: 403, body: Data()), request: read).kind == .authDead)
        #expect(QBOError(response: HTTPResponse(status: 404, body: Data("nope".utf8)), request: read).kind == .notFound)
        #expect(QBOError(response: HTTPResponse(status: 400, body: Data("{not json".utf8)), request: read).kind == .validation)
    }

    @Test func codeTable() {
        let table: [(String, Int, QBOError.Kind)] = [
            ("3200", 401, .authExpired), ("100", 401, .authDead), ("120", 403, .authDead), ("3001", 429, .throttled),
            ("5010", 400, .staleObject), ("6140", 400, .duplicate), ("6240", 400, .duplicate), ("610", 400, .notFound),
            ("6210", 400, .locked), ("6540", 400, .locked), ("10000", 500, .transient), ("6070", 400, .validation),
            ("6000", 400, .validation), ("2020", 400, .validation), ("4001", 400, .validation), ("9999", 503, .transient),
        ]
        for (code, status, kind) in table {
            #expect(QBOError.classify(code: code, httpStatus: status) == kind, "code \(code)")
        }
    }

    @Test func duplicateDocNumberNamesTheHolder() {
        let body = #"{"Fault":{"Error":[{"Message":"Duplicate Document Number Error","Detail":"Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=1043 is assigned to TxnType=Invoice with TxnId=145","code":"6140","element":""}],"type":"ValidationFault"},"time":"2020-09-29T06:58:50.262-07:00"}"#
        let error = QBOError(response: HTTPResponse(status: 400, body: Data(body.utf8)), request: write)
        #expect(error.kind == .duplicate)
        #expect(error.code == "6140")
        #expect(error.duplicateHolderID == "145")
        #expect(error.element == nil)
        #expect(QBOError.holderID(in: "The name supplied already exists. : Id=58") == "58")
        #expect(QBOError.holderID(in: "The name supplied already exists. : null") == nil)
        #expect(QBOError.holderID(in: "ParentId=12 only") == nil)
    }

    @Test func multipleErrorsAreKept() {
        let body = #"{"Fault":{"Error":[{"Message":"A","code":"2020"},{"Message":"B","Detail":"second","code":"2010"}],"type":"ValidationFault"}}"#
        let error = QBOError(response: HTTPResponse(status: 400, body: Data(body.utf8)), request: write)
        #expect(error.message == "A")
        #expect(error.otherFaultErrors == [QBOError.FaultError(code: "2010", message: "B", detail: "second", element: nil)])
    }

    @Test func intuitTransactionIDIsKept() {
        let response = HTTPResponse(status: 400, headers: [HTTPHeader("intuit_tid", "1-abc")], body: Fixtures.data("qbo_api__fault__2030_invalid_id"))
        #expect(QBOError(response: response, request: read).intuitTID == "1-abc")
    }
}
