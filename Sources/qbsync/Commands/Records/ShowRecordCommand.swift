import ArgumentParser
import QBSyncClient
import QBSyncWire

/// `qbsync invoices show ID`: the record's "QuickBooks drawer".
struct ShowRecordCommand<Kind: RecordKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "show",
            abstract: "Show one \(Kind.entity.label): status, each dependency (✓/✗ and how to fix it), last error, history, QuickBooks link.",
            discussion: "--json prints GetRecordResponse (record, history, content_json)."
        )
    }

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Argument(help: ArgumentHelp("The \(Kind.entity.label)'s external id.", valueName: "id")) var id: String
    @Option(help: "How many past transitions to show, newest first.") var history: UInt32 = 10
    @OptionGroup var output: JSONOption

    func run() async throws {
        try await RecordDrawer.show(entity: Kind.entity, id: self.id, company: self.company.company, history: self.history, service: self.service, json: self.output.json)
    }
}

/// The text of `show`: a record the way the rental products' QuickBooks drawer shows it.
enum RecordDrawer {
    static func show(entity: EntityType, id: String, company: String, history: UInt32, service: ServiceOptions, json: Bool) async throws {
        let client = try await service.connect()
        let response = try await client.getRecord(GetRecordRequest(ref: RecordRef(companyID: company, entity: entity, externalID: id), historyLimit: min(history, 1000)))
        if json { return Console.out(WireJSON.string(response)) }
        let dependencies = RecordDependency.of(entity: entity, contentJSON: response.contentJson, company: company)
        let facts = await DependencyFacts.load(dependencies, company: company, client: client)
        Console.out(Self.render(response, dependencies: dependencies, facts: facts, candidates: response.candidates, style: .forOutput()).joined(separator: "\n"))
    }


