import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

extension SyncEngine {
    /// The entity types reconciled when none are named: the ones that move money.
    static let reconciledByDefault: [EntityType] = [.invoice, .payment, .refund, .bill, .billPayment, .expense, .customer]

    /// Most mismatches listed in one answer.
    static let mismatchLimit = 10_000

    /// Compares the rental store with QuickBooks for a period: per entity the
    /// SYNCED records and their totals against what QuickBooks holds (read
    /// with queries by date, then by Id for records whose date moved),
    /// documents QuickBooks has that qbsync did not push, each invoice's
    /// balance against what the rental system's payments and credits leave
    /// open, and every mismatch with a fix.
    public func reconcile(companyID: String, from: String, to: String, entities: [EntityType]) async throws -> ReconcileResponse {
        let client = try await self.client(companyID)
        guard let company = try self.store.read({ try $0.company(companyID) }) else {
            throw RPCError(code: .notFound, message: "company \(companyID) is not known")
        }
        let currency = Currency(code: company.homeCurrency) ?? Currency(code: "USD")!
        var report = Reconciliation(currency: currency, view: self.view)
        report.response.fromDate = from
        report.response.toDate = to
        do {
            for entity in entities.isEmpty ? Self.reconciledByDefault : entities {
                if entity == .customer {
                    try await self.reconcileCustomers(companyID: companyID, currency: currency, client: client, into: &report)
                    continue
                }
                let rows = try self.store.read { try $0.records(companyID: companyID, entity: entity, from: from, to: to) }
                var found: [String: QBODocument] = [:]
                var onlyInQuickBooks: [QBODocument] = []
                for qboEntity in Reconciliation.qboEntities(of: entity) {
                    let documents = try await Reconciliation.documents(qboEntity, from: from, to: to, client: client, requests: &report.requests)
                    let known = Set(rows.filter { RecordView.qboEntity($0) == qboEntity }.map(\.qboID))
                    for document in documents {
                        if known.contains(document.id) { found["\(qboEntity)/\(document.id)"] = document } else { onlyInQuickBooks.append(document) }
                    }
                    // Records whose document moved out of the period in QBO (its date was edited): read by Id.
                    let missing = rows.filter { RecordView.qboEntity($0) == qboEntity && $0.status == .synced && !$0.qboID.isEmpty && found["\(qboEntity)/\($0.qboID)"] == nil }
                    for document in try await Reconciliation.documents(qboEntity, ids: missing.map(\.qboID), client: client, requests: &report.requests) {
                        found["\(qboEntity)/\(document.id)"] = document
                    }
                }
                let applied = entity == .invoice ? try self.appliedToInvoices(companyID: companyID, currency: currency) : [:]
                report.add(entity, rows: rows, found: found, onlyInQuickBooks: onlyInQuickBooks, applied: applied)
            }
        } catch let error as QBOError {
            throw RPCError(code: error.isRetryable ? .unavailable : .failedPrecondition,
                           message: "QuickBooks could not be read for the reconciliation: \(error.message)",
                           detail: FixHints.detail(error, retryable: error.isRetryable, subject: "the reconciliation"))
        }
        report.response.requests = UInt32(clamping: report.requests)
        return report.response
    }

