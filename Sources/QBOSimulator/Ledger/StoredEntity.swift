import Foundation

/// One entity as the ledger keeps it: the JSON a read returns, plus the facts QBO tracks
/// outside the entity's own properties.
struct StoredEntity: Sendable, Hashable {
    var body: JSONObject
    /// Voided transactions keep their Id but carry zero amounts.
    var isVoided = false
    /// A payment that a bank deposit has picked up; QBO refuses to change it (6540).
    var isDeposited = false

    var id: String { body["Id"]?.stringValue ?? "" }
    var syncToken: String { body["SyncToken"]?.stringValue ?? "0" }
    var isActive: Bool { body["Active"]?.boolValue ?? true }
    var totalAmount: Decimal { body["TotalAmt"]?.decimalValue ?? 0 }
}

/// The rows of one entity kind in one realm, in the order they were created.
struct EntityTable: Sendable {
    private(set) var rows: [String: StoredEntity] = [:]
    private(set) var order: [String] = []
    /// The next numeric Id of a name list; each list counts on its own, as QBO's do.
    /// Transactions draw from the ledger's shared `nextTransactionNumber` instead.
    var nextNumber = 1

    subscript(id: String) -> StoredEntity? {
        get { rows[id] }
        set {
            if rows[id] == nil, newValue != nil { order.append(id) }
            if newValue == nil, rows[id] != nil { order.removeAll { $0 == id } }
            rows[id] = newValue
        }
    }

    var count: Int { rows.count }

    /// Every row, oldest first.
    var all: [StoredEntity] { order.compactMap { rows[$0] } }

    mutating func allocateID() -> String {
        defer { nextNumber += 1 }
        return String(nextNumber)
    }
}

/// A transaction a payment can apply to, or that belongs to a customer.
struct TransactionKey: Sendable, Hashable {
    var kind: EntityKind
    var id: String
}

/// An amount of a payment applied to one invoice, or one credit memo used up by it.
struct Application: Sendable, Hashable {
    var target: TransactionKey
    var amount: Decimal
}