    static func render(_ response: GetRecordResponse, dependencies: [RecordDependency], facts: DependencyFacts, candidates: [CustomerCandidate], style: Style) -> [String] {
        let record = response.record ?? SyncRecord()
        let ref = record.ref ?? RecordRef()
        var lines: [String] = []
        let title = "\(ref.entity.label.capitalized) \(ref.externalID)" + (record.docNumber.isEmpty ? "" : "  #\(record.docNumber)")
        lines.append(style.bold(title) + style.dim("  (company \(ref.companyID))"))
        var status = "Status     \(record.status.styled(style))"
        if record.voided { status += style.dim("  voided") }
        if !record.qboID.isEmpty { status += "  QBO \(record.qboEntity) \(record.qboID)" + (record.qboSyncToken.isEmpty ? "" : ", SyncToken \(record.qboSyncToken)") }
        lines.append(status)
        if let summary = Self.contentSummary(ref.entity, response.contentJson, company: ref.companyID) { lines.append("Content    \(summary)") }
        var when = "Updated    \(record.updatedAt)   attempts \(record.attempts)"
        if !record.txnDate.isEmpty { when += "   date \(record.txnDate)" }
        if !record.nextAttemptAt.isEmpty { when += "   next attempt \(record.nextAttemptAt)" }
        lines.append(when)
        if record.status == .skipped { lines.append("Skipped    \(record.skipReason)") }
        if !record.warnings.isEmpty {
            lines.append("")
            lines.append(style.bold("Warnings"))
            lines += RecordOutcomeText.warningLines(record.warnings, style: style)
        }

        lines.append("")
        lines.append(style.bold("Dependencies"))
        var shown = Set<Int>()
        let linksItself = ref.entity == .customer || ref.entity == .vendor
        if linksItself {
            let linked = record.status == .synced
            lines.append("  \(style.check(linked || record.status != .blocked)) " + (linked ? "linked to QBO \(ref.entity.label) \(record.qboID)" : "not linked to QuickBooks yet (\(record.status.label))"))
        }
        for dependency in dependencies {
            let (met, note) = facts.check(dependency)
            if let index = record.blockers.firstIndex(where: { dependency.blockerKinds.contains($0.kind) && $0.ref == dependency.ref }) {
                shown.insert(index)
                lines += Self.blockerLines(record.blockers[index], style: style)
            } else if met || record.status == .synced {
                lines.append("  \(style.check(true)) \(dependency.label) \(met ? note : style.dim("(met when synced; now \(note))"))")
            } else if record.status == .skipped || record.status == .unspecified {
                lines.append("  \(style.dim("·")) \(dependency.label) \(note)")
            } else {
                lines += Self.blockerLines(dependency.missingBlocker, style: style, note: note)
            }
        }
        for (index, blocker) in record.blockers.enumerated() where !shown.contains(index) {
            lines += Self.blockerLines(blocker, style: style)
        }
        for candidate in candidates {
            lines.append("      candidate: QBO \(ref.entity.label) \(candidate.qboID) \"\(candidate.displayName)\" (matched on \(candidate.matchedOn)\(candidate.email.isEmpty ? "" : ", \(candidate.email)")\(candidate.phone.isEmpty ? "" : ", \(candidate.phone)"))")
        }
        if dependencies.isEmpty && record.blockers.isEmpty && !linksItself { lines.append(style.dim("  (none)")) }

        if let error = record.lastError, !error.message.isEmpty || !error.qboCode.isEmpty {
            lines.append("")
            lines.append(style.bold(record.status == .errored ? "Last error" : "Last error (since resolved)"))
            lines.append("  \(record.status == .errored ? style.red("✗") : style.dim("·")) \(error.headline)")
            if !error.element.isEmpty { lines.append("    field: \(error.element)") }
            if !error.fixHint.isEmpty { lines.append("    fix: \(error.fixHint)") }
            if record.status == .errored {
                lines.append(error.retryable
                    ? "    qbsync retries by itself" + (record.nextAttemptAt.isEmpty ? "" : " (next attempt \(record.nextAttemptAt))")
                    : "    after fixing it: qbsync \(ref.entity.plural) resync \(ref.externalID)")
            }
        }

        if !response.history.isEmpty {
            lines.append("")
            lines.append(style.bold("History") + style.dim(" (newest first)"))
            var table = TextTable(["AT", "SEQ", "FROM", "", "TO", "NOTE"], alignments: [.left, .right])
            for change in response.history {
                var note = change.note
                if let error = change.error, !error.message.isEmpty {
                    note += note.contains(error.message) ? (error.qboCode.isEmpty ? "" : " (QBO \(error.qboCode))") : (note.isEmpty ? "" : " — ") + error.headline
                }
                table.add([change.at, "#\(change.sequence)", change.fromStatus == .unspecified ? "new" : change.fromStatus.label, "→", change.toStatus.styled(style), note])
            }
            lines += table.lines(style: style, indent: "  ").dropFirst()
        }

        lines.append("")
        lines.append(record.qboURL.isEmpty ? style.dim("Not in QuickBooks yet.") : "View in QuickBooks: \(record.qboURL)")
        return lines
    }

    static func blockerLines(_ blocker: Blocker, style: Style, note: String? = nil) -> [String] {
        var lines = ["  \(style.check(false)) \(blocker.summary)" + (blocker.message.isEmpty ? (note.map { " (\($0))" } ?? "") : ": \(blocker.message)")]
        if !blocker.fixCommand.isEmpty { lines.append("      fix: \(blocker.fixCommand)") }
        return lines
    }