    /// Each linked customer's open balance as the rental system's synced
    /// documents leave it (invoices less payments and credit memos; refund
    /// receipts pay money back and leave it alone) against QuickBooks'
    /// Balance, read by Id including inactive customers.
    private func reconcileCustomers(companyID: String, currency: Currency, client: QBOClient, into report: inout Reconciliation) async throws {
        let (customers, open) = try self.store.read { database -> ([RecordRow], [String: Int64]) in
            var open: [String: Int64] = [:]
            var invoiceCustomer: [String: String] = [:]
            for row in try database.records(companyID: companyID, entity: .invoice, from: "", to: "") {
                guard case .invoice(let invoice) = try RecordPayload(row: row) else { continue }
                invoiceCustomer[invoice.externalID] = invoice.customerExternalID
                if row.status == .synced { open[invoice.customerExternalID, default: 0] += Reconciliation.ourTotal(row, .invoice(invoice)) }
            }
            for row in try database.records(companyID: companyID, entity: .payment, from: "", to: "") where row.status == .synced {
                guard case .payment(let payment) = try RecordPayload(row: row) else { continue }
                open[payment.customerExternalID, default: 0] -= Reconciliation.ourTotal(row, .payment(payment))
            }
            for row in try database.records(companyID: companyID, entity: .refund, from: "", to: "") where row.status == .synced {
                guard case .refund(let refund) = try RecordPayload(row: row), case .invoiceExternalID(let invoice)? = refund.target,
                      let customer = invoiceCustomer[invoice] else { continue }
                open[customer, default: 0] -= Reconciliation.ourTotal(row, .refund(refund))
            }
            return (try database.records(companyID: companyID, entity: .customer, from: "", to: ""), open)
        }
        let linked = customers.filter { $0.status == .synced && !$0.qboID.isEmpty }.map(\.qboID)
        var balances: [String: Decimal] = [:]
        for start in stride(from: 0, to: linked.count, by: 100) {
            let ids = linked[start..<min(start + 100, linked.count)].map { QBOQuery<QBO.Customer>.Value.string($0) }
            let page = try await client.queryAll(QBOQuery<QBO.Customer>.select().where("Id", in: ids).where("Active", in: [.bool(true), .bool(false)]))
            report.requests += 1
            for customer in page { if let id = customer.id { balances[id] = customer.balance ?? 0 } }
        }
        report.addCustomers(customers, open: open, balances: balances)
    }

    /// What the rental system's synced payments and credit memos apply to
    /// each invoice (by invoice external id), in minor units.
    private func appliedToInvoices(companyID: String, currency: Currency) throws -> [String: Int64] {
        try self.store.read { database in
            var applied: [String: Int64] = [:]
            for row in try database.records(companyID: companyID, entity: .payment, from: "", to: "") where row.status == .synced && !row.voidedInQBO {
                guard case .payment(let payment) = try RecordPayload(row: row) else { continue }
                for application in payment.applications { applied[application.invoiceExternalID, default: 0] += application.amountMinor }
            }
            for row in try database.records(companyID: companyID, entity: .refund, from: "", to: "") where row.status == .synced {
                guard case .refund(let refund) = try RecordPayload(row: row), case .invoiceExternalID(let invoice)? = refund.target else { continue }
                applied[invoice, default: 0] += refund.amountMinor
            }
            return applied
        }
    }
}

/// A QBO document as the reconciliation reads it.
struct QBODocument: Sendable {
    var id: String
    var total: Decimal
    var balance: Decimal?
    var privateNote: String
    var txnDate: String
}

/// Builds one ReconcileResponse.
struct Reconciliation {
    let currency: Currency
    let view: RecordView
    var response = ReconcileResponse()
    var requests = 0

    static func qboEntities(of entity: EntityType) -> [String] {
        switch entity {
        case .refund: ["CreditMemo", "RefundReceipt"]
        case .invoice: ["Invoice"]
        case .payment: ["Payment"]
        case .bill: ["Bill"]
        case .billPayment: ["BillPayment"]
        case .expense: ["Purchase"]
        case .purchaseOrder: ["PurchaseOrder"]
        default: []
        }
    }

    /// Which documents to read.
    enum ReadFilter {
        case period(from: String, to: String)
        case ids([String])

        func apply<Entity>(to query: QBOQuery<Entity>) -> QBOQuery<Entity> {
            switch self {
            case .period(let from, let to):
                var query = query
                if !from.isEmpty { query = query.where("TxnDate", .greaterThanOrEqual, .string(from)) }
                if !to.isEmpty { query = query.where("TxnDate", .lessThanOrEqual, .string(to)) }
                return query
            case .ids(let ids):
                return query.where("Id", in: ids.map { .string($0) })
            }
        }
    }

    /// The period's documents of one QBO entity, every page.
    static func documents(_ qboEntity: String, from: String, to: String, client: QBOClient, requests: inout Int) async throws -> [QBODocument] {
        try await self.read(qboEntity, .period(from: from, to: to), client: client, requests: &requests)
    }

