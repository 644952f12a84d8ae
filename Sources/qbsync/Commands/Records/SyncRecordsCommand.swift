import ArgumentParser
import Foundation
import QBSyncClient
import QBSyncWire

/// `qbsync invoices sync FILE...`: sends records read from JSON.
struct SyncRecordsCommand<Kind: RecordKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        let name = Kind.entity.label
        return CommandConfiguration(
            commandName: "sync",
            abstract: "Send \(name)s to qbsync from JSON (a file, several, or stdin).",
            discussion: reflow("""
                Each input is one \(name) in the protobuf JSON shape of the \(Kind.Message.protoTypeName) message
                (Protos/qbsync/v1/transactions.proto): json names (externalId) or proto names
                (external_id); amounts in minor units as numbers or strings; enums by name. A file may
                hold one object, an array of objects, or JSON Lines (one object per line), and an
                object may also be a whole request ({"companyId": ..., "\(Kind.Message.requestField)": {...}}).
                Records are sent concurrently. --json prints an array of the responses.
                Exit 70 when a record ends BLOCKED or ERRORED; 65 when the service rejects one.
                """)
        )
    }

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("JSON or JSON Lines files; - or nothing reads stdin.", valueName: "file"))
    var files: [String] = []
    @Option(name: .customLong("file"), help: ArgumentHelp("Another input file (e.g. many.jsonl with one object per line).", valueName: "path"))
    var moreFiles: [String] = []
    @OptionGroup var waiting: WaitOptions
    @Option(help: "Requests in flight at once.") var concurrency = 16
    @Flag(help: "History or a bulk load: pushed after every record someone is waiting for (call metadata qbsync-lane: backfill).")
    var backfill = false
    @OptionGroup var output: JSONOption

    func validate() throws {
        guard (1...256).contains(self.concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
    }

    func run() async throws {
        var paths = self.files + self.moreFiles
        if paths.isEmpty {
            guard !Console.isTerminal(STDIN_FILENO) else {
                throw ValidationError("give a JSON file (or - and pipe JSON into stdin)")
            }
            paths = ["-"]
        }
        var messages: [Kind.Message] = []
        for path in paths {
            let source = path == "-" ? "stdin" : path
            let documents: [(location: String, value: ProtoJSON)]
            do {
                documents = try JSONDocuments.parse(try JSONDocuments.read(path: path), source: source)
            } catch let error as ProtoJSONError {
                throw CLIFailure.usage(error.description)
            }
            for document in documents {
                messages.append(try Kind.Message.decode(document.value, location: document.location, company: self.company.company))
            }
        }
        let client = try await self.service.connect()
        let company = self.company.company
        let options = CallOptions(metadata: self.backfill ? ["qbsync-lane": "backfill"] : [:])
        let results = await concurrentMap(messages, limit: self.concurrency) { message -> Result<Kind.Response, RPCError> in
            await rpcResult { () async throws(RPCError) in try await Kind.sync(message, company: company, client: client, options: options) }
        }
        if let unreachable = results.compactMap({ result -> RPCError? in
            if case .failure(let error) = result, ExitStatus(error) == .unreachable { return error }
            return nil
        }).first {
            throw unreachable
        }
        var accepted: [Kind.Response] = []
        var rejected: [(String, RPCError)] = []
        for (message, result) in zip(messages, results) {
            switch result {
            case .success(let response): accepted.append(response)
            case .failure(let error): rejected.append((Kind.externalID(message), error))
            }
        }
        var records = accepted.map(Kind.record)
        if self.waiting.wait {
            records = try await RecordWaiter.settle(records, client: client, timeout: self.waiting.waitTimeout)
            accepted = zip(records, accepted).map { Kind.replacing($0, in: $1) }
        }
        if self.output.json {
            Console.out(WireJSON.string(accepted))
        } else {
            RecordOutcomeText.print(records: records, changed: accepted.map(\.changed), rejected: rejected, style: .forOutput())
        }
        for (id, error) in rejected {
            Console.error(FailureReport.describe(error).replacingOccurrences(of: "qbsync: ", with: "qbsync: \(Kind.entity.label) \(id): ", options: .anchored))
        }
        try RecordOutcomeText.exit(records: records, rejected: !rejected.isEmpty, waited: self.waiting.wait)
    }

    private static func changed(_ response: Kind.Response) -> Bool { response.changed }
}

