import PostgresNIO

/// A failure reported by PostgreSQL or on the way to it.
///
/// Carries the server's SQLSTATE and message only: PostgreSQL's detail
/// field can quote row values (a duplicate key's), and rows hold secrets.
public struct PostgresStoreError: DatabaseFailure, Sendable {
    /// SQLSTATE (five characters), or "" when the server did not answer.
    public var sqlState: String
    /// What failed.
    public var message: String

    init(sqlState: String = "", message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    init(_ error: any Error, doing: String) {
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            self.init(sqlState: state, message: "\(doing): \(message)")
        } else {
            self.init(message: "\(doing): \(error)")
        }
    }

    public var description: String {
        self.sqlState.isEmpty ? "PostgreSQL error: \(self.message)" : "PostgreSQL error \(self.sqlState): \(self.message)"
    }

    /// disk_full (53100).
    public var isStorageFull: Bool { self.sqlState == "53100" }
}