    /// Documents of one QBO entity by Id, 100 per query.
    static func documents(_ qboEntity: String, ids: [String], client: QBOClient, requests: inout Int) async throws -> [QBODocument] {
        var documents: [QBODocument] = []
        for start in stride(from: 0, to: ids.count, by: 100) {
            documents += try await self.read(qboEntity, .ids(Array(ids[start..<min(start + 100, ids.count)])), client: client, requests: &requests)
        }
        return documents
    }

    /// The fields the comparison reads: a projection keeps QBO's answers (and
    /// their decoding) to a tenth of whole documents.
    private static let fields = ["Id", "TotalAmt", "PrivateNote", "TxnDate"]

    /// Pages of a period read at once: the realm allows 10 requests in flight,
    /// and pushes keep the rest.
    static let pagesInFlight = 4

    private static func read(_ qboEntity: String, _ filter: ReadFilter, client: QBOClient, requests: inout Int) async throws -> [QBODocument] {
        func rows<Entity: QBOEntity>(_ type: Entity.Type, _ map: @escaping @Sendable (Entity) -> QBODocument) async throws -> [QBODocument] {
            let owed = ["Invoice", "Bill"].contains(Entity.entityName) ? ["Balance"] : []  // only these have a Balance
            let fields = (Self.fields + owed).map { QBOQuery<Entity>.Field(stringLiteral: $0) }
            let query = filter.apply(to: QBOQuery<Entity>.select(fields))
            switch filter {
            case .ids:
                let all = try await client.queryAll(query)
                requests += all.count / QBOQuery<Entity>.maxPageSize + 1  // queryAll reads until a short page
                return all.map(map)
            case .period:
                let (all, used) = try await Self.pages(query, count: filter.apply(to: QBOQuery<Entity>.count()), client: client)
                requests += used
                return all.map(map)
            }
        }
        switch qboEntity {
        case "Invoice": return try await rows(QBO.Invoice.self) { QBODocument(id: $0.id ?? "", total: $0.totalAmt ?? 0, balance: $0.balance, privateNote: $0.privateNote ?? "", txnDate: $0.txnDate ?? "") }
        case "Payment": return try await rows(QBO.Payment.self) { QBODocument(id: $0.id ?? "", total: $0.totalAmt ?? 0, privateNote: $0.privateNote ?? "", txnDate: $0.txnDate ?? "") }
        case "CreditMemo": return try await rows(QBO.CreditMemo.self) { QBODocument(id: $0.id ?? "", total: $0.totalAmt ?? 0, privateNote: $0.privateNote ?? "", txnDate: $0.txnDate ?? "") }
        case "RefundReceipt": return try await rows(QBO.RefundReceipt.self) { QBODocument(id: $0.id ?? "", total: $0.totalAmt ?? 0, privateNote: $0.privateNote ?? "", txnDate: $0.txnDate ?? "") }
        case "Bill": return try await rows(QBO.Bill.self) { QBODocument(id: $0.id ?? "", total: $0.totalAmt ?? 0, balance: $0.balance, privateNote: $0.privateNote ?? "", txnDate: $0.txnDate ?? "") }
        case "BillPayment": return try await rows(QBO.BillPayment.self) { QBODocument(id: $0.id ?? "", total: $0.totalAmt ?? 0, privateNote: $0.privateNote ?? "", txnDate: $0.txnDate ?? "") }
        case "Purchase": return try await rows(QBO.Purchase.self) { QBODocument(id: $0.id ?? "", total: $0.totalAmt ?? 0, privateNote: $0.privateNote ?? "", txnDate: $0.txnDate ?? "") }
        case "PurchaseOrder": return try await rows(QBO.PurchaseOrder.self) { QBODocument(id: $0.id ?? "", total: $0.totalAmt ?? 0, privateNote: $0.privateNote ?? "", txnDate: $0.txnDate ?? "") }
        default: return []
        }
    }