extension JSONDecodableRecord {
    /// "qbsync.v1.Invoice" -> "Invoice".
    static var protoTypeName: String { String(describing: Self.self) }
}

/// How accepted records read, and the exit status they earn.
enum RecordOutcomeText {
    static func print(records: [SyncRecord], changed: [Bool], rejected: [(String, RPCError)], style: Style) {
        if records.count == 1, rejected.isEmpty, let record = records.first {
            Console.out(Self.line(record, changed: changed.first ?? true, style: style))
            for blocker in record.blockers {
                Console.out("  \(style.check(false)) \(blocker.summary): \(blocker.message)")
                if !blocker.fixCommand.isEmpty { Console.out("      fix: \(blocker.fixCommand)") }
            }
            if record.status == .errored, let error = record.lastError {
                Console.out("  \(style.check(false)) \(error.headline)")
                if !error.fixHint.isEmpty { Console.out("      fix: \(error.fixHint)") }
            }
            for line in Self.warningLines(record.warnings, style: style) { Console.out(line) }
            return
        }
        var byStatus: [SyncStatus: Int] = [:]
        for record in records { byStatus[record.status, default: 0] += 1 }
        let unchanged = changed.filter { !$0 }.count
        let counts = SyncStatus.shown.compactMap { status in byStatus[status].map { "\($0) \(status.styled(style))" } }.joined(separator: ", ")
        let entity = records.first?.ref?.entity.label ?? "record"
        Console.out("Accepted \(records.count) \(entity)(s)\(unchanged > 0 ? " (\(unchanged) unchanged)" : ""): \(counts.isEmpty ? "none" : counts)" +
                    (rejected.isEmpty ? "" : "; \(style.red("\(rejected.count) rejected"))"))
        let problems = records.filter { $0.status.isFailure }
        for record in problems.prefix(50) {
            Console.out("  \(style.check(false)) \(record.ref?.label ?? "?"): \(record.status.styled(style)) \(record.problem)")
        }
        if problems.count > 50 { Console.out("  … and \(problems.count - 50) more (qbsync \(entity)s list --status blocked --status errored)") }
        for record in records.filter({ !$0.warnings.isEmpty }).prefix(50) {
            Console.out("  \(style.warning("!")) \(record.ref?.label ?? "?"): synced with \(record.warnings.map { $0.kind.label }.joined(separator: ", "))")
        }
    }

    /// "! TAX_MISMATCH: ..." and its fix, for each warning.
    static func warningLines(_ warnings: [RecordWarning], style: Style) -> [String] {
        warnings.flatMap { warning in
            ["  \(style.warning("!")) \(warning.kind.label): \(warning.message)"]
                + warning.fields.map { "      \($0.field): ours \($0.ours.isEmpty ? "(none)" : $0.ours), QuickBooks \($0.quickbooks.isEmpty ? "(none)" : $0.quickbooks)" }
                + (warning.fixHint.isEmpty ? [] : ["      fix: \(warning.fixHint)"])
        }
    }

    static func line(_ record: SyncRecord, changed: Bool, style: Style) -> String {
        var text = "\(record.ref?.label ?? "record"): \(record.status.styled(style))"
        if !record.qboID.isEmpty { text += "  QBO \(record.qboEntity) \(record.qboID)" }
        if !changed { text += style.dim("  (unchanged)") }
        if record.status == .skipped, !record.skipReason.isEmpty { text += "  \(record.skipReason)" }
        return text
    }

    /// 65 when something was rejected, 75 when --wait ran out, 70 when a record is BLOCKED or ERRORED.
    static func exit(records: [SyncRecord], rejected: Bool, waited: Bool) throws {
        if rejected { throw CLIFailure(.rejected, "") }
        let failed = records.filter { $0.status.isFailure }.count
        if waited, records.contains(where: { !$0.status.isSettled }) {
            throw CLIFailure(.timedOut, "some records were still pending when --wait-timeout ran out")
        }
        if failed > 0 { throw CLIFailure(.syncFailed, "\(failed) record(s) BLOCKED or ERRORED") }
        let warned = records.filter { $0.status == .synced && !$0.warnings.isEmpty }.count
        if waited, warned > 0 { throw CLIFailure(.syncedWithWarnings, "\(warned) record(s) synced with warnings") }
    }
}
