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
        var base: Customer?
        if let path = self.fields.fromJSON {
            let documents: [(location: String, value: ProtoJSON)]
            do { documents = try JSONDocuments.parse(try JSONDocuments.read(path: path), source: path == "-" ? "stdin" : path) } catch let error as ProtoJSONError { throw CLIFailure.usage(error.description) }
            guard documents.count == 1 else { throw CLIFailure.usage("\(path): expected one Customer object, found \(documents.count)") }
            var customer = try Customer.decode(documents[0].value, location: documents[0].location, company: company)
            if !customer.externalID.isEmpty, customer.externalID != self.id {
                throw CLIFailure.usage("\(path): externalId is \(customer.externalID), but the command links \(self.id)")
            }
            customer.externalID = self.id
            base = customer
        }
        let client = try await self.service.connect()
        if base == nil {
            // Re-use what qbsync stored for this customer; the options change only what they name.
            let ref = RecordRef(companyID: company, entity: .customer, externalID: self.id)
            if let stored = try? await client.getRecord(GetRecordRequest(ref: ref)),
               let document = try? JSONDocuments.parse(stored.contentJson, source: "stored").first?.value
            {
                base = try? Customer.decode(document, location: "stored", company: company)
            }
            if base == nil, !self.fields.hasFields {
                throw CLIFailure.usage("customer \(self.id) is not known to qbsync yet: give its fields (--name, --email, ...) or --from-json FILE")
            }
        }
        var customer = self.fields.apply(to: base ?? Customer())
        customer.externalID = self.id
        let mode: LinkMode = self.auto ? .auto : (self.create ? .create : .existing)
        let response = try await client.linkCustomer(LinkCustomerRequest(companyID: company, customer: customer, mode: mode, qboCustomerID: self.qboID ?? ""))
        if self.output.json {
            Console.out(WireJSON.string(response))
        } else {
            Self.print(response, id: self.id, style: .forOutput())
        }
        switch response.outcome {
        case .proposed, .ambiguous, .noMatch:
            throw CLIFailure(.syncFailed, "customer \(self.id) is not linked (\(response.outcome.label))")
        default:
            break
        }
    }

    static func print(_ response: LinkCustomerResponse, id: String, style: Style) {
        let verdict: String = switch response.outcome {
        case .linkedByEmail: "\(style.check(true)) linked by email to QBO customer \(response.qboCustomerID)"
        case .linkedExisting: "\(style.check(true)) linked to QBO customer \(response.qboCustomerID)"
        case .created: "\(style.check(true)) created QBO customer \(response.qboCustomerID) and linked it"
        case .alreadyLinked: "\(style.check(true)) already linked to QBO customer \(response.qboCustomerID)"
        case .proposed: "\(style.yellow("?")) one QBO customer matches by name or phone: confirm it with `qbsync customers link \(id) --to <qbo-id>`"
        case .ambiguous: "\(style.check(false)) several QBO customers match; nothing linked: pick one with `qbsync customers link \(id) --to <qbo-id>`"
        case .noMatch: "\(style.check(false)) no QBO customer matches and auto-create is off: use --create, or --to <qbo-id>"
        case .pending: "\(style.yellow("…")) QuickBooks did not answer in time; qbsync keeps trying (qbsync customers show \(id))"
        default: "outcome \(response.outcome.label)"
        }
        Console.out("Customer \(id): \(verdict)")
        if !response.candidates.isEmpty {
            var table = TextTable(["QBO ID", "DISPLAY NAME", "EMAIL", "PHONE", "MATCHED ON"])
            for candidate in response.candidates {
                table.add([candidate.qboID, candidate.displayName, candidate.email, candidate.phone, candidate.matchedOn])
            }
            Console.out(table.render(style: style, indent: "  "))
        }
        if let url = response.record?.qboURL, !url.isEmpty { Console.out("View in QuickBooks: \(url)") }
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
