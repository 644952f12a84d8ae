import Foundation
import NIOHTTP1

/// A complete HTTP request as the simulator's handlers see it.
struct SimulatorRequest: Sendable {
    var method: HTTPMethod
    /// The path without the query string, not percent-decoded.
    var path: String
    /// Query parameters, percent-decoded (`+` is a space); the first of a repeated name wins.
    var query: [String: String]
    var headers: HTTPHeaders
    var body: [UInt8]

    init(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.headers = headers
        self.body = body
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts.first ?? "")
        query = parts.count > 1 ? Self.formFields(String(parts[1])) : [:]
    }

    /// `path` split into decoded segments: `/v3/company/1/invoice` -> `["v3","company","1","invoice"]`.
    var pathSegments: [String] {
        path.split(separator: "/").map { Self.decode(String($0)) }
    }

    /// Parses `a=1&b=two` (query strings and form bodies alike).
    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(String(parts[0]))
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(String(parts[1])) : "" }
        }
        return fields
    }

    static func decode(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// A complete HTTP response.
struct SimulatorResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: [(String, String)]
    var body: [UInt8]

    static func json(_ body: [UInt8], status: Int = 200, extraHeaders: [(String, String)] = []) -> SimulatorResponse {
        SimulatorResponse(
            status: HTTPResponseStatus(statusCode: status),
            headers: [("Content-Type", "application/json;charset=UTF-8")] + extraHeaders, body: body)
    }

    static func json(_ object: JSONObject, status: Int = 200) -> SimulatorResponse {
        json(object.encoded(), status: status)
    }

    /// A QBO fault with its own HTTP status.
    static func fault(_ fault: QBOFault, at now: Date = Date()) -> SimulatorResponse {
        json(fault.body(time: now).encoded(), status: fault.httpStatus)
    }
}

/// What the connection does after a request: answer it, or hang up without a word (an
/// injected drop or lost response).
enum ResponseOutcome: Sendable {
    case respond(SimulatorResponse)
    case closeConnection
}
