/// Namespace for the QuickBooks Online Accounting API v3 records QBOClient reads
/// and writes: ``QBO/Customer``, ``QBO/Invoice``, ``QBO/Payment``, ``QBO/Vendor``,
/// ``QBO/Bill`` and the rest.
///
/// Each type is `Codable` with QBO's own JSON keys (PascalCase, plus the few
/// lower-case ones QBO uses: `domain`, `sparse`, `status`, `value`, `name`).
/// Amounts, quantities and rates are `Decimal`, never `Double`. Unknown fields
/// are ignored when decoding and `nil` fields are left out when encoding, so a
/// sparse update sends only what was set.
public enum QBO {}

/// A QBO record that has its own endpoint (`/v3/company/{realm}/{pathSegment}`).
///
/// Conform a new type to reach an entity QBOClient does not model (a SalesReceipt,
/// a JournalEntry): give its QBO name and the three bookkeeping fields.
public protocol QBOEntity: Codable, Sendable {
    /// The entity's name in QBO's JSON and queries, e.g. `"Invoice"`.
    static var entityName: String { get }
    /// The URL path segment, e.g. `"invoice"`; defaults to the lower-cased ``entityName``.
    static var pathSegment: String { get }
    /// QBO's Id; `nil` until created.
    var id: String? { get set }
    /// QBO's version of the record, required on every update, delete and void.
    var syncToken: String? { get set }
    /// When `true` on an update, only the fields present change.
    var sparse: Bool? { get set }
}

extension QBOEntity {
    /// The lower-cased ``entityName``, which is what QBO's URLs use.
    public static var pathSegment: String { entityName.lowercased() }
}
