import Foundation

/// Where a PostgreSQL database is, from a `postgres://` URL as libpq spells it:
///
///     postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE
///     postgres://USER@/DATABASE?host=/run/postgresql      (Unix socket directory)
///
/// The password is kept apart so that ``description`` (which goes into logs
/// and error messages) never shows it.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// A host name or address, or nil for a Unix socket.
    public var host: String?
    /// TCP port, or the number in the Unix socket's name (`.s.PGSQL.PORT`).
    public var port: Int
    /// The directory holding the server's Unix socket, when connecting through one.
    public var socketDirectory: String?
    /// Role to connect as.
    public var username: String
    /// Its password, if the server asks for one.
    public var password: String?
    /// Database name.
    public var database: String
    /// TLS over TCP (`sslmode=disable|prefer|require`, prefer by default);
    /// never over a Unix socket.
    public var tls: TLSMode

    /// Whether the connection is encrypted.
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a `postgres://` or `postgresql://` URL.
    ///
    /// - Throws: ``PostgresStoreError`` naming what is wrong (never echoing a password).
    public init(url text: String) throws {
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw PostgresStoreError(message: "the database URL contains control characters")
        }
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw PostgresStoreError(message: "the database URL must look like postgres://USER@HOST:PORT/DATABASE or postgres://USER@/DATABASE?host=/SOCKET/DIRECTORY")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresStoreError(message: "the database URL names no user (postgres://USER@...)")
        }
        let name = String(components.path.drop(while: { $0 == "/" }))
        guard !name.isEmpty, !name.contains("/") else {
            throw PostgresStoreError(message: "the database URL names no database (postgres://USER@HOST/DATABASE)")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        if let unknown = query.keys.sorted().first(where: { !["host", "port", "sslmode"].contains($0) }) {
            throw PostgresStoreError(message: "the database URL has an unknown parameter \"\(unknown)\" (known: host, port, sslmode)")
        }
        guard let tls = TLSMode(rawValue: query["sslmode"] ?? "prefer") else {
            throw PostgresStoreError(message: "the database URL's sslmode must be disable, prefer or require")
        }
        self.tls = tls
        let portText = query["port"] ?? components.port.map(String.init) ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw PostgresStoreError(message: "the database URL's port must be 1-65535")
        }
        self.port = port
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = name.removingPercentEncoding ?? name
        let host = query["host"] ?? components.host ?? ""
        if host.hasPrefix("/") {
            self.host = nil
            self.socketDirectory = host
        } else if host.isEmpty {
            self.host = nil
            self.socketDirectory = "/var/run/postgresql"
        } else {
            self.host = host
            self.socketDirectory = nil
        }
    }

    /// The same server and role, another database (tests create one per store).
    public func database(_ name: String) -> PostgresLocation {
        var copy = self
        copy.database = name
        return copy
    }

    /// The URL without its password.
    public var description: String {
        if let socketDirectory {
            return "postgres://\(self.username)@/\(self.database)?host=\(socketDirectory)&port=\(self.port)"
        }
        return "postgres://\(self.username)@\(self.host ?? "localhost"):\(self.port)/\(self.database)?sslmode=\(self.tls.rawValue)"
    }

    /// The URL with its password, to hand to another process (tests).
    public var urlWithPassword: String {
        guard let password else { return self.description }
        let user = "\(self.username):\(password.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? password)"
        if let socketDirectory {
            return "postgres://\(user)@/\(self.database)?host=\(socketDirectory)&port=\(self.port)"
        }
        return "postgres://\(user)@\(self.host ?? "localhost"):\(self.port)/\(self.database)?sslmode=\(self.tls.rawValue)"
    }

    /// The Unix socket's path, when connecting through one.
    var socketPath: String? {
        self.socketDirectory.map { "\($0)/.s.PGSQL.\(self.port)" }
    }
}
