import QBSyncCore
import QBSyncWire

extension FieldRules {
    static func validate(_ request: SyncInvoiceRequest) throws(RPCError) -> Invoice {
        try self.companyID(request.companyID)
        guard let invoice = request.invoice else { throw self.invalid("invoice", "is required") }
        try self.externalID(invoice.externalID, field: "invoice.external_id")
        try self.externalID(invoice.customerExternalID, field: "invoice.customer_external_id")
        try self.text(invoice.docNumber, field: "invoice.doc_number", max: 21)
        try self.date(invoice.txnDate, field: "invoice.txn_date", required: true)
        try self.date(invoice.dueDate, field: "invoice.due_date", required: false)
        if !invoice.dueDate.isEmpty, invoice.dueDate < invoice.txnDate {
            throw self.invalid("invoice.due_date", "is before txn_date")
        }
        let currency = try self.currency(invoice.currency, field: "invoice.currency")
        guard !invoice.lines.isEmpty else { throw self.invalid("invoice.lines", "needs at least one line") }
        guard invoice.lines.count <= 1000 else { throw self.invalid("invoice.lines", "has more than 1000 lines") }
        for (index, line) in invoice.lines.enumerated() {
            try self.validate(line, field: "invoice.lines[\(index)]", currency: currency)
        }
        try self.amount(invoice.taxMinor, field: "invoice.tax_minor", positive: false)
        try self.text(invoice.taxCode, field: "invoice.tax_code", max: 100)
        try self.text(invoice.locationCode, field: "invoice.location_code", max: 100)
        try self.text(invoice.customerMemo, field: "invoice.customer_memo", max: 1000)
        try self.text(invoice.privateNote, field: "invoice.private_note", max: 3900)
        guard invoice.totalMinor.magnitude <= self.maxMinorUnits.magnitude else { throw self.invalid("invoice", "total is out of range") }
        return invoice
    }

    private static func validate(_ line: InvoiceLine, field: @autoclosure () -> String, currency: Currency) throws(RPCError) {
        try self.text(line.description, field: "\(field()).description", max: 4000)
        switch line.kind {
        case .sale, .unspecified:
            try self.text(line.itemCode, field: "\(field()).item_code", max: 100, required: true)
            try self.text(line.taxCode, field: "\(field()).tax_code", max: 100)
            try self.text(line.classCode, field: "\(field()).class_code", max: 100)
            try self.date(line.serviceDate, field: "\(field()).service_date", required: false)
            guard let quantity = DecimalText.digits(line.quantity) else {
                throw self.invalid("\(field()).quantity", "\"\(line.quantity)\" is not a decimal number (at most 12 digits, 7 decimals)")
            }
            guard let rate = DecimalText.digits(line.unitRate) else {
                throw self.invalid("\(field()).unit_rate", "\"\(line.unitRate)\" is not a decimal number (at most 12 digits, 7 decimals)")
            }
            try self.amount(line.amountMinor, field: "\(field()).amount_minor", positive: false)
            let expected = currency.minorUnits(quantity, times: rate)
            guard expected == line.amountMinor else {
                let product = expected.map { "\($0)" } ?? "out of range"
                throw self.invalid("\(field()).amount_minor", "\(line.amountMinor) is not quantity x unit_rate (\(line.quantity) x \(line.unitRate) = \(product) minor units)")
            }
        case .discount:
            try self.amount(line.amountMinor, field: "\(field()).amount_minor", positive: true)
            try self.text(line.discountAccountCode, field: "\(field()).discount_account_code", max: 100, required: true)
        case .unrecognized:
            throw self.invalid("\(field()).kind", "has a value this server does not know")
        }
    }

    static func validate(_ request: SyncPaymentRequest) throws(RPCError) -> Payment {
        try self.companyID(request.companyID)
        guard let payment = request.payment else { throw self.invalid("payment", "is required") }
        try self.externalID(payment.externalID, field: "payment.external_id")
        try self.externalID(payment.customerExternalID, field: "payment.customer_external_id")
        try self.date(payment.txnDate, field: "payment.txn_date", required: true)
        _ = try self.currency(payment.currency, field: "payment.currency")
        try self.amount(payment.amountMinor, field: "payment.amount_minor", positive: true)
        try self.text(payment.methodCode, field: "payment.method_code", max: 100, required: true)
        try self.text(payment.reference, field: "payment.reference", max: 21)
        try self.text(payment.memo, field: "payment.memo", max: 3900)
        guard payment.applications.count <= 500 else { throw self.invalid("payment.applications", "has more than 500 invoices") }
        var seen = Set<String>()
        var applied: Int64 = 0
        for (index, application) in payment.applications.enumerated() {
            let field = "payment.applications[\(index)]"
            try self.externalID(application.invoiceExternalID, field: "\(field).invoice_external_id")
            guard seen.insert(application.invoiceExternalID).inserted else {
                throw self.invalid("\(field).invoice_external_id", "invoice \(application.invoiceExternalID) appears twice")
            }
            try self.amount(application.amountMinor, field: "\(field).amount_minor", positive: true)
            applied += application.amountMinor
        }
        guard applied <= payment.amountMinor else {
            throw self.invalid("payment.applications", "apply \(applied) minor units, more than the payment's \(payment.amountMinor)")
        }
        return payment
    }

