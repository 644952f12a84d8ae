import ArgumentParser
import QBSyncClient
import QBSyncWire

/// The vendor's fields, as options.
struct VendorFieldOptions: ParsableArguments {
    @Option(name: .customLong("name"), help: "Display name in QBO (default: company name, else given + family name).") var displayName: String?
    @Option(name: .customLong("given-name"), help: "Contact's first name.") var givenName: String?
    @Option(name: .customLong("family-name"), help: "Contact's last name.") var familyName: String?
    @Option(name: .customLong("company-name"), help: "Business name.") var companyName: String?
    @Option(help: "Primary email.") var email: String?
    @Option(help: "Primary phone.") var phone: String?
    @Option(name: .customLong("account-number"), help: "The rental company's account number at the vendor.") var accountNumber: String?
    @Option(name: .customLong("is-1099"), help: ArgumentHelp("Whether the vendor gets a 1099.", valueName: "true|false")) var is1099: Bool?
    @Option(name: .customLong("from-json"), help: ArgumentHelp("Read the Vendor from a JSON file (- for stdin); options above override its fields.", valueName: "file"))
    var fromJSON: String?

    var hasFields: Bool {
        [self.displayName, self.givenName, self.familyName, self.companyName, self.email, self.phone, self.accountNumber].contains { $0 != nil } || self.is1099 != nil
    }

    /// Applies the options over `base`.
    func apply(to base: Vendor) -> Vendor {
        var vendor = base
        if let value = self.displayName { vendor.displayName = value }
        if let value = self.givenName { vendor.givenName = value }
        if let value = self.familyName { vendor.familyName = value }
        if let value = self.companyName { vendor.companyName = value }
        if let value = self.email { vendor.email = value }
        if let value = self.phone { vendor.phone = value }
        if let value = self.accountNumber { vendor.accountNumber = value }
        if let value = self.is1099 { vendor.is1099 = value }
        return vendor
    }
}

/// `qbsync vendors link ID --auto|--create|--to QBO-ID`.
struct LinkVendorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Link a rental vendor to QuickBooks: match automatically, create, or link to a chosen QBO vendor.",
        discussion: reflow("""
            --auto links by email (exactly one QBO vendor with it); a match by name is only a proposal:
            confirm it with --to <qbo-id>. --create makes a new QBO vendor. Without vendor fields or
            --from-json, the vendor as qbsync last stored it is used. Bills, bill payments, purchase
            orders and expenses of the vendor wait until it is linked.
            --json prints LinkVendorResponse. Exit 70 when the vendor is left unlinked (proposal,
            ambiguous, no match).
            """)
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("The rental vendor's external id.", valueName: "external-id")) var id: String
    @Flag(help: "Match by email (links) or name (proposes).") var auto = false
    @Flag(help: "Create a new QBO vendor without matching.") var create = false
    @Option(name: .customLong("to"), help: ArgumentHelp("Link to this QBO vendor (also confirms a proposal).", valueName: "qbo-id")) var qboID: String?
    @OptionGroup var fields: VendorFieldOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        let modes = [self.auto, self.create, self.qboID != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give exactly one of --auto, --create, --to <qbo-id>") }
    }

    func run() async throws {
        let company = self.company.company
        let client = try await self.service.connect()
        let base: Vendor? = try await LinkInput.base(id: self.id, fromJSON: self.fields.fromJSON, entity: .vendor, company: company, client: client)
        if base == nil, !self.fields.hasFields, self.qboID == nil {
            throw CLIFailure.usage("vendor \(self.id) is not known to qbsync yet: give its fields (--name, --email, ...) or --from-json FILE")
        }
        var vendor = self.fields.apply(to: base ?? Vendor())
        vendor.externalID = self.id
        let mode: LinkMode = self.auto ? .auto : (self.create ? .create : .existing)
        let response = try await client.linkVendor(LinkVendorRequest(companyID: company, vendor: vendor, mode: mode, qboVendorID: self.qboID ?? ""))
        if self.output.json {
            Console.out(WireJSON.string(response))
        } else {
            LinkOutcomeText.print(LinkOutcomeText.Link(outcome: response.outcome, qboID: response.qboVendorID, candidates: response.candidates, record: response.record),
                                  entity: .vendor, id: self.id, style: .forOutput())
        }
        try LinkOutcomeText.exit(response.outcome, entity: .vendor, id: self.id)
    }
}
