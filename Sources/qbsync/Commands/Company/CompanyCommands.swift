import ArgumentParser
import Foundation
import QBSyncClient
import QBSyncWire

/// `on` / `off` for boolean settings.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
    var value: Bool { self == .on }
}

/// The invoice policy as the CLI spells it.
enum InvoicePolicyArgument: String, ExpressibleByArgument, CaseIterable {
    case all
    case withPayment = "with-payment"

    var policy: InvoicePolicy { self == .all ? .syncAll : .onlyWithPayment }
}

/// The settings options `connect` and `settings` share.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong("auto-create-customers"), help: ArgumentHelp("Create missing QBO customers automatically when an invoice needs one.", valueName: "on|off"))
    var autoCreateCustomers: Switch?

    @Option(name: .customLong("invoice-policy"), help: ArgumentHelp("Which invoices are sent: all, or only those with a payment (with-payment).", valueName: "all|with-payment"))
    var invoicePolicy: InvoicePolicyArgument?

    @Option(name: .customLong("enable"), help: ArgumentHelp("Sync these entity types again (comma-separated, e.g. bills,expenses).", valueName: "types"))
    var enable: String?

    @Option(name: .customLong("disable"), help: ArgumentHelp("Stop syncing these entity types: their records are kept, SKIPPED (comma-separated).", valueName: "types"))
    var disable: String?

    @Option(name: .customLong("drift-policy"), help: ArgumentHelp("What to do with a record changed in QuickBooks after sync: report, repush, accept.", valueName: "report|repush|accept"))
    var driftPolicy: DriftPolicyArgument?

    var isEmpty: Bool { self.autoCreateCustomers == nil && self.invoicePolicy == nil && self.enable == nil && self.disable == nil && self.driftPolicy == nil }

    func validate() throws {
        if let enable { _ = try EntityArgument.parseList(enable) }
        if let disable { _ = try EntityArgument.parseList(disable) }
    }

    var enabledEntities: [EntityType] { (try? self.enable.map(EntityArgument.parseList)) ?? [] }
    var disabledEntities: [EntityType] { (try? self.disable.map(EntityArgument.parseList)) ?? [] }
}

/// `qbsync connect`: connects a company to its QuickBooks realm.
struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect a company to its QuickBooks Online realm (or reconnect it).",
        discussion: reflow("""
            Secrets are never printed. Pass them through the environment so they stay out of
            shell history and `ps`: QBSYNC_CLIENT_SECRET and QBSYNC_REFRESH_TOKEN.
            """)
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Option(help: ArgumentHelp("The QBO company id (realmId).", valueName: "id")) var realm: String
    @Option(name: .customLong("client-id"), help: ArgumentHelp("The Intuit app's client id.", valueName: "id")) var clientID: String
    @Option(name: .customLong("client-secret"), help: ArgumentHelp("The Intuit app's client secret (better: env QBSYNC_CLIENT_SECRET).", valueName: "secret"))
    var clientSecret: String?
    @Option(name: .customLong("refresh-token"), help: ArgumentHelp("The current OAuth refresh token (better: env QBSYNC_REFRESH_TOKEN).", valueName: "token"))
    var refreshToken: String?
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var output: JSONOption

    func secret(_ given: String?, env: String, option: String) throws -> String {
        if let given, !given.isEmpty { return given }
        if let value = ProcessInfo.processInfo.environment[env], !value.isEmpty { return value }
        throw ValidationError("give \(option) or set \(env)")
    }

    func validate() throws {
        _ = try self.secret(self.clientSecret, env: "QBSYNC_CLIENT_SECRET", option: "--client-secret")
        _ = try self.secret(self.refreshToken, env: "QBSYNC_REFRESH_TOKEN", option: "--refresh-token")
    }

    func run() async throws {
        let client = try await self.service.connect()
        var settings: CompanySettings?
        if !self.settings.isEmpty {
            // Start from the current settings so only what was given changes.
            let current = try? await client.getCompany(GetCompanyRequest(companyID: self.company.company)).company?.settings
            var merged = current ?? CompanySettings(autoCreateCustomers: false, invoicePolicy: .syncAll)
            if let auto = self.settings.autoCreateCustomers { merged.autoCreateCustomers = auto.value }
            if let policy = self.settings.invoicePolicy { merged.invoicePolicy = policy.policy }
            if let policy = self.settings.driftPolicy { merged.driftPolicy = policy.policy }
            guard self.settings.enable == nil else { throw CLIFailure.usage("--enable: connect only turns entity types off; turn them on with `qbsync settings --enable`") }
            merged.disabledEntities = EntityType.shown.filter { merged.disabledEntities.contains($0) || self.settings.disabledEntities.contains($0) }
            settings = merged
        }
        let response = try await client.connectCompany(ConnectCompanyRequest(
            companyID: self.company.company,
            credentials: QBOCredentials(
                realmID: self.realm,
                clientID: self.clientID,
                clientSecret: try self.secret(self.clientSecret, env: "QBSYNC_CLIENT_SECRET", option: "--client-secret"),
                refreshToken: try self.secret(self.refreshToken, env: "QBSYNC_REFRESH_TOKEN", option: "--refresh-token")
            ),
            settings: settings
        ))
        if self.output.json { return Console.out(WireJSON.string(response)) }
        Console.out(CompanyText.describe(response.company ?? Company(), style: .forOutput(), verb: "Connected"))
    }
}

