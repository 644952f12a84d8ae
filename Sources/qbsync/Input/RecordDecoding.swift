import QBSyncWire

/// A request message the CLI reads from JSON input files, in the protobuf
/// JSON shape of its message in Protos/qbsync/v1.
protocol JSONDecodableRecord {
    /// The field that holds the message when the input is a whole request
    /// (`{"companyId": "...", "invoice": {...}}`).
    static var requestField: String { get }
    init(json fields: inout JSONFields) throws
}

extension JSONDecodableRecord {
    /// Decodes one input object: the message itself, or a request wrapping it.
    ///
    /// - Parameters:
    ///   - value: The JSON object.
    ///   - location: Where it came from, for error messages.
    ///   - company: The company the command acts on; a wrapping request must name the same.
    static func decode(_ value: JSONInput, location: String, company: String) throws -> Self {
        do {
            var outer = try JSONFields(value, path: "")
            if outer.has(Self.requestField), !outer.has("externalId") {
                let named = try outer.string("companyId")
                if !named.isEmpty, named != company {
                    throw JSONInputError(location: "companyId", message: "is \(named), but the command acts on company \(company) (--company)")
                }
                guard var inner = try outer.object(Self.requestField) else {
                    throw JSONInputError(location: Self.requestField, message: "is null")
                }
                try outer.rejectUnknown()
                let record = try Self(json: &inner)
                try inner.rejectUnknown()
                return record
            }
            var fields = try JSONFields(value, path: "")
            let record = try Self(json: &fields)
            try fields.rejectUnknown()
            return record
        } catch let error as JSONInputError {
            throw CLIFailure.usage("\(location): \(error)")
        }
    }
}

extension Address {
    init(json fields: inout JSONFields) throws {
        self.init(
            lines: try fields.strings("lines"),
            city: try fields.string("city"),
            region: try fields.string("region"),
            postalCode: try fields.string("postalCode"),
            country: try fields.string("country")
        )
        try fields.rejectUnknown()
    }
}

extension Customer: JSONDecodableRecord {
    static let requestField = "customer"

    init(json fields: inout JSONFields) throws {
        self.init(
            externalID: try fields.string("externalId"),
            givenName: try fields.string("givenName"),
            familyName: try fields.string("familyName"),
            companyName: try fields.string("companyName"),
            displayName: try fields.string("displayName"),
            email: try fields.string("email"),
            phone: try fields.string("phone"),
            billingAddress: try fields.object("billingAddress").map { var address = $0; return try Address(json: &address) },
            notes: try fields.string("notes")
        )
    }
}

extension InvoiceLine {
    init(json fields: inout JSONFields) throws {
        self.init(
            kind: try fields.enumeration("kind", prefix: "LINE_KIND_", cases: LineKind.allCases, protoName: \.protoName, wire: LineKind.init(wireValue:)) ?? .unspecified,
            itemCode: try fields.string("itemCode"),
            description: try fields.string("description"),
            quantity: try fields.decimalText("quantity"),
            unitRate: try fields.decimalText("unitRate"),
            amountMinor: try fields.int64("amountMinor"),
            taxCode: try fields.string("taxCode"),
            serviceDate: try fields.string("serviceDate"),
            discountAccountCode: try fields.string("discountAccountCode")
        )
        try fields.rejectUnknown()
    }
}

extension Invoice: JSONDecodableRecord {
    static let requestField = "invoice"

    init(json fields: inout JSONFields) throws {
        self.init(
            externalID: try fields.string("externalId"),
            customerExternalID: try fields.string("customerExternalId"),
            docNumber: try fields.string("docNumber"),
            txnDate: try fields.string("txnDate"),
            dueDate: try fields.string("dueDate"),
            currency: try fields.string("currency"),
            lines: try fields.objects("lines").map { var line = $0; return try InvoiceLine(json: &line) },
            taxMinor: try fields.int64("taxMinor"),
            customerMemo: try fields.string("customerMemo"),
            privateNote: try fields.string("privateNote"),
            excludeFromSync: try fields.bool("excludeFromSync"),
            voided: try fields.bool("voided"),
            taxCode: try fields.string("taxCode")
        )
    }

    /// Lines less discounts plus tax, in minor units.
    var totalMinor: Int64 {
        self.lines.reduce(self.taxMinor) { $0 + ($1.kind == .discount ? -$1.amountMinor : $1.amountMinor) }
    }
}

extension Payment: JSONDecodableRecord {
    static let requestField = "payment"

    init(json fields: inout JSONFields) throws {
        self.init(
            externalID: try fields.string("externalId"),
            customerExternalID: try fields.string("customerExternalId"),
            txnDate: try fields.string("txnDate"),
            currency: try fields.string("currency"),
            amountMinor: try fields.int64("amountMinor"),
            methodCode: try fields.string("methodCode"),
            reference: try fields.string("reference"),
            memo: try fields.string("memo"),
            applications: try fields.objects("applications").map { object in
                var application = object
                let decoded = PaymentApplication(invoiceExternalID: try application.string("invoiceExternalId"), amountMinor: try application.int64("amountMinor"))
                try application.rejectUnknown()
                return decoded
            }
        )
    }
}

extension Refund: JSONDecodableRecord {
    static let requestField = "refund"

    init(json fields: inout JSONFields) throws {
        let invoice = try fields.string("invoiceExternalId")
        let payment = try fields.string("paymentExternalId")
        if !invoice.isEmpty, !payment.isEmpty {
            throw JSONInputError(location: "invoiceExternalId", message: "a refund is of an invoice or of a payment, not both")
        }
        self.init(
            externalID: try fields.string("externalId"),
            target: !invoice.isEmpty ? .invoiceExternalID(invoice) : (!payment.isEmpty ? .paymentExternalID(payment) : nil),
            txnDate: try fields.string("txnDate"),
            currency: try fields.string("currency"),
            amountMinor: try fields.int64("amountMinor"),
            itemCode: try fields.string("itemCode"),
            refundAccountCode: try fields.string("refundAccountCode"),
            reason: try fields.string("reason")
        )
    }
}
