import Foundation

/// A request to a realm's books, parsed and checked for shape before it reaches the realm's
/// actor, so parsing never holds up other requests for the same realm.
enum CompanyOperation: Sendable {
    case read(EntityKind, id: String)
    /// Create, full update or sparse update.
    case save(EntityKind, JSONObject, WriteOptions)
    case delete(EntityKind, JSONObject)
    case void(EntityKind, JSONObject)
    case query(EntityQuery)
    /// Change data capture: `GET /cdc`.
    case changes(ChangeRequest)
    case batch([BatchItem])
}

/// What a write's `include` query parameter (or a batch item's `optionsData`) asks for: a
/// comma-separated list, case ignored; values QBO has that the simulator does not model are
/// ignored.
struct WriteOptions: Sendable, Hashable {
    /// `include=void` (with `operation=update` or none): void the entity instead of saving it.
    var voids = false
    /// `include=allowduplicatedocnum`: accept a DocNumber another sales form already holds.
    var allowsDuplicateDocNumber = false

    init(voids: Bool = false, allowsDuplicateDocNumber: Bool = false) {
        self.voids = voids
        self.allowsDuplicateDocNumber = allowsDuplicateDocNumber
    }

    /// Parses `void`, `allowduplicatedocnum`, `void,allowduplicatedocnum`, ...
    init(parsing text: String?) {
        let values = (text ?? "").lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        self.init(voids: values.contains("void"), allowsDuplicateDocNumber: values.contains("allowduplicatedocnum"))
    }
}

/// One `BatchItemRequest`: an operation, or the fault its shape already earned.
struct BatchItem: Sendable {
    var batchID: String
    var outcome: Result<CompanyOperation, QBOFault>
}

extension CompanyOperation {
    /// Parses `POST /batch`'s body: at most 30 items (1040 beyond), each independent.
    static func batch(from body: JSONValue) throws(QBOFault) -> CompanyOperation {
        guard let requests = body["BatchItemRequest"]?.arrayValue else { throw .requiredParameter("BatchItemRequest") }
        guard requests.count <= BatchLimits.maximumItems else { throw .batchSizeExceeded(requests.count) }
        var items: [BatchItem] = []
        for request in requests {
            let batchID = request["bId"]?.idString ?? ""
            items.append(BatchItem(batchID: batchID, outcome: Result { () throws(QBOFault) in try batchItem(request) }))
        }
        return .batch(items)
    }

    private static func batchItem(_ request: JSONValue) throws(QBOFault) -> CompanyOperation {
        guard let object = request.objectValue else { throw .invalidValue("BatchItemRequest must be an object;") }
        if let query = object["Query"] {
            guard let text = query.stringValue else { throw .invalidValue("Query must be a string;") }
            return .query(try QueryParser.parse(text))
        }
        let reserved: Set<String> = ["bId", "operation", "optionsData"]
        guard let member = object.members.first(where: { !reserved.contains($0.key) }) else {
            throw .requiredParameter("BatchItemRequest entity")
        }
        guard let kind = EntityKind(caseInsensitiveName: member.key), kind.name == member.key else {
            throw .unsupportedOperation("batch \(object["operation"]?.stringValue ?? "") of \(member.key)")
        }
        guard let entity = member.value.objectValue else { throw .invalidValue("\(member.key) must be an object;") }
        let operation = object["operation"]?.stringValue ?? ""
        let options = WriteOptions(parsing: object["optionsData"]?.stringValue)
        switch operation {
        case "create":
            return .save(kind, entity, options)
        case "update":
            if entity["Id"] == nil { throw .requiredParameter("Id") }
            // QBO's batch voids with an update whose optionsData is "void", the batch form
            // of `?operation=update&include=void`.
            return options.voids ? .void(kind, entity) : .save(kind, entity, options)
        case "delete":
            return .delete(kind, entity)
        case "void":
            return .void(kind, entity)
        default:
            throw .unsupportedOperation("\(operation.isEmpty ? "(missing operation)" : operation)")
        }
    }
}
