import Testing

@testable import QBSyncStore

/// `--database postgres://...`: what is accepted, what is refused with a
/// message naming the problem, and the password never shown.
@Suite struct PostgresLocationTests {
    @Test func tcpAndUnixSocketURLs() throws {
        let tcp = try PostgresLocation(url: "postgres://qbsync:p%40ss@db.internal:6543/books?sslmode=require")
        #expect(tcp.host == "db.internal" && tcp.port == 6543 && tcp.socketPath == nil)
        #expect(tcp.username == "qbsync" && tcp.password == "p@ss" && tcp.database == "books" && tcp.tls == .require)
        let socket = try PostgresLocation(url: "postgresql://qbsync@/books?host=/run/postgresql&port=5433")
        #expect(socket.host == nil && socket.socketPath == "/run/postgresql/.s.PGSQL.5433" && socket.password == nil)
        let local = try PostgresLocation(url: "postgres://qbsync@/books")
        #expect(local.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(try PostgresLocation(url: "postgres://qbsync@db/books").tls == .prefer)
        // Another process gets the password back (tests hand URLs to `qbsync serve`).
        #expect(try PostgresLocation(url: tcp.urlWithPassword) == tcp)
        #expect(try PostgresLocation(url: socket.urlWithPassword) == socket)
    }

    @Test func thePasswordIsNeverInTheDescription() throws {
        let location = try PostgresLocation(url: "postgres://qbsync:hunter2-secret@db/books")
        #expect(!location.description.contains("hunter2-secret"))
        #expect(location.description.contains("qbsync@db:5432/books"))
    }

    @Test func badURLsAreRefusedNamingWhatIsWrong() {
        let cases: [(String, String)] = [
            ("postgres://", "no user"),
            ("mysql://u@h/db", "look like"),
            ("postgres://h/db", "no user"),
            ("postgres://u:hunter2-secret@h", "no database"),
            ("postgres://u:hunter2-secret@h/", "no database"),
            ("postgres://u:hunter2-secret@h/a/b", "no database"),
            ("postgres://u:hunter2-secret@h:0/db", "port"),
            ("postgres://u:hunter2-secret@h/db?port=99999", "port"),
            ("postgres://u:hunter2-secret@h/db?port=x", "port"),
            ("postgres://u:hunter2-secret@h/db?sslmode=maybe", "sslmode"),
            ("postgres://u:hunter2-secret@h/db?options=-c%20x", "unknown parameter \"options\""),
            ("postgres://u:hunter2-secret@h/db\u{0}", "control characters"),
            ("postgres://u:hunter2-secret@h/db\n", "control characters"),
        ]
        for (url, expected) in cases {
            do {
                _ = try PostgresLocation(url: url)
                Issue.record("accepted: \(url)")
            } catch {
                #expect("\(error)".contains(expected), "\(url): \(error)")
                #expect(!"\(error)".contains("hunter2-secret"))
            }
        }
    }
}
