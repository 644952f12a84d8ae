import ArgumentParser
import QBSyncClient
import QBSyncWire

/// `qbsync customers`.
struct CustomersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers",
        abstract: "Link rental customers to QuickBooks customers; unlink; list; show.",
        subcommands: [LinkCustomerCommand.self, UnlinkCustomerCommand.self, ListCustomersCommand.self, ShowCustomerCommand.self]
    )
}

/// The customer's fields, as options.
struct CustomerFieldOptions: ParsableArguments {
    @Option(name: .customLong("name"), help: "Display name in QBO (default: company name, else given + family name).") var displayName: String?
    @Option(name: .customLong("given-name"), help: "Primary contact's first name.") var givenName: String?
    @Option(name: .customLong("family-name"), help: "Primary contact's last name.") var familyName: String?
    @Option(name: .customLong("company-name"), help: "Business name.") var companyName: String?
    @Option(help: "Primary email.") var email: String?
    @Option(help: "Primary phone.") var phone: String?
    @Option(help: "Notes copied to the QBO customer.") var notes: String?
    @Option(name: .customLong("address-line"), help: "Billing street line (repeatable).") var addressLines: [String] = []
    @Option(help: "Billing city.") var city: String?
    @Option(help: "Billing state or region code.") var region: String?
    @Option(name: .customLong("postal-code"), help: "Billing postal code.") var postalCode: String?
    @Option(help: "Billing country (ISO 3166-1 alpha-2).") var country: String?
    @Option(name: .customLong("from-json"), help: ArgumentHelp("Read the Customer from a JSON file (- for stdin); options above override its fields.", valueName: "file"))
    var fromJSON: String?

    var hasFields: Bool {
        [self.displayName, self.givenName, self.familyName, self.companyName, self.email, self.phone, self.notes, self.city, self.region, self.postalCode, self.country]
            .contains { $0 != nil } || !self.addressLines.isEmpty
    }

    /// Applies the options over `base`.
    func apply(to base: Customer) -> Customer {
        var customer = base
        if let value = self.displayName { customer.displayName = value }
        if let value = self.givenName { customer.givenName = value }
        if let value = self.familyName { customer.familyName = value }
        if let value = self.companyName { customer.companyName = value }
        if let value = self.email { customer.email = value }
        if let value = self.phone { customer.phone = value }
        if let value = self.notes { customer.notes = value }
        if !self.addressLines.isEmpty || self.city != nil || self.region != nil || self.postalCode != nil || self.country != nil {
            var address = customer.billingAddress ?? Address()
            if !self.addressLines.isEmpty { address.lines = self.addressLines }
            if let value = self.city { address.city = value }
            if let value = self.region { address.region = value }
            if let value = self.postalCode { address.postalCode = value }
            if let value = self.country { address.country = value }
            customer.billingAddress = address
        }
        return customer
    }
}

/// `qbsync customers link ID --auto|--create|--to QBO-ID`.
struct LinkCustomerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Link a rental customer to QuickBooks: match automatically, create, or link to a chosen QBO customer.",
        discussion: reflow("""
            --auto links by email (exactly one QBO customer with it); a match by name or phone is only a
            proposal: confirm it with --to <qbo-id>. --create makes a new QBO customer. Without customer
            fields or --from-json, the customer as qbsync last stored it is used.
            --json prints LinkCustomerResponse. Exit 70 when the customer is left unlinked (proposal,
            ambiguous, no match).
            """)
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("The rental customer's external id.", valueName: "external-id")) var id: String
    @Flag(help: "Match by email (links), name or phone (proposes); create when auto-create is on.") var auto = false
    @Flag(help: "Create a new QBO customer without matching.") var create = false
    @Option(name: .customLong("to"), help: ArgumentHelp("Link to this QBO customer (also confirms a proposal).", valueName: "qbo-id")) var qboID: String?
    @OptionGroup var fields: CustomerFieldOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        let modes = [self.auto, self.create, self.qboID != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give exactly one of --auto, --create, --to <qbo-id>") }
    }

    func run() async throws {
        let company = self.company.company
        let client = try await self.service.connect()
        let base: Customer? = try await LinkInput.base(id: self.id, fromJSON: self.fields.fromJSON, entity: .customer, company: company, client: client)
        if base == nil, !self.fields.hasFields {
            throw CLIFailure.usage("customer \(self.id) is not known to qbsync yet: give its fields (--name, --email, ...) or --from-json FILE")
        }
        var customer = self.fields.apply(to: base ?? Customer())
        customer.externalID = self.id
        let mode: LinkMode = self.auto ? .auto : (self.create ? .create : .existing)
        let response = try await client.linkCustomer(LinkCustomerRequest(companyID: company, customer: customer, mode: mode, qboCustomerID: self.qboID ?? ""))
        if self.output.json {
            Console.out(WireJSON.string(response))
        } else {
            LinkOutcomeText.print(LinkOutcomeText.Link(outcome: response.outcome, qboID: response.qboCustomerID, candidates: response.candidates, record: response.record),
                                  entity: .customer, id: self.id, style: .forOutput())
        }
        try LinkOutcomeText.exit(response.outcome, entity: .customer, id: self.id)
    }
}

