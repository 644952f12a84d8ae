import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

/// Plans of payables and spending: vendors, bills, bill payments, purchase
/// orders, expenses; every reference resolved to a QBO id.
extension Planner {
    static func vendorPlan(_ vendor: Vendor, row: RecordRow) -> VendorPlan {
        var body = QBO.Vendor(
            displayName: String(vendor.resolvedDisplayName.prefix(100)),
            givenName: vendor.givenName.isEmpty ? nil : String(vendor.givenName.prefix(100)),
            familyName: vendor.familyName.isEmpty ? nil : String(vendor.familyName.prefix(100)),
            companyName: vendor.companyName.isEmpty ? nil : String(vendor.companyName.prefix(100)),
            primaryEmailAddr: vendor.email.isEmpty ? nil : QBO.EmailAddress(address: vendor.email),
            primaryPhone: vendor.phone.isEmpty ? nil : QBO.Phone(freeFormNumber: vendor.phone),
            acctNum: vendor.accountNumber.isEmpty ? nil : String(vendor.accountNumber.prefix(100)),
            vendor1099: vendor.is1099
        )
        if let address = vendor.billingAddress { body.billAddr = self.address(address) }
        let mode: VendorPlan.Mode
        if !row.qboID.isEmpty {
            mode = .update(row.qboID)
        } else if !row.state.requestedQBOID.isEmpty {
            mode = .link(row.state.requestedQBOID)
        } else if row.state.createRequested {
            mode = .create
        } else {
            mode = .match
        }
        return VendorPlan(mode: mode, body: body, email: vendor.email)
    }

    static func address(_ address: Address) -> QBO.Address {
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
        return billing
    }

    /// Expense lines: by item (quantity x cost) or by account, with class and billable customer.
    static func expenseLines(_ lines: [ExpenseLine], currency: Currency, lookup: Lookup) throws -> [QBO.Line] {
        try lines.map { line in
            let amount = currency.decimal(minorUnits: line.amountMinor)
            let description = line.description.isEmpty ? nil : String(line.description.prefix(4000))
            let lineClass = line.classCode.isEmpty ? nil : QBO.Ref(value: try lookup.mapping(.class, line.classCode).qboID)
            let customer = line.customerExternalID.isEmpty ? nil : QBO.Ref(value: try lookup.customerID(line.customerExternalID))
            let billable = customer == nil ? nil : "Billable"
            switch line.target {
            case .itemCode(let code)?:
                let item = try lookup.mapping(.item, code)
                return QBO.Line(amount: amount, detail: .itemBasedExpense(QBO.ItemBasedExpenseLineDetail(
                    itemRef: QBO.Ref(value: item.qboID), qty: DecimalText.parse(line.quantity), unitPrice: DecimalText.parse(line.unitCost),
                    customerRef: customer, classRef: lineClass, billableStatus: billable
                )), description: description)
            case .accountCode(let code)?:
                let account = try lookup.mapping(.account, code)
                return QBO.Line(amount: amount, detail: .accountBasedExpense(QBO.AccountBasedExpenseLineDetail(
                    accountRef: QBO.Ref(value: account.qboID), classRef: lineClass, customerRef: customer, billableStatus: billable
                )), description: description)
            case nil:
                throw Missing()
            }
        }
    }

    static func billPlan(_ bill: Bill, row: RecordRow, currency: Currency, lookup: Lookup) throws -> DocumentPlan<QBO.Bill> {
        if bill.cancelled {
            return self.deletion(QBO.Bill(txnDate: bill.txnDate, privateNote: nil), find: ("VendorRef", try? lookup.vendorID(bill.vendorExternalID)), docNumber: bill.docNumber)
        }
        let vendorID = try lookup.vendorID(bill.vendorExternalID)
        var body = QBO.Bill(
            vendorRef: QBO.Ref(value: vendorID),
            line: try self.expenseLines(bill.lines, currency: currency, lookup: lookup),
            txnDate: bill.txnDate,
            dueDate: bill.dueDate.isEmpty ? nil : bill.dueDate,
            docNumber: bill.docNumber.isEmpty ? nil : String(bill.docNumber.prefix(21)),
            apAccountRef: bill.apAccountCode.isEmpty ? nil : QBO.Ref(value: try lookup.mapping(.account, bill.apAccountCode).qboID),
            privateNote: self.note(bill.memo, marker: row.key.marker)
        )
        body.departmentRef = bill.locationCode.isEmpty ? nil : QBO.Ref(value: try lookup.mapping(.location, bill.locationCode).qboID)
        return DocumentPlan(operation: row.qboID.isEmpty ? .create : .update, body: body, findField: "VendorRef", findValue: vendorID)
    }

    static func purchaseOrderPlan(_ order: PurchaseOrder, row: RecordRow, currency: Currency, lookup: Lookup) throws -> DocumentPlan<QBO.PurchaseOrder> {
        if order.status == .cancelled {
            return self.deletion(QBO.PurchaseOrder(txnDate: order.txnDate), find: ("VendorRef", try? lookup.vendorID(order.vendorExternalID)), docNumber: order.docNumber)
        }
        let vendorID = try lookup.vendorID(order.vendorExternalID)
        var body = QBO.PurchaseOrder(
            vendorRef: QBO.Ref(value: vendorID),
            line: try self.expenseLines(order.lines, currency: currency, lookup: lookup),
            txnDate: order.txnDate,
            docNumber: order.docNumber.isEmpty ? nil : String(order.docNumber.prefix(21)),
            memo: order.memo.isEmpty ? nil : String(order.memo.prefix(4000)),
            privateNote: self.note("", marker: row.key.marker)
        )
        body.dueDate = order.dueDate.isEmpty ? nil : order.dueDate
        body.poStatus = order.status == .received ? "Closed" : "Open"
        body.departmentRef = order.locationCode.isEmpty ? nil : QBO.Ref(value: try lookup.mapping(.location, order.locationCode).qboID)
        return DocumentPlan(operation: row.qboID.isEmpty ? .create : .update, body: body, findField: "VendorRef", findValue: vendorID)
    }

