import ArgumentParser
import Foundation
import QBSyncClient
import QBSyncWire

/// The options of `refunds create` and its shortcut `refund`.
struct RefundOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Refund this invoice (a QBO credit memo applied to it).", valueName: "invoice-id")) var invoice: String?
    @Option(help: ArgumentHelp("Refund this payment (a QBO refund receipt).", valueName: "payment-id")) var payment: String?
    @Option(help: ArgumentHelp("Amount in major units, e.g. 12.50.", valueName: "amount")) var amount: String
    @Option(help: ArgumentHelp("The refund's external id (default: derived from target, amount and date, so repeating the command is harmless).", valueName: "id"))
    var id: String?
    @Option(help: ArgumentHelp("Refund date (default today).", valueName: "yyyy-mm-dd")) var date: String?
    @Option(help: ArgumentHelp("Currency (default: the refunded record's).", valueName: "code")) var currency: String?
    @Option(help: ArgumentHelp("Item code for the credit line (required for payment refunds).", valueName: "code")) var item: String?
    @Option(help: ArgumentHelp("Payment refunds: account code the money is paid from.", valueName: "code")) var account: String?
    @Option(help: "Why, shown on the QBO document.") var reason: String?

    func validate() throws {
        guard (self.invoice != nil) != (self.payment != nil) else { throw ValidationError("give --invoice or --payment (one of them)") }
        guard Money.parse(self.amount, self.currency ?? "USD").map({ $0 > 0 }) ?? false else {
            throw ValidationError("--amount must be a positive amount in major units, e.g. 12.50")
        }
        if let date = self.date, date.count != 10 || date.split(separator: "-").count != 3 { throw ValidationError("--date must be yyyy-mm-dd") }
    }

    /// Runs the refund: builds the Refund message, sends it, prints the outcome.
    func run(service: ServiceOptions, company: String, waiting: WaitOptions, json: Bool) async throws {
        let client = try await service.connect()
        let target: Refund.Target = self.invoice.map { .invoiceExternalID($0) } ?? .paymentExternalID(self.payment!)
        var currency = self.currency?.uppercased() ?? ""
        if currency.isEmpty {
            // Refunds are in the refunded record's currency.
            let ref = RecordRef(companyID: company, entity: self.invoice != nil ? .invoice : .payment, externalID: self.invoice ?? self.payment!)
            if let content = try? await client.getRecord(GetRecordRequest(ref: ref)).contentJson,
               let document = try? JSONDocuments.parse(content, source: "content").first?.value,
               case .object(let members) = document,
               case .string(let code)? = members.first(where: { $0.0 == "currency" })?.1
            {
                currency = code
            }
            if currency.isEmpty { currency = "USD" }
        }
        guard let minor = Money.parse(self.amount, currency), minor > 0 else {
            throw ValidationError("--amount \(self.amount) has more decimals than \(currency) allows")
        }
        let date = self.date ?? Self.today()
        let targetID = self.invoice ?? self.payment!
        let refund = Refund(
            externalID: self.id ?? "refund-\(targetID)-\(minor)-\(date)",
            target: target,
            txnDate: date,
            currency: currency,
            amountMinor: minor,
            itemCode: self.item ?? "",
            refundAccountCode: self.account ?? "",
            reason: self.reason ?? ""
        )
        var response = try await client.refund(RefundRequest(companyID: company, refund: refund))
        var record = response.record ?? SyncRecord()
        if waiting.wait {
            record = try await RecordWaiter.settle([record], client: client, timeout: waiting.waitTimeout)[0]
            response.record = record
        }
        if json {
            Console.out(WireJSON.string(response))
        } else {
            Console.out("Refund of \(Money.format(minor, currency)) \(self.invoice != nil ? "of invoice" : "of payment") \(targetID) accepted as \(refund.externalID).")
            RecordOutcomeText.print(records: [record], changed: [response.changed], rejected: [], style: .forOutput())
        }
        try RecordOutcomeText.exit(records: [record], rejected: false, waited: waiting.wait)
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date())
    }
}

/// `qbsync refunds create`.
struct RefundCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Refund an invoice (QBO credit memo) or a payment (QBO refund receipt).",
        discussion: "Same as `qbsync refund`. --json prints RefundResponse."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @OptionGroup var refund: RefundOptions
    @OptionGroup var waiting: WaitOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        try await self.refund.run(service: self.service, company: self.company.company, waiting: self.waiting, json: self.output.json)
    }
}

/// `qbsync refund`: shortcut for `qbsync refunds create`.
struct RefundShortcutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refund",
        abstract: "Refund an invoice or a payment (shortcut for `refunds create`).",
        discussion: "Example: qbsync refund --invoice INV-1001 --amount 12.50 --reason \"Damaged chair\""
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @OptionGroup var refund: RefundOptions
    @OptionGroup var waiting: WaitOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        try await self.refund.run(service: self.service, company: self.company.company, waiting: self.waiting, json: self.output.json)
    }
}

/// The options of `payments void` and its shortcut `void-payment`.
struct VoidOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The payment's external id.", valueName: "payment-id")) var id: String
    @Option(help: "Why, for the record's history.") var reason: String = ""

    func run(service: ServiceOptions, company: String, json: Bool) async throws {
        let client = try await service.connect()
        let response = try await client.voidPayment(VoidPaymentRequest(companyID: company, paymentExternalID: self.id, reason: self.reason))
        if json { return Console.out(WireJSON.string(response)) }
        let record = response.record ?? SyncRecord()
        let style = Style.forOutput()
        if response.alreadyVoided {
            Console.out("Payment \(self.id) was already void.")
        } else if record.status == .synced && !record.qboID.isEmpty {
            Console.out("Payment \(self.id) voided in QuickBooks (QBO Payment \(record.qboID)); its invoices owe again.")
        } else {
            Console.out("Payment \(self.id) recorded as void (\(record.status.styled(style))).")
        }
        RecordOutcomeText.print(records: [record], changed: [!response.alreadyVoided], rejected: [], style: style)
        try RecordOutcomeText.exit(records: [record], rejected: false, waited: false)
    }
}

/// `qbsync payments void`.
struct PaymentVoidCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Void a payment (in QuickBooks too once synced).",
        discussion: "Same as `qbsync void-payment`. --json prints VoidPaymentResponse."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @OptionGroup var void: VoidOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        try await self.void.run(service: self.service, company: self.company.company, json: self.output.json)
    }
}

/// `qbsync void-payment`.
struct VoidPaymentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void-payment",
        abstract: "Void a payment (shortcut for `payments void`).",
        discussion: "A synced payment is voided in QuickBooks (its invoices owe again); one never synced is recorded as void."
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @OptionGroup var void: VoidOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        try await self.void.run(service: self.service, company: self.company.company, json: self.output.json)
    }
}
