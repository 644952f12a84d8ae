import ArgumentParser
import QBSyncClient
import QBSyncWire

/// One kind of mapping, as a type, so each `mappings <kind>` group is the same generic code.
protocol MappingKindTag: Sendable {
    static var kind: MappingKind { get }
}

enum ItemMappings: MappingKindTag { static let kind = MappingKind.item }
enum AccountMappings: MappingKindTag { static let kind = MappingKind.account }
enum TaxCodeMappings: MappingKindTag { static let kind = MappingKind.taxCode }
enum PaymentMethodMappings: MappingKindTag { static let kind = MappingKind.paymentMethod }
enum LocationMappings: MappingKindTag { static let kind = MappingKind.location }
enum ClassMappings: MappingKindTag { static let kind = MappingKind.class }

/// `qbsync mappings`.
struct MappingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "Map rental codes to QuickBooks: items, accounts, tax codes, payment methods, locations, classes.",
        discussion: "`qbsync mappings list` lists every kind; `qbsync mappings items list` one kind.",
        subcommands: [
            AllMappingsListCommand.self,
            MappingGroupCommand<ItemMappings>.self,
            MappingGroupCommand<AccountMappings>.self,
            MappingGroupCommand<TaxCodeMappings>.self,
            MappingGroupCommand<PaymentMethodMappings>.self,
            MappingGroupCommand<LocationMappings>.self,
            MappingGroupCommand<ClassMappings>.self,
        ]
    )
}

/// `qbsync mappings items|accounts|tax-codes|payment-methods`.
struct MappingGroupCommand<Tag: MappingKindTag>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Tag.kind.command,
            abstract: "Map rental \(Tag.kind.noun) codes to \(Tag.kind.qboNoun)s.",
            subcommands: [MappingListCommand<Tag>.self, MappingSetCommand<Tag>.self, AutoMapCommand<Tag>.self, MappingDeleteCommand<Tag>.self]
        )
    }
}

/// Prints mappings and the unmapped codes blocking records.
enum MappingText {
    static func print(_ response: ListMappingsResponse, kind: MappingKind?, style: Style) {
        if response.mappings.isEmpty {
            Console.out("No mappings\(kind.map { " for \($0.noun)s" } ?? "").")
        } else {
            var table = TextTable(kind == nil ? ["KIND", "CODE", "QBO ID", "QBO NAME", "PAYMENT METHOD"] : ["CODE", "QBO ID", "QBO NAME", "PAYMENT METHOD"])
            for mapping in response.mappings {
                let row = [mapping.externalCode, mapping.qboID, mapping.qboName, mapping.qboPaymentMethodID]
                table.add(kind == nil ? [mapping.kind.noun] + row : row)
            }
            Console.out(table.render(style: style))
        }
        let unmapped = response.unmapped.filter { kind == nil || $0.kind == kind }
        if !unmapped.isEmpty {
            Console.out("")
            Console.out(style.bold("Unmapped codes") + " (records are blocked on them)")
            for code in unmapped {
                Console.out("  \(style.check(false)) \(code.kind.noun) \(code.externalCode): \(code.blockedRecords) record(s) blocked   fix: qbsync mappings \(code.kind.command) set \(code.externalCode) <qbo-id>")
            }
        }
    }
}

/// `qbsync mappings list`: every kind.
struct AllMappingsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every mapping and the unmapped codes that block records.",
        discussion: "--json prints ListMappingsResponse."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.listMappings(ListMappingsRequest(companyID: self.company.company))
        if self.output.json { return Console.out(WireJSON.string(response)) }
        MappingText.print(response, kind: nil, style: .forOutput())
    }
}

/// `qbsync mappings items list`.
struct MappingListCommand<Tag: MappingKindTag>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "list", abstract: "List \(Tag.kind.noun) mappings and unmapped \(Tag.kind.noun) codes.",
                             discussion: "--json prints ListMappingsResponse.")
    }

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.listMappings(ListMappingsRequest(companyID: self.company.company, kind: Tag.kind))
        if self.output.json { return Console.out(WireJSON.string(response)) }
        MappingText.print(response, kind: Tag.kind, style: .forOutput())
    }
}

