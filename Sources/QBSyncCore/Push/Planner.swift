import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

/// Builds the QBO request bodies for a record, resolving every reference
/// (customer, items, accounts, tax codes, invoices) to QBO ids inside the
/// claiming transaction.
enum Planner {
    struct Missing: Error {}

    static func plan(_ row: RecordRow, company: CompanyRow, in transaction: WriteTransaction) throws -> PushPlan {
        let currency = Currency(code: company.homeCurrency) ?? Currency(code: "USD")!
        let lookup = Lookup(companyID: company.companyID, transaction: transaction)
        if !row.qboID.isEmpty, row.syncedHash == row.contentHash, !row.state.voidRequested || row.voidedInQBO,
           !(row.key.entity == .invoice && row.state.forcePush), row.key.entity != .refund || row.state.applicationDone {
            return .verify(entity: RecordView.qboEntity(row), id: row.qboID)
        }
        switch try RecordPayload(row: row) {
        case .customer(let customer):
            return .customer(self.customerPlan(customer, row: row, company: company))
        case .invoice(let invoice):
            return .invoice(try self.invoicePlan(invoice, row: row, currency: currency, lookup: lookup))
        case .payment(let payment):
            return .payment(try self.paymentPlan(payment, row: row, currency: currency, lookup: lookup))
        case .refund(let refund):
            return try self.refundPlan(refund, row: row, currency: currency, lookup: lookup)
        case .vendor(let vendor):
            return .vendor(self.vendorPlan(vendor, row: row))
        case .bill(let bill):
            return .bill(try self.billPlan(bill, row: row, currency: currency, lookup: lookup))
        case .billPayment(let payment):
            return .billPayment(try self.billPaymentPlan(payment, row: row, currency: currency, lookup: lookup))
        case .purchaseOrder(let order):
            return .purchaseOrder(try self.purchaseOrderPlan(order, row: row, currency: currency, lookup: lookup))
        case .expense(let expense):
            return .expense(try self.expensePlan(expense, row: row, currency: currency, lookup: lookup))
        case .item(let item):
            return .item(try self.itemPlan(item, row: row, lookup: lookup))
        }
    }

    struct Lookup {
        let companyID: String
        let transaction: WriteTransaction

        func mapping(_ kind: MappingKind, _ code: String) throws -> Mapping {
            guard let mapping = try self.transaction.mapping(kind, code, companyID: self.companyID) else { throw Missing() }
            return mapping
        }

        func record(_ entity: EntityType, _ externalID: String) throws -> RecordRow {
            guard let row = try self.transaction.record(RecordKey(companyID: self.companyID, entity: entity, externalID: externalID)),
                  !row.qboID.isEmpty || entity == .customer
            else { throw Missing() }
            return row
        }

        func customerID(_ externalID: String) throws -> String {
            let row = try self.record(.customer, externalID)
            guard !row.qboID.isEmpty else { throw Missing() }
            return row.qboID
        }
    }

    static func note(_ text: String, marker: String) -> String {
        let trimmed = String(text.prefix(3900))
        return trimmed.isEmpty ? marker : "\(trimmed)\n\(marker)"
    }

    private static func customerPlan(_ customer: Customer, row: RecordRow, company: CompanyRow) -> CustomerPlan {
        var body = QBO.Customer()
        body.displayName = String(customer.resolvedDisplayName.prefix(100))
        body.givenName = customer.givenName.isEmpty ? nil : String(customer.givenName.prefix(100))
        body.familyName = customer.familyName.isEmpty ? nil : String(customer.familyName.prefix(100))
        body.companyName = customer.companyName.isEmpty ? nil : String(customer.companyName.prefix(100))
        body.primaryEmailAddr = customer.email.isEmpty ? nil : QBO.EmailAddress(address: customer.email)
        body.primaryPhone = customer.phone.isEmpty ? nil : QBO.Phone(freeFormNumber: customer.phone)
        body.notes = self.note(customer.notes, marker: row.key.marker)
        if let address = customer.billingAddress {
            let lines = address.lines.map { Optional($0) } + Array(repeating: nil, count: 5)
            var billing = QBO.Address(
                line1: lines[0], line2: lines[1],
                city: address.city.isEmpty ? nil : address.city,
                countrySubDivisionCode: address.region.isEmpty ? nil : address.region,
                postalCode: address.postalCode.isEmpty ? nil : address.postalCode,
                country: address.country.isEmpty ? nil : address.country
            )
            billing.line3 = lines[2]
            billing.line4 = lines[3]
            billing.line5 = lines[4]
            body.billAddr = billing
        }
        let mode: CustomerPlan.Mode
        if !row.qboID.isEmpty {
            // Linked, and the rental customer changed since (a verify would have
            // been planned otherwise): push the edit. Notes carry qbsync's
            // marker only on customers it created.
            if row.state.linkOutcome != LinkOutcome.created.wireValue { body.notes = nil }
            mode = .update(row.qboID)
        } else if !row.state.requestedQBOID.isEmpty {
            mode = .link(row.state.requestedQBOID)
        } else if row.state.createRequested {
            mode = .create
        } else {
            mode = .match(autoCreate: company.autoCreateCustomers)
        }
        return CustomerPlan(mode: mode, body: body, email: customer.email, fullName: customer.fullName, phone: customer.phone)
    }

