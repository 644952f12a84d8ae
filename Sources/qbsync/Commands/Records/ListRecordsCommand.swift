import ArgumentParser
import QBSyncClient
import QBSyncWire

/// A status as the CLI spells it.
enum StatusArgument: String, ExpressibleByArgument, CaseIterable {
    case pending, syncing, synced, blocked, errored, skipped

    var status: SyncStatus {
        switch self {
        case .pending: .pending
        case .syncing: .syncing
        case .synced: .synced
        case .blocked: .blocked
        case .errored: .errored
        case .skipped: .skipped
        }
    }
}

/// Every record of an entity in the given statuses, through all pages.
func listAllRecords(client: QBSyncClient, company: String, entity: EntityType, statuses: [SyncStatus]) async throws -> [SyncRecord] {
    var records: [SyncRecord] = []
    var token = ""
    repeat {
        let page = try await client.listRecords(ListRecordsRequest(companyID: company, entity: entity, statuses: statuses, pageSize: 1000, pageToken: token))
        records += page.records
        token = page.nextPageToken
    } while !token.isEmpty
    return records
}

/// `qbsync invoices list`.
struct ListRecordsCommand<Kind: RecordKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "list",
            abstract: "List \(Kind.entity.plural), optionally by status (all pages).",
            discussion: "--json prints one ListRecordsResponse holding every record (next_page_token empty)."
        )
    }

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Option(help: ArgumentHelp("Only records in this status (repeatable).", valueName: StatusArgument.allCases.map(\.rawValue).joined(separator: "|")))
    var status: [StatusArgument] = []
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try await self.service.connect()
        let records = try await listAllRecords(client: client, company: self.company.company, entity: Kind.entity, statuses: self.status.map(\.status))
        if self.output.json { return Console.out(WireJSON.string(ListRecordsResponse(records: records))) }
        RecordTable.print(records, style: .forOutput(), empty: "No \(Kind.entity.plural)\(self.status.isEmpty ? "" : " in that status").")
    }
}

/// Records as an aligned table.
enum RecordTable {
    static func print(_ records: [SyncRecord], style: Style, empty: String) {
        guard !records.isEmpty else { return Console.out(empty) }
        var table = TextTable(["ID", "STATUS", "DATE", "DOC", "QBO", "ATTEMPTS", "UPDATED", "DETAIL"], alignments: [.left, .left, .left, .left, .left, .right])
        for record in records {
            table.add([
                record.ref?.externalID ?? "",
                record.status.styled(style) + (record.voided ? style.dim(" (void)") : ""),
                record.txnDate,
                record.docNumber,
                record.qboID.isEmpty ? "-" : "\(record.qboEntity) \(record.qboID)",
                String(record.attempts),
                record.updatedAt,
                record.problem,
            ])
        }
        Console.out(table.render(style: style))
        var counts: [SyncStatus: Int] = [:]
        for record in records { counts[record.status, default: 0] += 1 }
        Console.out(style.dim("\(records.count) record(s): " + SyncStatus.shown.compactMap { status in counts[status].map { "\($0) \(status.label.lowercased())" } }.joined(separator: ", ")))
    }
}

/// `qbsync invoices resync`.
struct ResyncCommand<Kind: RecordKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "resync",
            abstract: "Queue \(Kind.entity.plural) again after a fix: one, or every ERRORED one.",
            discussion: "A SYNCED record is pushed again as an update; one changed in QuickBooks since (drift) only with --force, which pushes the rental system's version over QuickBooks'. Exit 70 when a record ends BLOCKED or ERRORED."
        )
    }

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("The \(Kind.entity.label)'s external id.", valueName: "id")) var id: String?
    @Flag(name: .customLong("all-errored"), help: "Every ERRORED \(Kind.entity.label) of the company.") var allErrored = false
    @Flag(help: "Push over a version someone changed in QuickBooks (drift).") var force = false
    @OptionGroup var waiting: WaitOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        guard (self.id != nil) != self.allErrored else { throw ValidationError("give one \(Kind.entity.label) id, or --all-errored") }
    }

    func run() async throws {
        let client = try await self.service.connect()
        let company = self.company.company
        var refs: [RecordRef] = []
        if let id = self.id {
            refs = [RecordRef(companyID: company, entity: Kind.entity, externalID: id)]
        } else {
            // ResyncRequest.all_errored spans every entity; resync this entity's ERRORED records one by one.
            refs = try await listAllRecords(client: client, company: company, entity: Kind.entity, statuses: [.errored]).compactMap(\.ref)
        }
        let results = await concurrentMap(refs, limit: 16) { ref -> Result<ResyncResponse, RPCError> in
            await rpcResult { () async throws(RPCError) in try await client.resync(ResyncRequest(companyID: company, target: .record(ref), force: self.force)) }
        }
        var responses: [ResyncResponse] = []
        for result in results { responses.append(try result.get()) }
        var records = responses.map { $0.record ?? SyncRecord() }
        if self.waiting.wait {
            records = try await RecordWaiter.settle(records, client: client, timeout: self.waiting.waitTimeout)
            responses = zip(responses, records).map { ResyncResponse(requeued: $0.requeued, record: $1) }
        }
        let style = Style.forOutput()
        if self.output.json {
            Console.out(self.id != nil ? WireJSON.string(responses[0]) : WireJSON.string(ResyncResponse(requeued: UInt32(responses.count))))
        } else if self.id == nil {
            Console.out("Requeued \(records.count) errored \(Kind.entity.label)(s).")
            for record in records where record.status.isFailure { Console.out("  \(style.check(false)) \(record.ref?.label ?? ""): \(record.status.styled(style)) \(record.problem)") }
        } else {
            RecordOutcomeText.print(records: records, changed: [true], rejected: [], style: style)
        }
        try RecordOutcomeText.exit(records: records, rejected: false, waited: self.waiting.wait)
    }
}
