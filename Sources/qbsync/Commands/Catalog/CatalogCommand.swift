import ArgumentParser
import QBSyncClient
import QBSyncWire

/// `qbsync catalog LIST [--search TEXT]`: QuickBooks' own lists, live.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List what QuickBooks holds: customers, vendors, items, accounts, payment-methods, classes, locations, tax-codes, tax-rates, terms.",
        discussion: reflow("""
            Reads live from QuickBooks (each page is a request counted against the company's budget), \
            for picking the QBO object to map a code to, or the existing customer to link (--qbo-id of \
            `customers link`). Tax codes show the sum of their sales rates, so the rental system can use \
            the same tax setup. --all follows every page; --json prints the ListQBOEntitiesResponse pages \
            as JSON lines.
            """)
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("customers, vendors, items, accounts, payment-methods, classes, locations, tax-codes, tax-rates or terms.", valueName: "list"))
    var list: String
    @Option(help: "Only names containing this text (case-insensitive).") var search = ""
    @Flag(help: "Include inactive entries.") var inactive = false
    @Option(help: "Entries per page (1-1000).") var pageSize: UInt32 = 100
    @Flag(help: "Follow every page (otherwise the first page, and the token for the next).") var all = false
    @Option(help: "Start from this page token (from a previous page).") var pageToken = ""
    @OptionGroup var output: JSONOption

    static let lists: [String: QBOList] = [
        "customers": .customer, "vendors": .vendor, "items": .item, "accounts": .account, "payment-methods": .paymentMethod,
        "classes": .class, "locations": .location, "tax-codes": .taxCode, "tax-rates": .taxRate, "terms": .term,
    ]

    func validate() throws {
        guard Self.lists[self.list] != nil else {
            throw ValidationError("unknown list \(self.list); one of \(Self.lists.keys.sorted().joined(separator: ", "))")
        }
        guard (1...1000).contains(self.pageSize) else { throw ValidationError("--page-size must be between 1 and 1000") }
    }

    func run() async throws {
        let client = try await self.service.connect()
        var request = ListQBOEntitiesRequest(
            companyID: self.company.company, list: Self.lists[self.list]!, nameContains: self.search,
            includeInactive: self.inactive, pageSize: self.pageSize, pageToken: self.pageToken
        )
        let style = Style.forOutput()
        var table = TextTable(["QBO id", "Name", "Type", "Details"])
        var shown = 0
        while true {
            let page = try await client.listQBOEntities(request)
            if self.output.json {
                Console.out(WireJSON.string(page, pretty: false))
            } else {
                for entry in page.entries {
                    table.add([entry.qboID, entry.fullyQualifiedName.isEmpty ? entry.name : entry.fullyQualifiedName, entry.type, Self.details(entry)])
                }
            }
            shown += page.entries.count
            guard self.all, !page.nextPageToken.isEmpty else {
                if !self.output.json {
                    Console.out(table.lines(style: style).joined(separator: "\n"))
                    Console.out(style.dim("\(shown) shown" + (page.nextPageToken.isEmpty ? "" : "; more with --page-token \(page.nextPageToken) (or --all)")))
                }
                return
            }
            request.pageToken = page.nextPageToken
        }
    }

    static func details(_ entry: QBOEntry) -> String {
        var parts: [String] = []
        if !entry.email.isEmpty { parts.append(entry.email) }
        if !entry.phone.isEmpty { parts.append(entry.phone) }
        if !entry.ratePercent.isEmpty { parts.append("\(entry.ratePercent)%") }
        if !entry.active { parts.append("inactive") }
        return parts.joined(separator: ", ")
    }
}