/// `qbsync mappings items set CODE QBO-ID`.
struct MappingSetCommand<Tag: MappingKindTag>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "set", abstract: "Map a \(Tag.kind.noun) code to a \(Tag.kind.qboNoun) by its QBO id; records blocked on it unblock.",
                             discussion: "--json prints SetMappingResponse.")
    }

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("The rental \(Tag.kind.noun) code.", valueName: "code")) var code: String
    @Argument(help: ArgumentHelp("The \(Tag.kind.qboNoun) id.", valueName: "qbo-id")) var qboID: String
    @Option(help: "The QBO display name (informative).") var name: String = ""
    @Option(name: .customLong("payment-method-id"), help: ArgumentHelp("Payment methods only: QBO PaymentMethod id stamped on payments.", valueName: "id"))
    var paymentMethodID: String = ""
    @OptionGroup var output: JSONOption

    func validate() throws {
        if !self.paymentMethodID.isEmpty, Tag.kind != .paymentMethod { throw ValidationError("--payment-method-id is only for payment-methods") }
    }

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.setMapping(SetMappingRequest(companyID: self.company.company, mapping: Mapping(
            kind: Tag.kind, externalCode: self.code, qboID: self.qboID, qboName: self.name, qboPaymentMethodID: self.paymentMethodID
        )))
        if self.output.json { return Console.out(WireJSON.string(response)) }
        let mapping = response.mapping ?? Mapping()
        let name = mapping.qboName.isEmpty ? "" : " (\(mapping.qboName))"
        Console.out("\(Style.forOutput().check(true)) \(Tag.kind.noun) \(mapping.externalCode) → \(Tag.kind.qboNoun) \(mapping.qboID)\(name); \(response.recordsUnblocked) record(s) unblocked.")
    }
}

/// `qbsync mappings items auto-map CODE=NAME...`.
struct AutoMapCommand<Tag: MappingKindTag>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "auto-map",
            abstract: "Map \(Tag.kind.noun) codes by the name of a \(Tag.kind.qboNoun) (case-insensitive).",
            discussion: reflow("""
                Example: qbsync mappings \(Tag.kind.command) auto-map \(Tag.kind == .paymentMethod ? "CARD=\"Undeposited Funds\"" : "TENT-20=\"Equipment Rental\" DELIVERY=Delivery")
                Exit 65 when a name matches nothing or several objects. --json prints AutoMapResponse.
                """)
        )
    }

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("Code and the QBO name to match, as CODE=NAME.", valueName: "code=name")) var entries: [String]
    @Flag(name: .customLong("dry-run"), help: "Show what would be mapped; store nothing.") var dryRun = false
    @OptionGroup var output: JSONOption

    func parsedEntries() throws -> [AutoMapEntry] {
        try self.entries.map { entry in
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex, entry.index(after: equals) != entry.endIndex else {
                throw ValidationError("'\(entry)' is not CODE=NAME")
            }
            return AutoMapEntry(externalCode: String(entry[..<equals]), name: String(entry[entry.index(after: equals)...]))
        }
    }

    func validate() throws {
        guard !self.entries.isEmpty else { throw ValidationError("give at least one CODE=NAME") }
        _ = try self.parsedEntries()
    }

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.autoMap(AutoMapRequest(companyID: self.company.company, kind: Tag.kind, entries: try self.parsedEntries(), dryRun: self.dryRun))
        if self.output.json {
            Console.out(WireJSON.string(response))
        } else {
            let style = Style.forOutput()
            for mapping in response.mapped {
                Console.out("\(style.check(true)) \(Tag.kind.noun) \(mapping.externalCode) → \(Tag.kind.qboNoun) \(mapping.qboID) (\(mapping.qboName))\(self.dryRun ? style.dim("  [dry run: not stored]") : "")")
            }
            for code in response.unmatchedCodes { Console.out("\(style.check(false)) \(code): no \(Tag.kind.qboNoun) has that name") }
            for code in response.ambiguousCodes { Console.out("\(style.check(false)) \(code): several \(Tag.kind.qboNoun)s have that name; use `qbsync mappings \(Tag.kind.command) set \(code) <qbo-id>`") }
            if !self.dryRun { Console.out("\(response.recordsUnblocked) record(s) unblocked.") }
        }
        if !response.unmatchedCodes.isEmpty || !response.ambiguousCodes.isEmpty {
            throw CLIFailure(.rejected, "\(response.unmatchedCodes.count + response.ambiguousCodes.count) code(s) not mapped")
        }
    }
}

/// `qbsync mappings items delete CODE`.
struct MappingDeleteCommand<Tag: MappingKindTag>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "delete", abstract: "Remove a \(Tag.kind.noun) mapping (records already synced keep their QBO data).",
                             discussion: "Exit 65 when there is no such mapping. --json prints DeleteMappingResponse.")
    }

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("The rental \(Tag.kind.noun) code.", valueName: "code")) var code: String
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.deleteMapping(DeleteMappingRequest(companyID: self.company.company, kind: Tag.kind, externalCode: self.code))
        if self.output.json {
            Console.out(WireJSON.string(response))
        } else {
            Console.out(response.deleted ? "Deleted the \(Tag.kind.noun) mapping of \(self.code)." : "There was no \(Tag.kind.noun) mapping for \(self.code).")
        }
        if !response.deleted { throw CLIFailure(.rejected, "") }
    }
}
