import ArgumentParser
import QBSyncClient
import QBSyncWire

/// `qbsync reconcile`.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare the rental store with QuickBooks for a period: counts, totals, balances, every mismatch.",
        discussion: reflow("""
            Per entity: the records qbsync synced and their total as the rental system sent it, the
            same documents in QuickBooks and their total there, and documents entered in QuickBooks
            that qbsync did not push; for customers, each linked customer's open balance now (the
            synced invoices less payments and credits) against QuickBooks' balance. Then every
            mismatch with its fix: missing in QuickBooks, amount differs (tax mismatches too), invoice
            balance differs, customer balance differs, a QuickBooks document with qbsync's marker that
            no record knows (a duplicate), not synced yet. --json prints ReconcileResponse.
            Exit 70 when anything does not match.
            """)
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Option(help: ArgumentHelp("First transaction date (default: 30 days before --to).", valueName: "yyyy-mm-dd")) var from: String?
    @Option(help: ArgumentHelp("Last transaction date (default: today).", valueName: "yyyy-mm-dd")) var to: String?
    @Option(help: ArgumentHelp("Entity types (default: invoices, payments, refunds, bills, bill-payments, expenses, customers).", valueName: "invoices,payments,..."))
    var entities: String?
    @OptionGroup var output: JSONOption

    func validate() throws {
        if let entities { _ = try EntityArgument.parseList(entities) }
    }

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.reconcile(ReconcileRequest(
            companyID: self.company.company, fromDate: self.from ?? "", toDate: self.to ?? "",
            entities: try self.entities.map(EntityArgument.parseList) ?? []
        ))
        if self.output.json {
            Console.out(WireJSON.string(response))
        } else {
            let style = Style.forOutput()
            Console.out(style.bold("Reconciliation \(response.fromDate) to \(response.toDate)") + style.dim("  (\(response.requests) QuickBooks request(s))"))
            var table = TextTable(["ENTITY", "SYNCED", "TOTAL (RENTAL)", "IN QBO", "TOTAL (QBO)", "ONLY IN QBO", "NOT SYNCED"],
                                  alignments: [.left, .right, .right, .right, .right, .right, .right])
            for entity in response.entities {
                table.add([entity.entity.plural, "\(entity.syncedCount)", Money.format(entity.syncedTotalMinor, ""),
                           "\(entity.foundCount)", Money.format(entity.foundTotalMinor, ""),
                           entity.onlyInQuickbooksCount == 0 ? "0" : "\(entity.onlyInQuickbooksCount) (\(Money.format(entity.onlyInQuickbooksTotalMinor, "")))",
                           "\(entity.notSyncedCount)"])
            }
            Console.out(table.render(style: style))
            if response.mismatches.isEmpty {
                Console.out("\(style.check(true)) Everything qbsync synced matches QuickBooks.")
            } else {
                Console.out("")
                Console.out(style.bold("Mismatches (\(response.mismatches.count)\(response.mismatchesTruncated ? ", more not listed" : ""))"))
                for mismatch in response.mismatches {
                    let what = mismatch.ref.map(\.label) ?? "\(mismatch.qboEntity) \(mismatch.qboID)"
                    let values = mismatch.quickbooks.isEmpty ? "" : ": ours \(mismatch.ours.isEmpty ? "-" : mismatch.ours), QuickBooks \(mismatch.quickbooks)"
                    Console.out("  \(style.check(false)) \(shortName(mismatch.kind.protoName, prefix: "MISMATCH_KIND_")) \(what)\(values)")
                    Console.out("      fix: \(mismatch.fixHint)")
                }
            }
        }
        if !response.mismatches.isEmpty {
            throw CLIFailure(.syncFailed, "\(response.mismatches.count) record(s) do not match QuickBooks")
        }
    }
}
