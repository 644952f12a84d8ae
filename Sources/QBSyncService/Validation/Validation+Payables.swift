import QBSyncCore
import QBSyncWire

extension FieldRules {
    static func validate(_ request: LinkVendorRequest) throws(RPCError) -> Vendor {
        try self.companyID(request.companyID)
        guard let vendor = request.vendor else { throw self.invalid("vendor", "is required") }
        try self.externalID(vendor.externalID, field: "vendor.external_id")
        try self.text(vendor.givenName, field: "vendor.given_name", max: 100)
        try self.text(vendor.familyName, field: "vendor.family_name", max: 100)
        try self.text(vendor.companyName, field: "vendor.company_name", max: 100)
        try self.text(vendor.displayName, field: "vendor.display_name", max: 100)
        // Confirming a proposal may name the vendor by external id alone.
        let bare = vendor == Vendor(externalID: vendor.externalID)
        guard !vendor.resolvedDisplayName.isEmpty || (bare && request.mode == .existing) else {
            throw self.invalid("vendor.display_name", "is required when there is no company_name, given_name or family_name")
        }
        guard !vendor.resolvedDisplayName.contains(":") else {
            throw self.invalid("vendor.display_name", "may not contain ':'")
        }
        try self.email(vendor.email, field: "vendor.email")
        try self.text(vendor.phone, field: "vendor.phone", max: 30)
        try self.text(vendor.accountNumber, field: "vendor.account_number", max: 100)
        try self.address(vendor.billingAddress, field: "vendor.billing_address")
        try self.linkMode(request.mode, qboID: request.qboVendorID, field: "qbo_vendor_id", noun: "vendor")
        return vendor
    }

    static func validate(_ request: SyncBillRequest) throws(RPCError) -> Bill {
        try self.companyID(request.companyID)
        guard let bill = request.bill else { throw self.invalid("bill", "is required") }
        try self.externalID(bill.externalID, field: "bill.external_id")
        try self.externalID(bill.vendorExternalID, field: "bill.vendor_external_id")
        try self.text(bill.docNumber, field: "bill.doc_number", max: 21)
        try self.dates(bill.txnDate, due: bill.dueDate, field: "bill")
        let currency = try self.currency(bill.currency, field: "bill.currency")
        try self.expenseLines(bill.lines, field: "bill.lines", currency: currency)
        try self.text(bill.apAccountCode, field: "bill.ap_account_code", max: 100)
        try self.text(bill.locationCode, field: "bill.location_code", max: 100)
        try self.text(bill.memo, field: "bill.memo", max: 3900)
        return bill
    }

    static func validate(_ request: SyncPurchaseOrderRequest) throws(RPCError) -> PurchaseOrder {
        try self.companyID(request.companyID)
        guard let order = request.purchaseOrder else { throw self.invalid("purchase_order", "is required") }
        try self.externalID(order.externalID, field: "purchase_order.external_id")
        try self.externalID(order.vendorExternalID, field: "purchase_order.vendor_external_id")
        try self.text(order.docNumber, field: "purchase_order.doc_number", max: 21)
        try self.dates(order.txnDate, due: order.dueDate, field: "purchase_order")
        let currency = try self.currency(order.currency, field: "purchase_order.currency")
        try self.expenseLines(order.lines, field: "purchase_order.lines", currency: currency)
        try self.text(order.locationCode, field: "purchase_order.location_code", max: 100)
        try self.text(order.memo, field: "purchase_order.memo", max: 4000)
        if case .unrecognized = order.status { throw self.invalid("purchase_order.status", "has a value this server does not know") }
        return order
    }

    static func validate(_ request: SyncExpenseRequest) throws(RPCError) -> Expense {
        try self.companyID(request.companyID)
        guard let expense = request.expense else { throw self.invalid("expense", "is required") }
        try self.externalID(expense.externalID, field: "expense.external_id")
        if !expense.vendorExternalID.isEmpty {
            try self.externalID(expense.vendorExternalID, field: "expense.vendor_external_id")
        }
        try self.date(expense.txnDate, field: "expense.txn_date", required: true)
        let currency = try self.currency(expense.currency, field: "expense.currency")
        if case .unrecognized = expense.paymentType {
            throw self.invalid("expense.payment_type", "has a value this server does not know")
        }
        try self.known(expense.paymentType, field: "expense.payment_type", unspecified: .unspecified, isUnrecognized: false)
        try self.text(expense.paymentAccountCode, field: "expense.payment_account_code", max: 100, required: true)
        try self.text(expense.docNumber, field: "expense.doc_number", max: 21)
        try self.expenseLines(expense.lines, field: "expense.lines", currency: currency)
        try self.text(expense.locationCode, field: "expense.location_code", max: 100)
        try self.text(expense.memo, field: "expense.memo", max: 3900)
        return expense
    }

