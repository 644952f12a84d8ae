/// What `qbo-sim` prints when it starts: where it listens, each realm's credentials, and
/// the two qbsync commands that use it.
///
/// `--qbo-base-url` belongs to `qbsync serve` (the service talks to QBO) and the realm's
/// credentials to `qbsync connect` (a client of the running service), so they are two
/// commands, printed in the order they are run.
public enum SimulatorBanner {
    /// The banner's text, without a trailing newline.
    /// - Parameters:
    ///   - endpoint: Where the simulator listens.
    ///   - credentials: The realms it created at start.
    ///   - company: The rental company id the `qbsync connect` line names.
    /// - Returns: Lines for a person to read and copy.
    public static func text(endpoint: SimulatorEndpoint, credentials: [RealmCredentials], company: String = "demo") -> String {
        var lines: [String] = []
        if let socket = endpoint.unixSocketPath {
            lines.append("QBO simulator listening on Unix socket \(socket) (base URL \(endpoint.baseURL))")
        } else {
            lines.append("QBO simulator listening on \(endpoint.baseURL)")
        }
        lines.append("  API base:   \(endpoint.baseURL)/v3/company/<realmId>/")
        lines.append("  Token URL:  \(endpoint.baseURL)/oauth2/v1/tokens/bearer")
        lines.append("  Admin API:  \(endpoint.baseURL)/admin/  (POST /admin/realms creates another realm)")
        for realm in credentials {
            lines.append("")
            lines.append("Realm \(realm.realmId)")
            lines.append("  client id:      \(realm.clientId)")
            lines.append("  client secret:  \(realm.clientSecret)")
            lines.append("  refresh token:  \(realm.refreshToken)")
            lines.append("  point qbsync at it:")
            if endpoint.unixSocketPath == nil {
                lines.append("    \(serveCommand(endpoint: endpoint))")
            } else {
                // `qbsync serve` reaches QBO over TCP only.
                lines.append("    (qbsync serve needs a TCP simulator: start qbo-sim with --port instead of --socket)")
            }
            lines.append("    \(connectCommand(realm, company: company))")
        }
        lines.append("")
        lines.append("Ctrl-C (SIGINT) or SIGTERM stops it.")
        return lines.joined(separator: "\n")
    }

    /// `qbsync serve --qbo-base-url http://127.0.0.1:8089`: runs qbsync against the simulator.
    /// - Parameter endpoint: Where the simulator listens.
    public static func serveCommand(endpoint: SimulatorEndpoint) -> String {
        "qbsync serve --qbo-base-url \(endpoint.baseURL)"
    }

    /// `qbsync connect --company ... --realm ... --client-id ... --client-secret ... --refresh-token ...`:
    /// connects a company of the running service to the realm.
    /// - Parameters:
    ///   - realm: The realm's credentials.
    ///   - company: The rental company id.
    public static func connectCommand(_ realm: RealmCredentials, company: String = "demo") -> String {
        "qbsync connect --company \(company) --realm \(realm.realmId) --client-id \(realm.clientId) "
            + "--client-secret \(realm.clientSecret) --refresh-token \(realm.refreshToken)"
    }
}