    private static func invoicePlan(_ invoice: Invoice, row: RecordRow, currency: Currency, lookup: Lookup) throws -> InvoicePlan {
        if invoice.voided {
            var body = QBO.Invoice()
            if row.qboID.isEmpty {
                // Not known to be in QBO: the push looks it up by DocNumber, or customer and date.
                body.docNumber = invoice.docNumber.isEmpty ? nil : invoice.docNumber
                body.customerRef = QBO.Ref(value: try lookup.customerID(invoice.customerExternalID))
                body.txnDate = invoice.txnDate
            }
            return InvoicePlan(operation: .void, body: body)
        }
        var lines: [QBO.Line] = []
        for line in invoice.lines {
            let amount = currency.decimal(minorUnits: line.amountMinor)
            let description = line.description.isEmpty ? nil : String(line.description.prefix(4000))
            if line.kind == .discount {
                let account = try lookup.mapping(.account, line.discountAccountCode)
                lines.append(QBO.Line(amount: amount, detail: .discount(QBO.DiscountLineDetail(
                    percentBased: false, discountAccountRef: QBO.Ref(value: account.qboID)
                )), description: description))
            } else {
                let item = try lookup.mapping(.item, line.itemCode)
                let taxCode = line.taxCode.isEmpty ? nil : QBO.Ref(value: try lookup.mapping(.taxCode, line.taxCode).qboID)
                let lineClass = line.classCode.isEmpty ? nil : QBO.Ref(value: try lookup.mapping(.class, line.classCode).qboID)
                lines.append(QBO.Line(amount: amount, detail: .salesItem(QBO.SalesItemLineDetail(
                    itemRef: QBO.Ref(value: item.qboID, name: item.qboName.isEmpty ? nil : item.qboName),
                    qty: DecimalText.parse(line.quantity),
                    unitPrice: DecimalText.parse(line.unitRate),
                    taxCodeRef: taxCode,
                    serviceDate: line.serviceDate.isEmpty ? nil : line.serviceDate,
                    classRef: lineClass
                )), description: description))
            }
        }
        var body = QBO.Invoice(
            customerRef: QBO.Ref(value: try lookup.customerID(invoice.customerExternalID)),
            line: lines,
            docNumber: invoice.docNumber.isEmpty ? nil : invoice.docNumber,
            txnDate: invoice.txnDate,
            dueDate: invoice.dueDate.isEmpty ? nil : invoice.dueDate,
            privateNote: self.note(invoice.privateNote, marker: row.key.marker),
            txnTaxDetail: try self.taxDetail(invoice, currency: currency, lookup: lookup)
        )
        body.customerMemo = invoice.customerMemo.isEmpty ? nil : QBO.Ref(value: String(invoice.customerMemo.prefix(1000)))
        body.departmentRef = invoice.locationCode.isEmpty ? nil : QBO.Ref(value: try lookup.mapping(.location, invoice.locationCode).qboID)
        return InvoicePlan(
            operation: row.qboID.isEmpty ? .create : .update,
            body: body,
            expectedTotal: currency.decimal(minorUnits: invoice.totalMinor),
            expectedTax: currency.decimal(minorUnits: invoice.taxMinor)
        )
    }

    /// The rental system's tax: its total, with the invoice's tax code when
    /// it has one (QuickBooks on automated sales tax keeps a sent total only
    /// together with the code).
    private static func taxDetail(_ invoice: Invoice, currency: Currency, lookup: Lookup) throws -> QBO.TxnTaxDetail? {
        guard invoice.taxMinor != 0 || !invoice.taxCode.isEmpty else { return nil }
        let code = invoice.taxCode.isEmpty ? nil : QBO.Ref(value: try lookup.mapping(.taxCode, invoice.taxCode).qboID)
        return QBO.TxnTaxDetail(txnTaxCodeRef: code, totalTax: currency.decimal(minorUnits: invoice.taxMinor))
    }