    static func validate(_ request: SyncBillPaymentRequest) throws(RPCError) -> BillPayment {
        try self.companyID(request.companyID)
        guard let payment = request.billPayment else { throw self.invalid("bill_payment", "is required") }
        try self.externalID(payment.externalID, field: "bill_payment.external_id")
        try self.externalID(payment.vendorExternalID, field: "bill_payment.vendor_external_id")
        try self.date(payment.txnDate, field: "bill_payment.txn_date", required: true)
        _ = try self.currency(payment.currency, field: "bill_payment.currency")
        try self.amount(payment.amountMinor, field: "bill_payment.amount_minor", positive: true)
        if case .unrecognized = payment.method { throw self.invalid("bill_payment.method", "has a value this server does not know") }
        try self.known(payment.method, field: "bill_payment.method", unspecified: .unspecified, isUnrecognized: false)
        try self.text(payment.paymentAccountCode, field: "bill_payment.payment_account_code", max: 100, required: true)
        try self.text(payment.docNumber, field: "bill_payment.doc_number", max: 21)
        try self.text(payment.memo, field: "bill_payment.memo", max: 3900)
        guard !payment.applications.isEmpty else { throw self.invalid("bill_payment.applications", "name at least one bill") }
        guard payment.applications.count <= 500 else { throw self.invalid("bill_payment.applications", "has more than 500 bills") }
        var seen = Set<String>()
        var applied: Int64 = 0
        for (index, application) in payment.applications.enumerated() {
            let field = "bill_payment.applications[\(index)]"
            try self.externalID(application.billExternalID, field: "\(field).bill_external_id")
            guard seen.insert(application.billExternalID).inserted else {
                throw self.invalid("\(field).bill_external_id", "bill \(application.billExternalID) appears twice")
            }
            try self.amount(application.amountMinor, field: "\(field).amount_minor", positive: true)
            applied += application.amountMinor
        }
        // QBO applies a bill payment wholly to bills: there is no unapplied vendor credit.
        guard applied == payment.amountMinor else {
            throw self.invalid("bill_payment.applications", "apply \(applied) minor units; they must add up to the payment's \(payment.amountMinor)")
        }
        return payment
    }

    private static func dates(_ txnDate: String, due: String, field: String) throws(RPCError) {
        try self.date(txnDate, field: "\(field).txn_date", required: true)
        try self.date(due, field: "\(field).due_date", required: false)
        if !due.isEmpty, due < txnDate { throw self.invalid("\(field).due_date", "is before txn_date") }
    }

    /// 1-1000 lines, each an item (quantity x unit_cost = amount) or an
    /// account (an amount), with a positive amount; their total in range.
    private static func expenseLines(_ lines: [ExpenseLine], field: String, currency: Currency) throws(RPCError) {
        guard !lines.isEmpty else { throw self.invalid(field, "needs at least one line") }
        guard lines.count <= 1000 else { throw self.invalid(field, "has more than 1000 lines") }
        var total: Int64 = 0
        for (index, line) in lines.enumerated() {
            let field = "\(field)[\(index)]"
            try self.text(line.description, field: "\(field).description", max: 4000)
            try self.text(line.classCode, field: "\(field).class_code", max: 100)
            if !line.customerExternalID.isEmpty {
                try self.externalID(line.customerExternalID, field: "\(field).customer_external_id")
            }
            try self.amount(line.amountMinor, field: "\(field).amount_minor", positive: true)
            switch line.target {
            case .itemCode(let code)?:
                try self.text(code, field: "\(field).item_code", max: 100, required: true)
                guard let quantity = DecimalText.digits(line.quantity) else {
                    throw self.invalid("\(field).quantity", "\"\(line.quantity)\" is not a decimal number (at most 12 digits, 7 decimals)")
                }
                guard let cost = DecimalText.digits(line.unitCost) else {
                    throw self.invalid("\(field).unit_cost", "\"\(line.unitCost)\" is not a decimal number (at most 12 digits, 7 decimals)")
                }
                let expected = currency.minorUnits(quantity, times: cost)
                guard expected == line.amountMinor else {
                    let product = expected.map { "\($0)" } ?? "out of range"
                    throw self.invalid("\(field).amount_minor", "\(line.amountMinor) is not quantity x unit_cost (\(line.quantity) x \(line.unitCost) = \(product) minor units)")
                }
            case .accountCode(let code)?:
                try self.text(code, field: "\(field).account_code", max: 100, required: true)
                guard line.quantity.isEmpty, line.unitCost.isEmpty else {
                    throw self.invalid("\(field).quantity", "account lines carry an amount only; use item_code for quantity x unit_cost")
                }
            case nil:
                throw self.invalid("\(field).target", "name an item_code or an account_code")
            }
            total += line.amountMinor
            guard total <= self.maxMinorUnits else { throw self.invalid(field, "the lines' total is out of range") }
        }
    }
}
