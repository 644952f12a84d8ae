import Foundation

extension QBOClient {
    /// Reads the company's settings: `GET /preferences`.
    /// - Returns: The preferences (sales tax, inventory, classes, locations, currencies).
    /// - Throws: ``QBOError``.
    public func preferences() async throws -> QBO.Preferences {
        let (response, request) = try await perform(.get, path: QBO.Preferences.pathSegment)
        return try decode(EntityEnvelope<QBO.Preferences>.self, from: response, request: request).entity
    }

    /// Reads the company's name, addresses and plan: `GET /companyinfo/{realmId}`.
    /// - Returns: The company info.
    /// - Throws: ``QBOError``.
    public func companyInfo() async throws -> QBO.CompanyInfo {
        try await read(QBO.CompanyInfo.self, id: realmID)
    }
}