/// The link commands' shared steps (customers and vendors link alike).
enum LinkInput {
    /// The record to link: read from --from-json, else as qbsync last stored it (nil when unknown).
    static func base<Message: JSONDecodableRecord & ExternallyIdentified>(
        id: String, fromJSON path: String?, entity: EntityType, company: String, client: QBSyncClient
    ) async throws -> Message? {
        if let path {
            let documents: [(location: String, value: ProtoJSON)]
            do { documents = try JSONDocuments.parse(try JSONDocuments.read(path: path), source: path == "-" ? "stdin" : path) } catch let error as ProtoJSONError { throw CLIFailure.usage(error.description) }
            guard documents.count == 1 else { throw CLIFailure.usage("\(path): expected one \(Message.protoTypeName) object, found \(documents.count)") }
            var message = try Message.decode(documents[0].value, location: documents[0].location, company: company)
            if !message.externalID.isEmpty, message.externalID != id {
                throw CLIFailure.usage("\(path): externalId is \(message.externalID), but the command links \(id)")
            }
            message.externalID = id
            return message
        }
        // Re-use what qbsync stored; the options change only what they name.
        let ref = RecordRef(companyID: company, entity: entity, externalID: id)
        guard let stored = try? await client.getRecord(GetRecordRequest(ref: ref)),
              let document = try? JSONDocuments.parse(stored.contentJson, source: "stored").first?.value
        else { return nil }
        return try? Message.decode(document, location: "stored", company: company)
    }
}

/// A message with the caller's id (Customer, Vendor).
protocol ExternallyIdentified {
    var externalID: String { get set }
}

extension Customer: ExternallyIdentified {}
extension Vendor: ExternallyIdentified {}

/// How a link's outcome reads, and the exit status it earns.
enum LinkOutcomeText {
    struct Link {
        var outcome: LinkOutcome
        var qboID: String
        var candidates: [CustomerCandidate]
        var record: SyncRecord?
    }

    static func print(_ link: Link, entity: EntityType, id: String, style: Style) {
        let noun = entity.label
        let relink = "qbsync \(entity.plural) link \(id) --to <qbo-id>"
        let verdict: String = switch link.outcome {
        case .linkedByEmail: "\(style.check(true)) linked by email to QBO \(noun) \(link.qboID)"
        case .linkedExisting: "\(style.check(true)) linked to QBO \(noun) \(link.qboID)"
        case .created: "\(style.check(true)) created QBO \(noun) \(link.qboID) and linked it"
        case .alreadyLinked: "\(style.check(true)) already linked to QBO \(noun) \(link.qboID)"
        case .proposed: "\(style.yellow("?")) one QBO \(noun) matches by name or phone: confirm it with `\(relink)`"
        case .ambiguous: "\(style.check(false)) several QBO \(noun)s match; nothing linked: pick one with `\(relink)`"
        case .noMatch: "\(style.check(false)) no QBO \(noun) matches\(entity == .customer ? " and auto-create is off" : ""): use --create, or --to <qbo-id>"
        case .pending: "\(style.yellow("…")) QuickBooks did not answer in time; qbsync keeps trying (qbsync \(entity.plural) show \(id))"
        default: "outcome \(link.outcome.label)"
        }
        Console.out("\(noun.prefix(1).uppercased() + noun.dropFirst()) \(id): \(verdict)")
        if !link.candidates.isEmpty {
            var table = TextTable(["QBO ID", "DISPLAY NAME", "EMAIL", "PHONE", "MATCHED ON"])
            for candidate in link.candidates {
                table.add([candidate.qboID, candidate.displayName, candidate.email, candidate.phone, candidate.matchedOn])
            }
            Console.out(table.render(style: style, indent: "  "))
        }
        if let url = link.record?.qboURL, !url.isEmpty { Console.out("View in QuickBooks: \(url)") }
    }