    /// "customer c-17, 3 lines, 1,234.50 USD".
    static func contentSummary(_ entity: EntityType, _ json: String, company: String) -> String? {
        guard let document = try? JSONDocuments.parse(json, source: "content").first?.value else { return nil }
        switch entity {
        case .invoice:
            guard let invoice = try? Invoice.decode(document, location: "", company: company) else { return nil }
            let tax = invoice.taxMinor == 0 ? "" : " (tax \(Money.format(invoice.taxMinor, invoice.currency)))"
            return "customer \(invoice.customerExternalID), \(invoice.lines.count) line(s), total \(Money.format(invoice.totalMinor, invoice.currency))\(tax)" +
                (invoice.dueDate.isEmpty ? "" : ", due \(invoice.dueDate)") + (invoice.excludeFromSync ? ", excluded (No QuickBooks)" : "")
        case .payment:
            guard let payment = try? Payment.decode(document, location: "", company: company) else { return nil }
            let applied = payment.applications.map { "\($0.invoiceExternalID) \(Money.format($0.amountMinor, payment.currency))" }.joined(separator: ", ")
            let unapplied = payment.amountMinor - payment.applications.reduce(0) { $0 + $1.amountMinor }
            return "customer \(payment.customerExternalID), \(Money.format(payment.amountMinor, payment.currency)) by \(payment.methodCode)" +
                (applied.isEmpty ? "" : " applied to \(applied)") + (unapplied > 0 ? ", \(Money.format(unapplied, payment.currency)) unapplied" : "")
        case .refund:
            guard let refund = try? Refund.decode(document, location: "", company: company) else { return nil }
            let target: String = switch refund.target {
            case .invoiceExternalID(let id)?: "of invoice \(id) (credit memo)"
            case .paymentExternalID(let id)?: "of payment \(id) (refund receipt)"
            case nil: ""
            }
            return "\(Money.format(refund.amountMinor, refund.currency)) \(target)" + (refund.reason.isEmpty ? "" : ": \(refund.reason)")
        case .customer:
            guard let customer = try? Customer.decode(document, location: "", company: company) else { return nil }
            let name = !customer.displayName.isEmpty ? customer.displayName : (!customer.companyName.isEmpty ? customer.companyName : "\(customer.givenName) \(customer.familyName)")
            return [name, customer.email, customer.phone].filter { !$0.isEmpty }.joined(separator: ", ")
        case .item:
            guard let item = try? Item.decode(document, location: "", company: company) else { return nil }
            let type = shortName(item.type.protoName, prefix: "ITEM_TYPE_").lowercased().replacingOccurrences(of: "_", with: "-")
            return "\"\(item.name)\", \(type)" + (item.unitPrice.isEmpty ? "" : ", price \(item.unitPrice)")
                + (item.type == .inventory ? ", \(item.quantityOnHand) on hand as of \(item.inventoryStartDate)" : "") + (item.inactive ? ", inactive" : "")
        case .vendor:
            guard let vendor = try? Vendor.decode(document, location: "", company: company) else { return nil }
            let name = !vendor.displayName.isEmpty ? vendor.displayName : (!vendor.companyName.isEmpty ? vendor.companyName : "\(vendor.givenName) \(vendor.familyName)")
            return [name, vendor.email, vendor.phone].filter { !$0.isEmpty }.joined(separator: ", ")
        case .bill:
            guard let bill = try? Bill.decode(document, location: "", company: company) else { return nil }
            return Self.document("vendor \(bill.vendorExternalID)", bill.lines, bill.currency) + (bill.dueDate.isEmpty ? "" : ", due \(bill.dueDate)") + (bill.cancelled ? ", cancelled" : "")
        case .purchaseOrder:
            guard let order = try? PurchaseOrder.decode(document, location: "", company: company) else { return nil }
            let status = order.status == .unspecified ? "open" : shortName(order.status.protoName, prefix: "PURCHASE_ORDER_STATUS_").lowercased()
            return Self.document("vendor \(order.vendorExternalID)", order.lines, order.currency) + ", \(status)"
        case .expense:
            guard let expense = try? Expense.decode(document, location: "", company: company) else { return nil }
            let paidBy = shortName(expense.paymentType.protoName, prefix: "EXPENSE_PAYMENT_TYPE_").lowercased().replacingOccurrences(of: "_", with: " ")
            let payee = expense.vendorExternalID.isEmpty ? "no payee" : "vendor \(expense.vendorExternalID)"
            return Self.document(payee, expense.lines, expense.currency) + ", paid by \(paidBy) from \(expense.paymentAccountCode)" + (expense.voided ? ", voided" : "")
        case .billPayment:
            guard let payment = try? BillPayment.decode(document, location: "", company: company) else { return nil }
            let applied = payment.applications.map { "\($0.billExternalID) \(Money.format($0.amountMinor, payment.currency))" }.joined(separator: ", ")
            let method = shortName(payment.method.protoName, prefix: "BILL_PAYMENT_METHOD_").lowercased().replacingOccurrences(of: "_", with: " ")
            return "vendor \(payment.vendorExternalID), \(Money.format(payment.amountMinor, payment.currency)) by \(method) from \(payment.paymentAccountCode) paying \(applied)"
        default:
            return nil
        }
    }

    /// "vendor v1, 2 line(s), total $150.49".
    private static func document(_ party: String, _ lines: [ExpenseLine], _ currency: String) -> String {
        "\(party), \(lines.count) line(s), total \(Money.format(lines.reduce(0) { $0 + $1.amountMinor }, currency))"
    }
}