/// `qbsync disconnect`: erases a company's tokens; its work is held.
struct DisconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disconnect", abstract: "Disconnect a company from QuickBooks (work is held, not lost).")

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try await self.service.connect()
        let response = try await client.disconnectCompany(DisconnectCompanyRequest(companyID: self.company.company))
        if self.output.json { return Console.out(WireJSON.string(response)) }
        Console.out(CompanyText.describe(response.company ?? Company(), style: .forOutput(), verb: "Disconnected"))
    }
}

/// `qbsync settings`: shows or changes a company's settings.
struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show a company's connection and settings, or change settings.",
        discussion: "Without options it shows them; --json prints GetCompanyResponse (or UpdateCompanySettingsResponse after a change)."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @OptionGroup var settings: SettingsOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try await self.service.connect()
        let style = Style.forOutput()
        if self.settings.isEmpty {
            let response = try await client.getCompany(GetCompanyRequest(companyID: self.company.company))
            if self.output.json { return Console.out(WireJSON.string(response)) }
            return Console.out(CompanyText.describe(response.company ?? Company(), style: style, verb: nil))
        }
        let response = try await client.updateCompanySettings(UpdateCompanySettingsRequest(
            companyID: self.company.company,
            autoCreateCustomers: self.settings.autoCreateCustomers?.value,
            invoicePolicy: self.settings.invoicePolicy?.policy ?? .unspecified,
            enableEntities: self.settings.enabledEntities,
            disableEntities: self.settings.disabledEntities,
            driftPolicy: self.settings.driftPolicy?.policy ?? .unspecified
        ))
        if self.output.json { return Console.out(WireJSON.string(response)) }
        Console.out(CompanyText.describe(response.company ?? Company(), style: style, verb: "Updated"))
        if response.recordsRequeued > 0 {
            Console.out("\(response.recordsRequeued) record(s) changed status because of the new settings.")
        }
    }
}

/// How a company reads in text.
enum CompanyText {
    static func describe(_ company: Company, style: Style, verb: String?) -> String {
        var lines: [String] = []
        if let verb { lines.append("\(verb) company \(company.companyID).") }
        var table = TextTable(["", ""])
        table.headers = ["Company", company.companyID]
        table.add(["Connection", company.connectionState.styled(style) + (company.connectionMessage.isEmpty ? "" : "  \(company.connectionMessage)")])
        table.add(["QBO realm", company.realmID.isEmpty ? "-" : company.realmID])
        if !company.connectionChangedAt.isEmpty { table.add(["Since", company.connectionChangedAt]) }
        let settings = company.settings ?? CompanySettings()
        table.add(["Auto-create customers", settings.autoCreateCustomers ? "on" : "off"])
        table.add(["Invoice policy", settings.invoicePolicy.label])
        table.add(["Home currency", settings.homeCurrency.isEmpty ? "-" : settings.homeCurrency])
        let disabled = Set(settings.disabledEntities)
        table.add(["Synced", EntityType.shown.filter { !disabled.contains($0) }.map(\.plural).joined(separator: ", ")])
        if !disabled.isEmpty { table.add(["Not synced", EntityType.shown.filter(disabled.contains).map(\.plural).joined(separator: ", ")]) }
        table.add(["Drift policy", settings.driftPolicy == .unspecified ? "report" : shortName(settings.driftPolicy.protoName, prefix: "DRIFT_POLICY_").lowercased().replacingOccurrences(of: "_", with: " ")])
        if !company.driftCheckedThrough.isEmpty { table.add(["Drift checked", "QuickBooks' changes read up to \(company.driftCheckedThrough)"]) }
        if let qbo = company.qbo, qbo.known {
            table.add(["QBO company", qbo.companyName.isEmpty ? "-" : qbo.companyName])
            table.add(["QBO inventory", qbo.tracksInventory ? "tracks quantities" : "off (no inventory items)"])
            table.add(["QBO sales tax", qbo.automatedSalesTax ? "automated" : "manual"])
        }
        lines += table.lines(style: .plain)
        return lines.joined(separator: "\n")
    }
}

/// `--drift-policy report|repush|accept`.
enum DriftPolicyArgument: String, ExpressibleByArgument, CaseIterable {
    case report, repush, accept

    var policy: DriftPolicy {
        switch self {
        case .report: .report
        case .repush: .repush
        case .accept: .acceptQuickbooks
        }
    }
}
