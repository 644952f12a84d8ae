import QBSyncWire

/// A request message the CLI reads from JSON input files, in the protobuf
/// JSON shape of its message in Protos/qbsync/v1 (the reading itself is
/// generated: `ProtoJSONDecodable`).
protocol JSONDecodableRecord: ProtoJSONDecodable {
    /// The field that holds the message when the input is a whole request
    /// (`{"companyId": "...", "invoice": {...}}`).
    static var requestField: String { get }
}

extension JSONDecodableRecord {
    /// Decodes one input object: the message itself, or a request wrapping it.
    ///
    /// - Parameters:
    ///   - value: The JSON object.
    ///   - location: Where it came from, for error messages.
    ///   - company: The company the command acts on; a wrapping request must name the same.
    static func decode(_ value: ProtoJSON, location: String, company: String) throws -> Self {
        do {
            var outer = try ProtoJSONFields(value, path: "")
            if outer.has(Self.requestField), !outer.has("externalId") {
                let named = try outer.string("companyId")
                if !named.isEmpty, named != company {
                    throw ProtoJSONError(location: "companyId", message: "is \(named), but the command acts on company \(company) (--company)")
                }
                guard var inner = try outer.object(Self.requestField) else {
                    throw ProtoJSONError(location: Self.requestField, message: "is null")
                }
                try outer.rejectUnknown()
                return try Self(protoJSON: &inner)
            }
            return try Self(protoJSON: value)
        } catch let error as ProtoJSONError {
            throw CLIFailure.usage("\(location): \(error)")
        }
    }
}

extension Customer: JSONDecodableRecord {
    static let requestField = "customer"
}

extension Invoice: JSONDecodableRecord {
    static let requestField = "invoice"

    /// Lines less discounts plus tax, in minor units.
    var totalMinor: Int64 {
        self.lines.reduce(self.taxMinor) { $0 + ($1.kind == .discount ? -$1.amountMinor : $1.amountMinor) }
    }
}

extension Payment: JSONDecodableRecord {
    static let requestField = "payment"
}

extension Refund: JSONDecodableRecord {
    static let requestField = "refund"
}

extension Vendor: JSONDecodableRecord {
    static let requestField = "vendor"
}

extension Bill: JSONDecodableRecord {
    static let requestField = "bill"
}

extension BillPayment: JSONDecodableRecord {
    static let requestField = "billPayment"
}

extension PurchaseOrder: JSONDecodableRecord {
    static let requestField = "purchaseOrder"
}

extension Expense: JSONDecodableRecord {
    static let requestField = "expense"
}

extension Item: JSONDecodableRecord {
    static let requestField = "item"
}
