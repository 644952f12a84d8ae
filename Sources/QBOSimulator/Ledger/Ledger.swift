import Foundation

/// One QBO company's books: every entity, the indexes QBO's rules need, and the rules.
///
/// A value type with synchronous, typed-throwing operations, so the rules can be tested
/// without a server and a realm's actor (`RealmStore`) only has to serialize access.
/// Every operation either applies completely or throws a `QBOFault` and changes nothing.
struct Ledger: Sendable {
    var tables: [EntityKind: EntityTable] = [:]
    /// `DocNumber` -> the sales forms holding it (more than one only when a create said
    /// `include=allowduplicatedocnum`), oldest first. One index for every sales form: QBO's
    /// numbers are unique across them, not per type.
    var docNumbers: [String: [TransactionKey]] = [:]
    /// The next automatic DocNumber, shared by the sales forms as QBO's numbering is.
    var nextDocNumber = 1001
    /// The next transaction Id: invoices, payments, credit memos and refund receipts share
    /// one sequence in QBO (a payment created after invoice 180 is 181).
    var nextTransactionNumber = 1
    /// Lower-cased unique name -> its holder, per name scope (`EntityKind.nameScope`:
    /// customers and vendors share one).
    var names: [EntityKind: [String: TransactionKey]] = [:]
    /// What each payment applies, by payment Id.
    var applications: [String: [Application]] = [:]
    /// Amount applied to each invoice / credit memo, by payment Id.
    var appliedTo: [TransactionKey: [String: Decimal]] = [:]
    /// Each transaction's share of its customer's open balance, and their running sums.
    var customerContributions: [TransactionKey: CustomerContribution] = [:]
    var customerBalances: [String: Decimal] = [:]
    /// Each bill's share of its vendor's open balance (by bill Id), and their running sums.
    var vendorContributions: [String: CustomerContribution] = [:]
    var vendorBalances: [String: Decimal] = [:]
    /// Deleted transactions and when, per kind, for change data capture.
    var deletions: [EntityKind: [DeletedEntity]] = [:]
    /// Ids of the seeded entities the rules fall back on.
    var defaults = SeedDefaults()
    /// The company's name, kind of sales tax and plan, shown by Preferences and CompanyInfo.
    var settings = RealmSettings()

    /// A new company seeded like a fresh QBO sandbox for a rental business.
    init(seededAt now: Date, settings: RealmSettings = RealmSettings()) {
        seed(at: now)
        apply(settings, at: now)
    }

    // MARK: Reads

    func read(_ kind: EntityKind, id: String) throws(QBOFault) -> JSONObject {
        try checkIDFormat(id, of: kind)
        guard let entity = tables[kind]?[id] else { throw .objectNotFound() }
        return entity.body
    }

    func entity(_ kind: EntityKind, _ id: String) -> StoredEntity? {
        tables[kind]?[id]
    }

    /// Every entity of `kind`, oldest first.
    func all(_ kind: EntityKind) -> [StoredEntity] {
        tables[kind]?.all ?? []
    }

    // MARK: Create and update

    /// Creates the entity, or updates it when the body carries an `Id` (sparse when
    /// `"sparse": true`, otherwise a full update that clears omitted properties).
    /// - Parameters:
    ///   - options: What the request's `include` asked for (`allowduplicatedocnum`).
    mutating func save(
        _ kind: EntityKind, _ body: JSONObject, options: WriteOptions = WriteOptions(), at now: Date
    ) throws(QBOFault) -> JSONObject {
        try checkKnownProperties(body, of: kind)
        guard !kind.isReadOnly else { throw .unsupportedOperation("create or update of \(kind.name)") }
        if let idValue = body["Id"], idValue != .null {
            return try update(kind, body, idValue: idValue, options: options, at: now)
        }
        return try create(kind, body, options: options, at: now)
    }

    private mutating func create(
        _ kind: EntityKind, _ body: JSONObject, options: WriteOptions, at now: Date
    ) throws(QBOFault) -> JSONObject {
        let id = kind.isTransaction ? String(nextTransactionNumber) : String(tables[kind, default: EntityTable()].nextNumber)
        let normalized = try normalize(
            kind, Self.withoutSystemProperties(body), id: id, previous: nil, options: options, at: now)
        let stamp = JSONValue.string(QBOTime.dateTime(now))
        let header: JSONObject = [
            "domain": "QBO", "sparse": false, "Id": .string(id), "SyncToken": "0",
            "MetaData": ["CreateTime": stamp, "LastUpdatedTime": stamp],
        ]
        var stored = StoredEntity(body: header.merging(normalized.body))
        stored.isVoided = false
        if kind.isTransaction {
            nextTransactionNumber += 1
        } else {
            _ = tables[kind, default: EntityTable()].allocateID()
        }
        commit(kind, stored, previous: nil, applications: normalized.applications, at: now)
        return stored.body
    }

