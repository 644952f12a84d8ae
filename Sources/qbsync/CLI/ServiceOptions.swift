import ArgumentParser
import Foundation
import QBSyncClient
import QBSyncWire

/// How a client subcommand reaches the service: --socket and --timeout.
struct ServiceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The service's Unix socket (env QBSYNC_SOCKET).", valueName: "path"))
    var socket: String = Defaults.socketPath

    @Option(help: ArgumentHelp("Seconds to wait for each call to the service.", valueName: "seconds"))
    var timeout: Double = 30

    func validate() throws {
        guard self.timeout > 0, self.timeout <= 86_400 else { throw ValidationError("--timeout must be between 0 and 86400 seconds") }
    }

    /// Connects to the service.
    ///
    /// - Throws: ``CLIFailure`` with exit status 69 when nothing answers on the socket.
    func connect() async throws -> QBSyncClient {
        var configuration = ClientConfiguration()
        configuration.defaultTimeout = .milliseconds(Int64(self.timeout * 1000))
        configuration.connectTimeout = .milliseconds(Int64(min(self.timeout, 5) * 1000))
        do {
            return try await QBSyncClient(socketPath: self.socket, configuration: configuration)
        } catch {
            throw CLIFailure(.unreachable, "cannot reach the qbsync service at \(self.socket): \(error.message)\n  start it with `qbsync serve --socket \(self.socket)`, or point --socket / QBSYNC_SOCKET at it")
        }
    }
}

/// The company a subcommand acts on: --company, env QBSYNC_COMPANY, default "demo".
struct CompanyOption: ParsableArguments {
    @Option(help: ArgumentHelp("The rental company's id (env QBSYNC_COMPANY).", valueName: "id"))
    var company: String = Defaults.company
}

/// --json: print the service's answer as protobuf JSON instead of text.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print the result as JSON (the protobuf JSON mapping of the response message), for scripts.")
    var json = false
}

extension Defaults {
    /// Company: $QBSYNC_COMPANY, else "demo" (the built-in simulator's company).
    static var company: String {
        ProcessInfo.processInfo.environment["QBSYNC_COMPANY"].flatMap { $0.isEmpty ? nil : $0 } ?? "demo"
    }
}