    private static func paymentPlan(_ payment: Payment, row: RecordRow, currency: Currency, lookup: Lookup) throws -> PaymentPlan {
        if row.state.voidRequested {
            var body = QBO.Payment()
            if row.qboID.isEmpty {
                // Not known to be in QBO: the push looks it up by customer, date and marker.
                body.customerRef = QBO.Ref(value: try lookup.customerID(payment.customerExternalID))
                body.txnDate = payment.txnDate
            }
            return PaymentPlan(operation: .void, body: body, invoiceIDs: [])
        }
        let method = try lookup.mapping(.paymentMethod, payment.methodCode)
        var applications: [PaymentPlan.Application] = []
        for application in payment.applications {
            let invoice = try lookup.record(.invoice, application.invoiceExternalID)
            applications.append(PaymentPlan.Application(
                invoiceExternalID: application.invoiceExternalID,
                qboInvoiceID: invoice.qboID,
                docNumber: invoice.docNumber,
                amount: currency.decimal(minorUnits: application.amountMinor)
            ))
        }
        let appliedMinor = payment.applications.reduce(Int64(0)) { $0 + $1.amountMinor }
        var body = QBO.Payment()
        body.customerRef = QBO.Ref(value: try lookup.customerID(payment.customerExternalID))
        body.totalAmt = currency.decimal(minorUnits: payment.amountMinor)
        body.txnDate = payment.txnDate
        body.depositToAccountRef = QBO.Ref(value: method.qboID)
        body.paymentMethodRef = method.qboPaymentMethodID.isEmpty ? nil : QBO.Ref(value: method.qboPaymentMethodID)
        body.paymentRefNum = payment.reference.isEmpty ? nil : String(payment.reference.prefix(21))
        body.privateNote = self.note(payment.memo, marker: row.key.marker)
        // What the rental system asked for; the pusher applies what QBO's
        // open balances allow (see Pusher.applicable).
        body.line = applications.map { QBO.Payment.Line(amount: $0.amount, linkedTxn: [QBO.LinkedTxn(txnId: $0.qboInvoiceID, txnType: "Invoice")]) }
        return PaymentPlan(
            operation: row.qboID.isEmpty ? .create : .update,
            body: body,
            invoiceIDs: applications.map(\.qboInvoiceID),
            applications: applications,
            unappliedRemainder: currency.decimal(minorUnits: payment.amountMinor - appliedMinor)
        )
    }

    private static func refundPlan(_ refund: Refund, row: RecordRow, currency: Currency, lookup: Lookup) throws -> PushPlan {
        let amount = currency.decimal(minorUnits: refund.amountMinor)
        let note = self.note(refund.reason, marker: row.key.marker)
        switch refund.target {
        case .invoiceExternalID(let invoiceID)?:
            let invoice = try lookup.record(.invoice, invoiceID)
            guard case .invoice(let paid) = try RecordPayload(row: invoice),
                  let itemCode = try Dependencies.refundItemCode(refund, companyID: lookup.companyID, in: lookup.transaction)
            else { throw Missing() }
            let item = try lookup.mapping(.item, itemCode)
            let customerID = try lookup.customerID(paid.customerExternalID)
            let line = QBO.Line(amount: amount, detail: .salesItem(QBO.SalesItemLineDetail(
                itemRef: QBO.Ref(value: item.qboID), qty: 1, unitPrice: amount
            )), description: refund.reason.isEmpty ? "Refund of invoice \(paid.docNumber.isEmpty ? invoiceID : paid.docNumber)" : refund.reason)
            let body = QBO.CreditMemo(customerRef: QBO.Ref(value: customerID), line: [line], txnDate: refund.txnDate, privateNote: note)
            return .creditMemo(CreditMemoPlan(body: body, invoiceID: invoice.qboID, customerID: customerID, amount: amount, txnDate: refund.txnDate))
        case .paymentExternalID(let paymentID)?:
            let payment = try lookup.record(.payment, paymentID)
            guard case .payment(let paid) = try RecordPayload(row: payment) else { throw Missing() }
            let item = try lookup.mapping(.item, refund.itemCode)
            let account: String
            if !refund.refundAccountCode.isEmpty {
                account = try lookup.mapping(.account, refund.refundAccountCode).qboID
            } else {
                account = try lookup.mapping(.paymentMethod, paid.methodCode).qboID
            }
            let line = QBO.Line(amount: amount, detail: .salesItem(QBO.SalesItemLineDetail(
                itemRef: QBO.Ref(value: item.qboID), qty: 1, unitPrice: amount
            )), description: refund.reason.isEmpty ? "Refund of payment \(paymentID)" : refund.reason)
            var body = QBO.RefundReceipt()
            body.customerRef = QBO.Ref(value: try lookup.customerID(paid.customerExternalID))
            body.line = [line]
            body.txnDate = refund.txnDate
            body.privateNote = note
            body.depositToAccountRef = QBO.Ref(value: account)
            return .refundReceipt(RefundReceiptPlan(body: body))
        case nil:
            throw Missing()
        }
    }
}
