import ArgumentParser
import Foundation
import QBSyncClient
import QBSyncWire

/// `qbsync call`: any RPC by name, protobuf JSON in and out (like grpcurl).
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call any RPC by name with protobuf JSON; print the answer as JSON.",
        discussion: reflow("""
            METHOD is a method of qbsync.v1.QuickBooksSync (GetHealth, SyncInvoice, ...; `qbsync call
            --list` names them all). The request is protobuf JSON (lowerCamelCase or proto field names,
            enums by name, 64-bit integers as strings or numbers) from --data, or from stdin with
            --data -; without --data it is {}. Unknown fields are refused. A unary answer is printed as
            JSON; a server stream prints one JSON object per line as messages arrive, until the
            stream ends, --max-messages, --stream-timeout or Ctrl-C. A failure prints the status, its
            message and each typed detail as JSON on stderr, and exits as other commands do (65
            rejected, 69 unavailable, 75 deadline).
            """)
    )

    @OptionGroup var service: ServiceOptions

    @Argument(help: ArgumentHelp("The method's name (or /qbsync.v1.QuickBooksSync/Name).", valueName: "METHOD"))
    var method: String?

    @Option(help: ArgumentHelp("The request as JSON, or - to read it from stdin.", valueName: "json"))
    var data: String?

    @Option(name: .customLong("metadata"), help: ArgumentHelp("Call metadata (repeatable).", valueName: "key=value"))
    var metadata: [String] = []

    @Option(help: ArgumentHelp("Server streams: stop after this many messages.", valueName: "n"))
    var maxMessages: Int?

    @Option(help: ArgumentHelp("Server streams: the call's deadline in seconds (default none).", valueName: "seconds"))
    var streamTimeout: Double?

    @Flag(help: "List the methods, with their request and response types, and exit.")
    var list = false

    func validate() throws {
        if !self.list, self.method == nil { throw ValidationError("name a METHOD (qbsync call --list shows them)") }
        if let maxMessages, maxMessages <= 0 { throw ValidationError("--max-messages must be positive") }
        if let streamTimeout, !(streamTimeout > 0 && streamTimeout <= 86_400) { throw ValidationError("--stream-timeout must be between 0 and 86400 seconds") }
        for entry in self.metadata where !entry.contains("=") { throw ValidationError("--metadata takes key=value, got \"\(entry)\"") }
    }

    func run() async throws {
        if self.list {
            for method in QuickBooksSync.methodsByName.values.sorted(by: { $0.name < $1.name }) {
                let stream = method.kind == .serverStreaming ? "stream " : ""
                Console.out("\(method.name)(\(method.requestType.protoMessageName)) returns \(stream)\(method.responseType.protoMessageName)")
            }
            return
        }
        let method = try Self.method(named: self.method ?? "")
        let request = try self.request(for: method)
        var options = CallOptions()
        for entry in self.metadata {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            options.metadata[String(parts[0])] = String(parts[1])
        }
        let client = try await self.service.connect()
        defer { Task { await client.close() } }
        do {
            if method.kind == .serverStreaming {
                options.timeout = self.streamTimeout.map { .milliseconds(Int64($0 * 1000)) }
                var count = 0
                for try await message in client.stream(method, request, options: options) {
                    Console.out(WireJSON.string(message, pretty: false))
                    count += 1
                    if let maxMessages, count >= maxMessages { break }
                }
            } else {
                Console.out(WireJSON.string(try await client.call(method, request, options: options)))
            }
        } catch let error as RPCError {
            Console.error("qbsync: \(error.code): \(error.message)")
            for detail in error.details {
                let json = (try? WireRegistry.decode(typeName: detail.type, bytes: detail.value)).flatMap { $0 }.map { WireJSON.string($0, pretty: false) }
                Console.error("  detail \(detail.type) \(json ?? "(\(detail.value.count) bytes of a type this build does not know)")")
            }
            throw CLIFailure(ExitStatus(error), "")
        }
    }

    /// The method named on the command line.
    static func method(named name: String) throws -> AnyRPCMethod {
        let short = name.split(separator: "/").last.map(String.init) ?? name
        if name.contains("/"), name.trimmingCharacters(in: CharacterSet(charactersIn: "/")) != "\(QuickBooksSync.serviceName)/\(short)" {
            throw CLIFailure.usage("\(name) is not a method of \(QuickBooksSync.serviceName)")
        }
        guard let method = QuickBooksSync.methodsByName[short] else {
            let close = QuickBooksSync.methodsByName.keys.filter { Self.distance($0.lowercased(), short.lowercased()) <= 2 }.sorted()
            throw CLIFailure.usage("no method \(short)\(close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?") (qbsync call --list shows them all)")
        }
        return method
    }

    /// Edits (insert, delete, replace) from one name to another.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var next = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                next[j] = min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            row = next
        }
        return a.isEmpty ? b.count : row[b.count]
    }

    /// The request from --data (or stdin), as the method's request type.
    func request(for method: AnyRPCMethod) throws -> any JSONWireMessage {
        let text: String
        switch self.data {
        case nil: text = "{}"
        case "-": text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        case let value?: text = value
        }
        let documents: [(location: String, value: ProtoJSON)]
        do {
            documents = try JSONDocuments.parse(text, source: self.data == "-" ? "stdin" : "--data")
        } catch let error as ProtoJSONError {
            throw CLIFailure.usage(error.description)
        }
        guard documents.count == 1, let document = documents.first else {
            throw CLIFailure.usage("--data must hold one JSON object, found \(documents.count)")
        }
        do {
            return try method.request(fromJSON: document.value)
        } catch let error as ProtoJSONError {
            throw CLIFailure.usage("\(method.requestType.protoMessageName): \(error.location.isEmpty ? "" : "\(error.location): ")\(error.message)")
        }
    }
}