    /// Every row of `query`: counted first, then the pages read
    /// ``pagesInFlight`` at a time, then on from the last page while pages
    /// come back full (rows added meanwhile). A row seen on two pages (the
    /// order shifted) is kept once. Returns the rows and the requests used.
    static func pages<Entity: QBOEntity>(_ query: QBOQuery<Entity>, count: QBOQuery<Entity>, client: QBOClient) async throws -> ([Entity], Int) {
        let size = QBOQuery<Entity>.maxPageSize
        let total = try await client.count(count)
        var requests = 1
        let planned = max(1, (total + size - 1) / size)
        var pages: [Int: [Entity]] = [:]
        try await withThrowingTaskGroup(of: (Int, [Entity]).self) { group in
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask { (index, try await client.query(query.startPosition(1 + index * size).maxResults(size)).entities) }
            }
            while next < min(planned, Self.pagesInFlight) { start() }
            while let (index, rows) = try await group.next() {
                pages[index] = rows
                if next < planned { start() }
            }
        }
        requests += planned
        var index = planned - 1
        while pages[index]?.count == size {
            index += 1
            pages[index] = try await client.query(query.startPosition(1 + index * size).maxResults(size)).entities
            requests += 1
        }
        var seen = Set<String>()
        var all: [Entity] = []
        for page in pages.keys.sorted() {
            for row in pages[page] ?? [] {
                if let id = row.id, !seen.insert(id).inserted { continue }
                all.append(row)
            }
        }
        return (all, requests)
    }

    /// The rental system's total of a record, in minor units (0 once voided or deleted).
    static func ourTotal(_ row: RecordRow, _ payload: RecordPayload) -> Int64 {
        if row.voidedInQBO { return 0 }
        switch payload {
        case .invoice(let invoice): return invoice.voided ? 0 : invoice.totalMinor
        case .payment(let payment): return payment.amountMinor
        case .refund(let refund): return refund.amountMinor
        case .bill(let bill): return bill.lines.reduce(0) { $0 + $1.amountMinor }
        case .billPayment(let payment): return payment.amountMinor
        case .expense(let expense): return expense.lines.reduce(0) { $0 + $1.amountMinor }
        case .purchaseOrder(let order): return order.lines.reduce(0) { $0 + $1.amountMinor }
        default: return 0
        }
    }

    mutating func add(_ entity: EntityType, rows: [RecordRow], found: [String: QBODocument], onlyInQuickBooks: [QBODocument], applied: [String: Int64]) {
        var summary = EntityReconciliation(entity: entity)
        for row in rows {
            let qboEntity = RecordView.qboEntity(row)
            switch row.status {
            case .synced:
                guard let payload = try? RecordPayload(row: row) else { continue }
                let ours = Self.ourTotal(row, payload)
                summary.syncedCount += 1
                summary.syncedTotalMinor += ours
                guard let document = found["\(qboEntity)/\(row.qboID)"] else {
                    if !row.voidedInQBO {
                        self.mismatch(.missingInQuickbooks, row, ours: self.money(ours), hint: "QuickBooks has no \(qboEntity) \(row.qboID): it was deleted there. Resync with force to create it again, or accept the drift (qbsync drift check first).")
                    }
                    continue
                }
                let theirs = self.currency.minorUnits(document.total) ?? 0
                summary.foundCount += 1
                summary.foundTotalMinor += theirs
                if theirs != ours {
                    self.mismatch(.amountDiffers, row, qbo: (qboEntity, document.id), ours: self.money(ours), quickbooks: "\(document.total)",
                                  hint: row.state.warnings.contains { $0.kind == WarningKind.taxMismatch.wireValue }
                                      ? FixHints.taxMismatch
                                      : "QuickBooks' total differs from the rental system's: someone changed it in QuickBooks (drift) or the tax differs. Compare both, then resync with force or accept QuickBooks' version.")
                }
                if entity == .invoice, case .invoice(let invoice) = payload, !invoice.voided, !row.voidedInQBO, let balance = document.balance {
                    let open = max(0, ours - (applied[invoice.externalID] ?? 0))
                    if let theirsOpen = self.currency.minorUnits(balance), theirsOpen != open {
                        self.mismatch(.balanceDiffers, row, qbo: (qboEntity, document.id), ours: self.money(open), quickbooks: "\(balance)",
                                      hint: "The invoice's balance in QuickBooks is not what the rental system's payments and credits leave: a payment was recorded or removed in QuickBooks, or a payment was only partly applied (see its warnings).")
                    }
                }
            case .skipped:
                continue
            default:
                summary.notSyncedCount += 1
                self.mismatch(.notSynced, row, ours: row.status.protoName, hint: "Not in QuickBooks yet (\(row.status.protoName)): see `qbsync \(row.key.entity.label.replacingOccurrences(of: " ", with: "-"))s show \(row.key.externalID)` for what it waits for.")
            }
        }
        for document in onlyInQuickBooks {
            let total = self.currency.minorUnits(document.total) ?? 0
            if document.privateNote.contains("[qbsync:") {
                var mismatch = Mismatch(kind: .unknownToQbsync, qboEntity: Self.qboEntities(of: entity).first ?? "", qboID: document.id, quickbooks: "\(document.total)",
                                        fixHint: "QuickBooks holds a document with qbsync's marker that no record knows: a duplicate, or a record removed from qbsync's store. Check it in QuickBooks and void it if it is a duplicate.")
                mismatch.qboEntity = Self.qboEntities(of: entity).first ?? ""
                self.append(mismatch)
            } else {
                summary.onlyInQuickbooksCount += 1
                summary.onlyInQuickbooksTotalMinor += total
            }
        }
        self.response.entities.append(summary)
    }

    mutating func addCustomers(_ rows: [RecordRow], open: [String: Int64], balances: [String: Decimal]) {
        var summary = EntityReconciliation(entity: .customer)
        for row in rows {
            switch row.status {
            case .synced where !row.qboID.isEmpty:
                let ours = open[row.key.externalID] ?? 0
                summary.syncedCount += 1
                summary.syncedTotalMinor += ours
                guard let balance = balances[row.qboID] else {
                    self.mismatch(.missingInQuickbooks, row, ours: self.money(ours),
                                  hint: "QuickBooks has no Customer \(row.qboID): it was deleted or merged there. Link the customer again (qbsync customers link \(row.key.externalID)).")
                    continue
                }
                let theirs = self.currency.minorUnits(balance) ?? 0
                summary.foundCount += 1
                summary.foundTotalMinor += theirs
                if theirs != ours {
                    self.mismatch(.customerBalanceDiffers, row, qbo: ("Customer", row.qboID), ours: self.money(ours), quickbooks: "\(balance)",
                                  hint: "QuickBooks says this customer owes \(balance), the rental system's synced documents leave \(self.money(ours)): look for documents entered in QuickBooks by hand, a balance from before the customer was linked, or the invoice mismatches listed with it.")
                }
            case .skipped, .synced:
                continue
            default:
                summary.notSyncedCount += 1
                self.mismatch(.notSynced, row, ours: row.status.protoName, hint: "Not linked to a QuickBooks customer yet (\(row.status.protoName)): see `qbsync customers show \(row.key.externalID)`.")
            }
        }
        self.response.entities.append(summary)
    }

    private func money(_ minor: Int64) -> String { "\(self.currency.decimal(minorUnits: minor))" }

    private mutating func mismatch(_ kind: MismatchKind, _ row: RecordRow, qbo: (String, String)? = nil, ours: String, quickbooks: String = "", hint: String) {
        self.append(Mismatch(kind: kind, ref: row.key.ref, qboEntity: qbo?.0 ?? (row.qboID.isEmpty ? "" : RecordView.qboEntity(row)),
                             qboID: qbo?.1 ?? row.qboID, ours: ours, quickbooks: quickbooks, fixHint: hint))
    }

    private mutating func append(_ mismatch: Mismatch) {
        guard self.response.mismatches.count < SyncEngine.mismatchLimit else {
            self.response.mismatchesTruncated = true
            return
        }
        self.response.mismatches.append(mismatch)
    }
}
