import ArgumentParser
import QBSyncClient
import QBSyncWire

/// `qbsync drift`.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Find records someone changed in QuickBooks after sync; accept QuickBooks' version.",
        discussion: reflow("""
            The service reads QuickBooks' changes every --drift-interval (5 minutes) on its own; a
            record that no longer matches what was synced stays SYNCED with a DRIFT_* warning
            (`show` prints each field, ours and QuickBooks'). Then, per the company's drift policy
            (`qbsync settings --drift-policy`): report only (default), push ours again, or accept
            QuickBooks'. By hand: `qbsync GROUP resync ID --force` pushes ours, `qbsync drift accept`
            keeps QuickBooks'.
            """),
        subcommands: [CheckDriftCommand.self, AcceptDriftCommand.self]
    )
}

/// `qbsync drift check`.
struct CheckDriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Read QuickBooks' changes now and list the records that drifted.",
        discussion: "--json prints CheckDriftResponse. Exit 71 when a record newly drifted."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.checkDrift(CheckDriftRequest(companyID: self.company.company))
        if self.output.json {
            Console.out(WireJSON.string(response))
        } else {
            let style = Style.forOutput()
            Console.out("Read \(response.changesRead) change(s) in QuickBooks up to \(response.checkedThrough) (\(response.requests) request(s)).")
            if response.drifted.isEmpty { Console.out("Nothing newly drifted.") }
            for record in response.drifted {
                Console.out("\(record.ref?.label ?? "record"): \(record.status.styled(style))  QBO \(record.qboEntity) \(record.qboID)")
                if record.warnings.isEmpty { Console.out("  QuickBooks' version accepted (company policy); see `show`") }
                for line in RecordOutcomeText.warningLines(record.warnings, style: style) { Console.out(line) }
            }
        }
        if response.drifted.contains(where: { !$0.warnings.isEmpty }) {
            throw CLIFailure(.syncedWithWarnings, "\(response.drifted.count) record(s) drifted in QuickBooks")
        }
    }
}

/// `qbsync drift accept GROUP ID`.
struct AcceptDriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Keep QuickBooks' version of a drifted record (the rental system should follow it).",
        discussion: "--json prints AcceptDriftResponse."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("The record's group: invoices, payments, bills, ...", valueName: "group")) var group: String
    @Argument(help: ArgumentHelp("The record's external id.", valueName: "id")) var id: String
    @OptionGroup var output: JSONOption

    func run() async throws {
        let entity: EntityType
        do { entity = try EntityArgument.parseList(self.group).first ?? .unspecified } catch { throw CLIFailure.usage("\(error)") }
        let client = try await self.service.connect()
        let response = try await client.acceptDrift(AcceptDriftRequest(ref: RecordRef(companyID: self.company.company, entity: entity, externalID: self.id)))
        if self.output.json { return Console.out(WireJSON.string(response)) }
        Console.out("\(response.record?.ref?.label ?? self.id): QuickBooks' version accepted.")
        for warning in response.accepted { Console.out("  accepted \(warning.kind.label): \(warning.message)") }
    }
}
