import Foundation

// Reading typed values out of a client's JSON, and the indexes behind QBO's uniqueness rules.
extension Ledger {
    /// The active entity a `{"value": "12"}` reference names, nil when the reference is
    /// absent, 610 when nothing active has that Id.
    func resolve(_ reference: JSONValue?, to kind: EntityKind, element: String) throws(QBOFault) -> StoredEntity? {
        guard let reference, reference != .null else { return nil }
        guard let id = reference["value"]?.idString ?? reference.idString else {
            throw .invalidValue("\(element) must be an object with a \"value\"")
        }
        guard let entity = tables[kind]?[id], entity.isActive else { throw .objectNotFound() }
        return entity
    }

    /// Like `resolve`, but a missing reference is a 2020 for `element`.
    func require(_ reference: JSONValue?, to kind: EntityKind, element: String) throws(QBOFault) -> StoredEntity {
        guard let entity = try resolve(reference, to: kind, element: element) else { throw .requiredParameter(element) }
        return entity
    }

    /// `{"value": id, "name": name}`, the way QBO fills in a reference it resolved.
    static func reference(to entity: StoredEntity, of kind: EntityKind) -> JSONValue {
        var object: JSONObject = ["value": .string(entity.id)]
        if let name = displayName(of: entity, kind: kind) { object["name"] = .string(name) }
        return .object(object)
    }

    static func displayName(of entity: StoredEntity, kind: EntityKind) -> String? {
        switch kind {
        case .customer: return entity.body["DisplayName"]?.stringValue
        case .account, .item: return entity.body["FullyQualifiedName"]?.stringValue ?? entity.body["Name"]?.stringValue
        default: return entity.body["Name"]?.stringValue
        }
    }

    /// An exact decimal, nil when absent or null, 2010 when it is not a number.
    func decimal(_ value: JSONValue?, element: String) throws(QBOFault) -> Decimal? {
        guard let value, value != .null else { return nil }
        guard let number = value.decimalValue else {
            throw .invalidValue("\(element)=\(value.jsonText) is not a number;")
        }
        return number
    }

    /// A string property, nil when absent, null or empty; 2010 when it is not a string.
    func text(_ value: JSONValue?, element: String) throws(QBOFault) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue else { throw .invalidValue("\(element)=\(value.jsonText) is not a string;") }
        return text.isEmpty ? nil : text
    }

    // MARK: Unique names (6240)

    func checkUniqueName(_ name: String, of kind: EntityKind, id: String) throws(QBOFault) {
        if let holder = names[kind]?[name.lowercased()], holder != id { throw .duplicateName() }
    }

    mutating func reindexNames(_ kind: EntityKind, id: String, old: JSONObject?, new: JSONObject?) {
        guard let property = kind.uniqueNameProperty else { return }
        if let oldName = old?[property]?.stringValue?.lowercased(), names[kind]?[oldName] == id {
            names[kind]?[oldName] = nil
        }
        if let newName = new?[property]?.stringValue?.lowercased() {
            names[kind, default: [:]][newName] = id
        }
    }

    // MARK: Document numbers (6140)

    /// The DocNumber a sales document keeps: the client's (unique within its type), or on
    /// create the next free number, as QBO's automatic numbering does.
    func documentNumber(for kind: EntityKind, _ draft: JSONObject, id: String, isCreate: Bool) throws(QBOFault) -> String? {
        if let given = draft["DocNumber"], given != .null, let number = given.idString, !number.isEmpty {
            if let holder = docNumbers[kind]?[number], holder != id {
                throw .duplicateDocumentNumber(number, heldBy: kind, id: holder)
            }
            return number
        }
        guard isCreate else { return nil }
        var candidate = nextDocNumber[kind] ?? 1001
        while docNumbers[kind]?[String(candidate)] != nil { candidate += 1 }
        return String(candidate)
    }

    mutating func reindexDocNumber(_ kind: EntityKind, id: String, old: JSONObject?, new: JSONObject?) {
        guard kind.hasUniqueDocNumber else { return }
        if let oldNumber = old?["DocNumber"]?.stringValue, docNumbers[kind]?[oldNumber] == id {
            docNumbers[kind]?[oldNumber] = nil
        }
        if let newNumber = new?["DocNumber"]?.stringValue {
            docNumbers[kind, default: [:]][newNumber] = id
            if let numeric = Int(newNumber), numeric >= nextDocNumber[kind] ?? 1001 {
                nextDocNumber[kind] = numeric + 1
            }
        }
    }

    /// USD, the only currency of a simulated company.
    static let homeCurrency: JSONValue = ["value": "USD", "name": "United States Dollar"]
}
