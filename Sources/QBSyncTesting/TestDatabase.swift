import Foundation
import QBSyncStore
import Synchronization

/// The database tests run on: SQLite files by default, or new databases on
/// the PostgreSQL server named by env `QBSYNC_TEST_POSTGRES` (a
/// `postgres://` URL whose role may create databases). `Scripts/test` runs
/// the store, core, service and CLI suites once each way, on a throwaway
/// cluster it starts in a temporary directory.
public enum TestDatabase {
    /// The test server, when the suites run on PostgreSQL.
    public static let postgres: PostgresLocation? = {
        guard let url = ProcessInfo.processInfo.environment["QBSYNC_TEST_POSTGRES"], !url.isEmpty else { return nil }
        do {
            return try PostgresLocation(url: url)
        } catch {
            fatalError("QBSYNC_TEST_POSTGRES: \(error)")
        }
    }()

    /// Whether the suites run on PostgreSQL.
    public static var isPostgres: Bool { Self.postgres != nil }

    /// One connection to the test server's maintenance database, for CREATE DATABASE.
    private static let admin = Mutex<PostgresDatabase?>(nil)

    /// A new, empty database: a SQLite file named `name` in `directory`, or a
    /// new database on the test server (its URL).
    public static func fresh(in directory: URL = FileManager.default.temporaryDirectory, name: String = "qbsync-\(UUID().uuidString).sqlite3") throws -> String {
        guard let server = Self.postgres else { return directory.appendingPathComponent(name).path }
        let database = "qbsync_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try Self.admin.withLock { admin in
            if admin == nil { admin = try PostgresDatabase(location: server) }
            do {
                try admin!.execute("CREATE DATABASE \(database)")
            } catch {
                admin = nil  // a lost connection is opened again next time
                throw error
            }
        }
        return "\(server.database(database).urlWithPassword)"
    }

    /// Reads a store's database while its service runs, on a connection of
    /// its own (a second `Store` would be a second writer, which PostgreSQL refuses).
    public static func read<T>(_ location: String, _ body: (any Database) throws -> T) throws -> T {
        let database: any Database = PostgresLocation.isURL(location)
            ? try PostgresDatabase(location: PostgresLocation(url: location))
            : try SQLiteDatabase(path: location, readOnly: true)
        return try body(database)
    }
}
