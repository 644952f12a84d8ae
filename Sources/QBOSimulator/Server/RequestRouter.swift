import Foundation
import NIOHTTP1

/// Sends each request to the part of the simulator that serves its path: the OAuth token
/// endpoint, the admin API, or a company's accounting API.
struct RequestRouter: Sendable {
    let core: SimulatorCore

    func respond(to request: SimulatorRequest) async -> ResponseOutcome {
        let segments = request.pathSegments
        switch segments.first {
        case "oauth2" where segments == ["oauth2", "v1", "tokens", "bearer"]:
            return .respond(TokenEndpoint(core: core).respond(to: request))
        case "admin":
            return .respond(await AdminAPI(core: core).respond(to: request, segments: Array(segments.dropFirst())))
        case "v3" where segments.count >= 4 && segments[1] == "company":
            return await CompanyAPI(core: core).respond(
                to: request, realmID: segments[2], route: Array(segments.dropFirst(3)))
        default:
            return .respond(.fault(Self.unknownResource(request), at: Date()).withStatus(404))
        }
    }

    /// QBO's answer to a path it has no resource for.
    static func unknownResource(_ request: SimulatorRequest) -> QBOFault {
        .unsupportedOperation("Could not find resource for relative : \(request.path) of full path: \(request.path)")
    }
}

extension SimulatorResponse {
    func withStatus(_ status: Int) -> SimulatorResponse {
        var copy = self
        copy.status = HTTPResponseStatus(statusCode: status)
        return copy
    }
}
