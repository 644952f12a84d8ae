import Foundation

/// One page of query results.
public struct QueryPage<Entity: QBOEntity>: Sendable {
    /// The rows; empty for an empty page (`{"QueryResponse":{}}`).
    public var entities: [Entity]
    /// The 1-based position of the first row, when QBO says.
    public var startPosition: Int?
    /// The page size QBO applied, when it says.
    public var maxResults: Int?
    /// The result of a `COUNT(*)` query.
    public var totalCount: Int?
}

/// `{"QueryResponse": {"Customer": [...], "startPosition": 1, ...}}`.
struct QueryEnvelope<Entity: QBOEntity>: Decodable {
    var page: QueryPage<Entity>

    enum CodingKeys: String, CodingKey { case queryResponse = "QueryResponse" }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        page = try container.decode(QueryPageBody<Entity>.self, forKey: .queryResponse).page
    }
}

/// The inside of `QueryResponse`; also what a batch query item holds.
struct QueryPageBody<Entity: QBOEntity>: Decodable {
    var page: QueryPage<Entity>

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        page = QueryPage(
            entities: try container.decodeIfPresent([Entity].self, forKey: DynamicKey(Entity.entityName)) ?? [],
            startPosition: try container.decodeIfPresent(Int.self, forKey: DynamicKey("startPosition")),
            maxResults: try container.decodeIfPresent(Int.self, forKey: DynamicKey("maxResults")),
            totalCount: try container.decodeIfPresent(Int.self, forKey: DynamicKey("totalCount"))
        )
    }
}

extension QBOClient {
    /// Runs one query: `GET /query?query=...`.
    /// - Parameter query: The statement.
    /// - Returns: One page of rows.
    /// - Throws: ``QBOError`` (``QBOError/Kind/validation`` for 4000/4001 parse errors).
    public func query<Entity>(_ query: QBOQuery<Entity>) async throws -> QueryPage<Entity> {
        let (response, request) = try await perform(.get, path: "query", parameters: [("query", query.text)])
        return try decode(QueryEnvelope<Entity>.self, from: response, request: request).page
    }

    /// Runs a query page after page (`STARTPOSITION`/`MAXRESULTS`) until a short
    /// page, so results past QBO's 1,000-row limit are all returned.
    /// - Parameters:
    ///   - query: The statement; its own paging is replaced.
    ///   - pageSize: Rows per request, 1 to 1000.
    /// - Returns: All rows, in QBO's order.
    /// - Throws: ``QBOError`` from any page.
    public func queryAll<Entity>(_ query: QBOQuery<Entity>, pageSize: Int = QBOQuery<Entity>.maxPageSize) async throws -> [Entity] {
        let size = min(max(1, pageSize), QBOQuery<Entity>.maxPageSize)
        var rows: [Entity] = []
        var position = 1
        while true {
            if Task.isCancelled { throw QBOError(kind: .cancelled, message: "task cancelled between query pages") }
            let page = try await self.query(query.startPosition(position).maxResults(size))
            rows += page.entities
            if page.entities.count < size { return rows }
            position += size
        }
    }

    /// Runs a `COUNT(*)` query.
    /// - Parameter query: A query made with ``QBOQuery/count()``.
    /// - Returns: QBO's `totalCount` (0 when absent).
    /// - Throws: ``QBOError``.
    public func count<Entity>(_ query: QBOQuery<Entity>) async throws -> Int {
        try await self.query(query).totalCount ?? 0
    }
}
