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

    /// Like `resolve`, but an Id the company has never had is 2500 Invalid Reference Id
    /// naming `element`, as QBO answers it; an inactive one stays 610.
    func resolveExisting(_ reference: JSONValue?, to kind: EntityKind, element: String) throws(QBOFault) -> StoredEntity? {
        guard let reference, reference != .null else { return nil }
        guard let id = reference["value"]?.idString ?? reference.idString else {
            throw .invalidValue("\(element) must be an object with a \"value\"")
        }
        guard let entity = tables[kind]?[id] else { throw .unknownReference(element) }
        guard entity.isActive else { throw .objectNotFound() }
        return entity
    }

    /// `resolveExisting`, with a missing reference a 2020 for `element`.
    func requireExisting(_ reference: JSONValue?, to kind: EntityKind, element: String) throws(QBOFault) -> StoredEntity {
        guard let entity = try resolveExisting(reference, to: kind, element: element) else {
            throw .requiredParameter(element)
        }
        return entity
    }

    /// The account `reference` names, which must be of one of `types` (by `AccountType`).
    func account(
        _ reference: JSONValue?, element: String, types: Set<String>, typeName: String
    ) throws(QBOFault) -> StoredEntity? {
        guard let account = try resolveExisting(reference, to: .account, element: element) else { return nil }
        guard types.contains(account.body["AccountType"]?.stringValue ?? "") else {
            throw .accountType(element, account: account, needs: typeName)
        }
        return account
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
        case .customer, .vendor: return entity.body["DisplayName"]?.stringValue
        case .account, .item, .department, .trackingClass: return entity.body["FullyQualifiedName"]?.stringValue ?? entity.body["Name"]?.stringValue
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

    /// 6240 when another entity of the same name scope (a customer for a vendor, and the
    /// other way round) holds `name`, ignoring case.
    func checkUniqueName(_ name: String, of kind: EntityKind, id: String) throws(QBOFault) {
        if !isNameFree(name, of: kind, for: id) { throw .duplicateName() }
    }

    /// Whether `name` is free for the entity `id` of `kind` (free, or already its own).
    func isNameFree(_ name: String, of kind: EntityKind, for id: String) -> Bool {
        guard let holder = names[kind.nameScope]?[name.lowercased()] else { return true }
        return holder == TransactionKey(kind: kind, id: id)
    }

    /// The Id of the `kind` entity holding `name`, if one does.
    func holderID(ofName name: String, kind: EntityKind) -> String? {
        guard let holder = names[kind.nameScope]?[name.lowercased()], holder.kind == kind else { return nil }
        return holder.id
    }

    mutating func reindexNames(_ kind: EntityKind, id: String, old: JSONObject?, new: JSONObject?) {
        guard let property = kind.uniqueKeyProperty else { return }
        let key = TransactionKey(kind: kind, id: id)
        if let oldName = old?[property]?.stringValue?.lowercased(), names[kind.nameScope]?[oldName] == key {
            names[kind.nameScope]?[oldName] = nil
        }
        if let newName = new?[property]?.stringValue?.lowercased() {
            names[kind.nameScope, default: [:]][newName] = key
        }
    }

    // MARK: Document numbers (6140)

    /// The DocNumber a sales document keeps: the client's, which no other sales form may
    /// hold (6140 naming the holder) unless `allowsDuplicate`; or on create the next number
    /// no sales form holds, as QBO's automatic numbering does.
    func documentNumber(
        for document: TransactionKey, _ draft: JSONObject, isCreate: Bool, allowsDuplicate: Bool
    ) throws(QBOFault) -> String? {
        if let given = draft["DocNumber"], given != .null, let number = given.idString, !number.isEmpty {
            if !allowsDuplicate, let holder = docNumbers[number]?.first(where: { $0 != document }) {
                throw .duplicateDocumentNumber(number, heldBy: holder.kind, id: holder.id)
            }
            return number
        }
        guard isCreate else { return nil }
        var candidate = nextDocNumber
        while docNumbers[String(candidate)] != nil { candidate += 1 }
        return String(candidate)
    }

    mutating func reindexDocNumber(_ kind: EntityKind, id: String, old: JSONObject?, new: JSONObject?) {
        guard kind.hasUniqueDocNumber else { return }
        let key = TransactionKey(kind: kind, id: id)
        if let oldNumber = old?["DocNumber"]?.stringValue {
            docNumbers[oldNumber]?.removeAll { $0 == key }
            if docNumbers[oldNumber]?.isEmpty == true { docNumbers[oldNumber] = nil }
        }
        if let newNumber = new?["DocNumber"]?.stringValue {
            docNumbers[newNumber, default: []].append(key)
            if let numeric = Int(newNumber), numeric >= nextDocNumber {
                nextDocNumber = numeric + 1
            }
        }
    }

    /// The sales forms of `kind` holding `number`.
    func holders(ofDocNumber number: String, kind: EntityKind) -> [StoredEntity] {
        (docNumbers[number] ?? []).filter { $0.kind == kind }.compactMap { entity($0.kind, $0.id) }
    }

    /// USD, the only currency of a simulated company.
    static let homeCurrency: JSONValue = ["value": "USD", "name": "United States Dollar"]
}