    static func expensePlan(_ expense: Expense, row: RecordRow, currency: Currency, lookup: Lookup) throws -> DocumentPlan<QBO.Purchase> {
        if expense.voided {
            let account = try? lookup.mapping(.account, expense.paymentAccountCode).qboID
            return self.deletion(QBO.Purchase(txnDate: expense.txnDate), find: ("AccountRef", account), docNumber: expense.docNumber)
        }
        let account = try lookup.mapping(.account, expense.paymentAccountCode)
        let paymentType = switch expense.paymentType {
        case .cash: "Cash"
        case .check: "Check"
        default: "CreditCard"
        }
        var payee: QBO.Ref?
        if !expense.vendorExternalID.isEmpty {
            payee = QBO.Ref(value: try lookup.vendorID(expense.vendorExternalID), type: "Vendor")
        }
        var body = QBO.Purchase(
            paymentType: paymentType,
            accountRef: QBO.Ref(value: account.qboID),
            entityRef: payee,
            line: try self.expenseLines(expense.lines, currency: currency, lookup: lookup),
            txnDate: expense.txnDate,
            docNumber: expense.docNumber.isEmpty ? nil : String(expense.docNumber.prefix(21)),
            privateNote: self.note(expense.memo, marker: row.key.marker)
        )
        body.departmentRef = expense.locationCode.isEmpty ? nil : QBO.Ref(value: try lookup.mapping(.location, expense.locationCode).qboID)
        return DocumentPlan(operation: row.qboID.isEmpty ? .create : .update, body: body, findField: "AccountRef", findValue: account.qboID)
    }

    /// A withdrawn document is deleted by its QBO id. One whose create's
    /// outcome is unknown is looked up the way its create would be (by
    /// vendor or payment account, and date), else by its number.
    private static func deletion<Document>(_ body: Document, find: (field: String, value: String?), docNumber: String) -> DocumentPlan<Document> {
        if let value = find.value, !value.isEmpty {
            return DocumentPlan(operation: .delete, body: body, findField: find.field, findValue: value)
        }
        return DocumentPlan(operation: .delete, body: body, findField: "DocNumber", findValue: docNumber)
    }

    static func billPaymentPlan(_ payment: BillPayment, row: RecordRow, currency: Currency, lookup: Lookup) throws -> BillPaymentPlan {
        if payment.voided {
            var body = QBO.BillPayment()
            if row.qboID.isEmpty {
                // Not known to be in QBO: the push looks it up by vendor, date and marker.
                body.vendorRef = QBO.Ref(value: try lookup.vendorID(payment.vendorExternalID))
                body.txnDate = payment.txnDate
            }
            return BillPaymentPlan(operation: .void, body: body)
        }
        let account = try lookup.mapping(.account, payment.paymentAccountCode)
        let lines = try payment.applications.map { application in
            let bill = try lookup.record(.bill, application.billExternalID)
            return QBO.BillPayment.Line(amount: currency.decimal(minorUnits: application.amountMinor),
                                        linkedTxn: [QBO.LinkedTxn(txnId: bill.qboID, txnType: "Bill")])
        }
        let creditCard = payment.method == .creditCard
        let body = QBO.BillPayment(
            vendorRef: QBO.Ref(value: try lookup.vendorID(payment.vendorExternalID)),
            totalAmt: currency.decimal(minorUnits: payment.amountMinor),
            payType: creditCard ? "CreditCard" : "Check",
            checkPayment: creditCard ? nil : QBO.BillPayment.CheckPayment(bankAccountRef: QBO.Ref(value: account.qboID)),
            creditCardPayment: creditCard ? QBO.BillPayment.CreditCardPayment(ccAccountRef: QBO.Ref(value: account.qboID)) : nil,
            line: lines,
            txnDate: payment.txnDate,
            docNumber: payment.docNumber.isEmpty ? nil : String(payment.docNumber.prefix(21)),
            privateNote: self.note(payment.memo, marker: row.key.marker)
        )
        return BillPaymentPlan(operation: .create, body: body)
    }
}

extension Planner.Lookup {
    func vendorID(_ externalID: String) throws -> String {
        guard let row = try self.transaction.record(RecordKey(companyID: self.companyID, entity: .vendor, externalID: externalID)),
              !row.qboID.isEmpty
        else { throw Planner.Missing() }
        return row.qboID
    }
}

extension Vendor {
    /// The name QBO shows: display name, else company name, else "given family".
    public var resolvedDisplayName: String {
        if !self.displayName.isEmpty { return self.displayName }
        if !self.companyName.isEmpty { return self.companyName }
        return [self.givenName, self.familyName].filter { !$0.isEmpty }.joined(separator: " ")
    }
}