    private mutating func update(
        _ kind: EntityKind, _ body: JSONObject, idValue: JSONValue, options: WriteOptions, at now: Date
    ) throws(QBOFault) -> JSONObject {
        let existing = try existingForChange(kind, idValue: idValue, syncToken: body["SyncToken"])
        let sparse = body["sparse"]?.boolValue == true
        var draft = sparse ? existing.body.merging(body) : body
        if sparse, kind.isSalesDocument { draft = Self.keepingTaxCode(draft, sent: body) }
        let normalized = try normalize(
            kind, Self.withoutSystemProperties(draft), id: existing.id, previous: existing, options: options, at: now)
        var stored = existing
        stored.body = header(bumping: existing, at: now).merging(renamedOnActivityChange(kind, normalized.body, previous: existing))
        var applications = normalized.applications
        if existing.isVoided {
            // A voided transaction stays void whatever an update sends.
            stored.body = Self.zeroingAmounts(stored.body)
            if kind.appliesMoney { applications = [] }
        }
        commit(kind, stored, previous: existing, applications: applications, at: now)
        return tables[kind]?[existing.id]?.body ?? stored.body
    }

    /// The entity a change names, after the checks every change makes: a well-formed Id
    /// that exists (610), the current SyncToken (5010), not deposited (6540).
    func existingForChange(
        _ kind: EntityKind, idValue: JSONValue?, syncToken: JSONValue?
    ) throws(QBOFault) -> StoredEntity {
        guard let idValue, idValue != .null else { throw .requiredParameter("Id") }
        guard let id = idValue.idString else { throw .invalidID(idValue.jsonText) }
        try checkIDFormat(id, of: kind)
        guard let existing = tables[kind]?[id] else { throw .objectNotFound() }
        guard let token = syncToken?.idString else { throw .requiredParameter("SyncToken") }
        guard token == existing.syncToken else { throw .staleObject() }
        if existing.isDeposited { throw .depositedTransaction() }
        return existing
    }

    /// The system properties of `entity` with the SyncToken bumped and `LastUpdatedTime` now.
    func header(bumping entity: StoredEntity, at now: Date) -> JSONObject {
        let created = entity.body["MetaData"]?["CreateTime"] ?? .string(QBOTime.dateTime(now))
        let token = (Int(entity.syncToken) ?? 0) + 1
        return [
            "domain": "QBO", "sparse": false, "Id": .string(entity.id), "SyncToken": .string(String(token)),
            "MetaData": ["CreateTime": created, "LastUpdatedTime": .string(QBOTime.dateTime(now))],
        ]
    }

    /// A validated entity body and, for a payment, what it applies.
    struct Normalized {
        var body: JSONObject
        var applications: [Application]? = nil
    }

    private func normalize(
        _ kind: EntityKind, _ draft: JSONObject, id: String, previous: StoredEntity?, options: WriteOptions, at now: Date
    ) throws(QBOFault) -> Normalized {
        switch kind {
        case .customer:
            return Normalized(body: try normalizeCustomer(draft, id: id))
        case .vendor:
            return Normalized(body: try normalizeVendor(draft, id: id))
        case .item, .account, .paymentMethod, .term:
            return Normalized(body: try normalizeNameListEntry(kind, draft, id: id))
        case .department, .trackingClass:
            return Normalized(body: try normalizeTrackingEntry(kind, draft, id: id))
        case .bill:
            return Normalized(body: try normalizeBill(draft, id: id, at: now))
        case .purchaseOrder:
            return Normalized(body: try normalizePurchaseOrder(draft, id: id, previous: previous, at: now))
        case .purchase:
            return Normalized(body: try normalizePurchase(draft, id: id, at: now))
        case .billPayment:
            return try normalizeBillPayment(draft, id: id, at: now)
        case .invoice, .creditMemo, .refundReceipt:
            return Normalized(
                body: try normalizeSalesDocument(kind, draft, id: id, previous: previous, options: options, at: now))
        case .payment:
            return try normalizePayment(draft, id: id, at: now)
        case .taxCode, .taxRate, .preferences, .companyInfo:
            throw .unsupportedOperation("create or update of \(kind.name)")
        }
    }

    /// Stores `entity` and brings every index and derived balance up to date.
    mutating func commit(
        _ kind: EntityKind, _ entity: StoredEntity, previous: StoredEntity?, applications newApplications: [Application]?,
        at now: Date
    ) {
        let id = entity.id
        tables[kind, default: EntityTable()][id] = entity
        reindexNames(kind, id: id, old: previous?.body, new: entity.body)
        reindexDocNumber(kind, id: id, old: previous?.body, new: entity.body)
        var touched: Set<TransactionKey> = []
        if kind.isTransaction {
            touched.insert(TransactionKey(kind: kind, id: id))
        }
        if kind.appliesMoney, let newApplications {
            touched.formUnion(replaceApplications(ofPayment: id, with: newApplications))
        }
        if kind == .bill { relinkOrders(ofBill: id, old: previous?.body, new: entity.body, at: now) }
        refreshBalances(of: touched, customers: [], at: now, except: TransactionKey(kind: kind, id: id))
    }

    // MARK: Checks shared by every kind

    private func checkKnownProperties(_ body: JSONObject, of kind: EntityKind) throws(QBOFault) {
        let known = kind.knownProperties
        for key in body.keys where !known.contains(key) {
            throw .unsupportedProperty(key, of: kind)
        }
    }

    func checkIDFormat(_ id: String, of kind: EntityKind) throws(QBOFault) {
        guard kind.hasNumericIDs else { return }
        guard !id.isEmpty, id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw .invalidID(id) }
    }

    private static let systemProperties: Set<String> = ["Id", "SyncToken", "MetaData", "domain", "sparse", "status"]

    static func withoutSystemProperties(_ body: JSONObject) -> JSONObject {
        var stripped = body
        for key in systemProperties { stripped[key] = nil }
        return stripped
    }
}