    /// Exit 70 when the record is left unlinked (proposal, ambiguous, no match).
    static func exit(_ outcome: LinkOutcome, entity: EntityType, id: String) throws {
        switch outcome {
        case .proposed, .ambiguous, .noMatch:
            throw CLIFailure(.syncFailed, "\(entity.label) \(id) is not linked (\(outcome.label))")
        default:
            break
        }
    }
}

/// `qbsync customers unlink ID`.
struct UnlinkCustomerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlink",
        abstract: "Remove a customer's link (its invoices already in QuickBooks stay; new ones block).",
        discussion: "--json prints UnlinkCustomerResponse."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("The rental customer's external id.", valueName: "external-id")) var id: String
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.unlinkCustomer(UnlinkCustomerRequest(companyID: self.company.company, externalID: self.id))
        if self.output.json { return Console.out(WireJSON.string(response)) }
        Console.out(response.previousQBOCustomerID.isEmpty
            ? "Customer \(self.id) was not linked."
            : "Customer \(self.id) unlinked from QBO customer \(response.previousQBOCustomerID).")
    }
}

/// `qbsync customers list [--mapped|--unmapped]`.
struct ListCustomersCommand: AsyncParsableCommand {
    enum Which: String, EnumerableFlag {
        case all, mapped, unmapped
        static func help(for value: Which) -> ArgumentHelp? {
            switch value {
            case .all: "Every customer (default)."
            case .mapped: "Only customers linked to a QBO customer."
            case .unmapped: "Only customers not linked (pending, blocked, errored, awaiting confirmation)."
            }
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List customers with their QuickBooks links (all pages).",
        discussion: "--json prints one ListCustomersResponse holding every customer (next_page_token empty)."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Flag var which: Which = .all
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try await self.service.connect()
        let filter: CustomerFilter = switch self.which {
        case .all: .all
        case .mapped: .mapped
        case .unmapped: .unmapped
        }
        var all = ListCustomersResponse()
        var token = ""
        repeat {
            let page = try await client.listCustomers(ListCustomersRequest(companyID: self.company.company, filter: filter, pageSize: 1000, pageToken: token))
            all.customers += page.customers
            all.mappedCount = page.mappedCount
            all.unmappedCount = page.unmappedCount
            token = page.nextPageToken
        } while !token.isEmpty
        if self.output.json { return Console.out(WireJSON.string(all)) }
        let style = Style.forOutput()
        if all.customers.isEmpty {
            Console.out("No customers\(self.which == .all ? "" : " \(self.which.rawValue)").")
        } else {
            var table = TextTable(["ID", "NAME", "EMAIL", "STATUS", "QBO ID", "DETAIL"])
            for summary in all.customers {
                let customer = summary.customer ?? Customer()
                let record = summary.record ?? SyncRecord()
                let name = !customer.displayName.isEmpty ? customer.displayName : (!customer.companyName.isEmpty ? customer.companyName : "\(customer.givenName) \(customer.familyName)")
                var detail = record.problem
                if !summary.candidates.isEmpty {
                    detail = "candidates: " + summary.candidates.map { "\($0.qboID) \"\($0.displayName)\" (\($0.matchedOn))" }.joined(separator: ", ")
                }
                table.add([customer.externalID.isEmpty ? record.ref?.externalID ?? "" : customer.externalID, name, customer.email,
                           record.status == .synced ? style.green("linked") : record.status.styled(style), record.qboID.isEmpty ? "-" : record.qboID, detail])
            }
            Console.out(table.render(style: style))
        }
        Console.out(style.dim("\(all.mappedCount) mapped, \(all.unmappedCount) unmapped"))
    }
}

/// `qbsync customers show ID`.
struct ShowCustomerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one customer: link, match candidates, last error, history.",
        discussion: "--json prints GetRecordResponse."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("The rental customer's external id.", valueName: "external-id")) var id: String
    @Option(help: "How many past transitions to show.") var history: UInt32 = 10
    @OptionGroup var output: JSONOption

    func run() async throws {
        try await RecordDrawer.show(entity: .customer, id: self.id, company: self.company.company, history: self.history, service: self.service, json: self.output.json)
    }
}