    static func validate(_ request: RefundRequest) throws(RPCError) -> Refund {
        try self.companyID(request.companyID)
        guard let refund = request.refund else { throw self.invalid("refund", "is required") }
        try self.externalID(refund.externalID, field: "refund.external_id")
        switch refund.target {
        case .invoiceExternalID(let id)?: try self.externalID(id, field: "refund.invoice_external_id")
        case .paymentExternalID(let id)?:
            try self.externalID(id, field: "refund.payment_external_id")
            try self.text(refund.itemCode, field: "refund.item_code", max: 100, required: true)
        case nil: throw self.invalid("refund.target", "name the refunded invoice_external_id or payment_external_id")
        }
        try self.date(refund.txnDate, field: "refund.txn_date", required: true)
        _ = try self.currency(refund.currency, field: "refund.currency")
        try self.amount(refund.amountMinor, field: "refund.amount_minor", positive: true)
        try self.text(refund.itemCode, field: "refund.item_code", max: 100)
        try self.text(refund.refundAccountCode, field: "refund.refund_account_code", max: 100)
        try self.text(refund.reason, field: "refund.reason", max: 1000)
        return refund
    }

    static func validate(_ request: LinkCustomerRequest) throws(RPCError) -> Customer {
        try self.companyID(request.companyID)
        guard let customer = request.customer else { throw self.invalid("customer", "is required") }
        try self.externalID(customer.externalID, field: "customer.external_id")
        try self.text(customer.givenName, field: "customer.given_name", max: 100)
        try self.text(customer.familyName, field: "customer.family_name", max: 100)
        try self.text(customer.companyName, field: "customer.company_name", max: 100)
        try self.text(customer.displayName, field: "customer.display_name", max: 100)
        // Confirming a proposal (LINK_MODE_EXISTING) may name the customer by
        // external id alone: qbsync keeps the rest from when it was sent.
        let bare = customer == Customer(externalID: customer.externalID)
        guard !customer.resolvedDisplayName.isEmpty || (bare && request.mode == .existing) else {
            throw self.invalid("customer.display_name", "is required when there is no company_name, given_name or family_name")
        }
        guard !customer.resolvedDisplayName.contains(":") else {
            throw self.invalid("customer.display_name", "may not contain ':' (QuickBooks uses it for sub-customers)")
        }
        try self.email(customer.email, field: "customer.email")
        try self.text(customer.phone, field: "customer.phone", max: 30)
        try self.text(customer.notes, field: "customer.notes", max: 3900)
        try self.address(customer.billingAddress, field: "customer.billing_address")
        try self.linkMode(request.mode, qboID: request.qboCustomerID, field: "qbo_customer_id", noun: "customer")
        return customer
    }

    static func address(_ address: Address?, field: String) throws(RPCError) {
        guard let address else { return }
        guard address.lines.count <= 5 else { throw self.invalid("\(field).lines", "has more than 5 lines") }
        for (index, line) in address.lines.enumerated() {
            try self.text(line, field: "\(field).lines[\(index)]", max: 500)
        }
        try self.text(address.city, field: "\(field).city", max: 255)
        try self.text(address.region, field: "\(field).region", max: 255)
        try self.text(address.postalCode, field: "\(field).postal_code", max: 30)
        try self.text(address.country, field: "\(field).country", max: 255)
    }

    /// LINK_MODE_EXISTING needs the numeric QBO id; the other modes refuse one.
    static func linkMode(_ mode: LinkMode, qboID: String, field: String, noun: String) throws(RPCError) {
        switch mode {
        case .existing:
            guard !qboID.isEmpty, qboID.utf8.count <= 20, qboID.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw self.invalid(field, "a numeric QBO \(noun) id is required with LINK_MODE_EXISTING")
            }
        case .unrecognized:
            throw self.invalid("mode", "has a value this server does not know")
        default:
            guard qboID.isEmpty else { throw self.invalid(field, "is only used with LINK_MODE_EXISTING") }
        }
    }
}
