import Foundation

// Customers, items, accounts, payment methods and terms: QBO's name lists.
extension Ledger {
    func normalizeCustomer(_ draft: JSONObject, id: String) throws(QBOFault) -> JSONObject {
        var customer = draft
        var nameParts: [String] = []
        for key in ["Title", "GivenName", "MiddleName", "FamilyName", "Suffix"] {
            if let part = try text(draft[key], element: key) { nameParts.append(part) }
        }
        // QBO composes the DisplayName from the name parts when none is given.
        guard let displayName = try text(draft["DisplayName"], element: "DisplayName")
            ?? (nameParts.isEmpty ? nil : nameParts.joined(separator: " "))
        else { throw .requiredParameter("DisplayName") }
        try checkUniqueName(displayName, of: .customer, id: id)
        if let email = draft["PrimaryEmailAddr"], email != .null, email.objectValue == nil {
            throw .invalidValue("PrimaryEmailAddr must be an object with an \"Address\";")
        }
        for key in ["DefaultTaxCodeRef"] { _ = try resolve(draft[key], to: .taxCode, element: key) }
        if let method = try resolve(draft["PaymentMethodRef"], to: .paymentMethod, element: "PaymentMethodRef") {
            customer["PaymentMethodRef"] = Self.reference(to: method, of: .paymentMethod)
        }
        customer["DisplayName"] = .string(displayName)
        customer["FullyQualifiedName"] = .string(displayName)
        customer["PrintOnCheckName"] = draft["PrintOnCheckName"] ?? .string(displayName)
        customer["Active"] = .bool(draft["Active"]?.boolValue ?? true)
        customer["Taxable"] = .bool(draft["Taxable"]?.boolValue ?? true)
        customer["Job"] = .bool(draft["Job"]?.boolValue ?? false)
        customer["BillWithParent"] = .bool(draft["BillWithParent"]?.boolValue ?? false)
        let balance = openBalance(ofCustomer: id)
        customer["Balance"] = .number(balance)
        customer["BalanceWithJobs"] = .number(balance)
        customer["CurrencyRef"] = Self.homeCurrency
        customer["PreferredDeliveryMethod"] = draft["PreferredDeliveryMethod"] ?? "Print"
        return customer
    }

    func normalizeNameListEntry(_ kind: EntityKind, _ draft: JSONObject, id: String) throws(QBOFault) -> JSONObject {
        var entry = draft
        guard let name = try text(draft["Name"], element: "Name") else { throw .requiredParameter("Name") }
        try checkUniqueName(name, of: kind, id: id)
        entry["Name"] = .string(name)
        entry["Active"] = .bool(draft["Active"]?.boolValue ?? true)
        switch kind {
        case .item:
            entry["FullyQualifiedName"] = .string(name)
            entry["Taxable"] = .bool(draft["Taxable"]?.boolValue ?? false)
            entry["UnitPrice"] = .number(try decimal(draft["UnitPrice"], element: "UnitPrice") ?? 0)
            try applyItemType(to: &entry, draft)
            let income =
                try resolve(draft["IncomeAccountRef"], to: .account, element: "IncomeAccountRef")
                ?? entity(.account, defaults.salesIncomeAccount)
            if let income { entry["IncomeAccountRef"] = Self.reference(to: income, of: .account) }
            if let expense = try resolve(draft["ExpenseAccountRef"], to: .account, element: "ExpenseAccountRef") {
                entry["ExpenseAccountRef"] = Self.reference(to: expense, of: .account)
            }
            entry["PurchaseCost"] = .number(try decimal(draft["PurchaseCost"], element: "PurchaseCost") ?? 0)
        case .account:
            let type = try text(draft["AccountType"], element: "AccountType") ?? "Bank"
            entry["FullyQualifiedName"] = .string(name)
            entry["SubAccount"] = .bool(draft["SubAccount"]?.boolValue ?? false)
            entry["AccountType"] = .string(type)
            entry["Classification"] = .string(Self.classification(ofAccountType: type))
            entry["CurrentBalance"] = draft["CurrentBalance"] ?? 0
            entry["CurrentBalanceWithSubAccounts"] = draft["CurrentBalanceWithSubAccounts"] ?? 0
            entry["CurrencyRef"] = Self.homeCurrency
        case .paymentMethod:
            entry["Type"] = .string(try text(draft["Type"], element: "Type") ?? "NON_CREDIT_CARD")
        case .term:
            entry["Type"] = .string(try text(draft["Type"], element: "Type") ?? "STANDARD")
            entry["DueDays"] = .number(try decimal(draft["DueDays"], element: "DueDays") ?? 0)
        default:
            break
        }
        return entry
    }

    /// QBO renames a name-list entity it makes inactive: "Jane Doe" becomes "Jane Doe (deleted)",
    /// freeing the name for a new entity; if that is taken too, "Jane Doe (deleted-1)", then
    /// "-2", ... Made active again, it gets its name back when no one else has taken it.
    func renamedOnActivityChange(_ kind: EntityKind, _ body: JSONObject, previous: StoredEntity) -> JSONObject {
        guard let property = kind.uniqueNameProperty, let name = body[property]?.stringValue else { return body }
        let isActive = body["Active"]?.boolValue ?? true
        // A location or class is unique by its full name: "Parent:Name".
        let prefix = Self.parentPrefix(of: body, kind: kind)
        var renamed: String?
        if previous.isActive, !isActive {
            renamed = Self.deletedNames(of: name).first { isNameFree(prefix + $0, of: kind, for: previous.id) }
        } else if !previous.isActive, isActive, let original = Self.nameBeforeDeletion(name),
            isNameFree(prefix + original, of: kind, for: previous.id)
        {
            renamed = original
        }
        guard let renamed else { return body }
        var body = body
        body[property] = .string(renamed)
        if body["FullyQualifiedName"] != nil { body["FullyQualifiedName"] = .string(prefix + renamed) }
        return body
    }

    /// "Parent:" for a sub-location or sub-class, "" otherwise.
    static func parentPrefix(of body: JSONObject, kind: EntityKind) -> String {
        guard kind.uniqueKeyProperty == "FullyQualifiedName", let full = body["FullyQualifiedName"]?.stringValue,
            let colon = full.lastIndex(of: ":")
        else { return "" }
        return String(full[...colon])
    }

    /// "Name (deleted)", "Name (deleted-1)", "Name (deleted-2)", ...
    private static func deletedNames(of name: String) -> some Sequence<String> {
        (0...).lazy.map { $0 == 0 ? "\(name) (deleted)" : "\(name) (deleted-\($0))" }
    }

    /// "Name" for "Name (deleted)" or "Name (deleted-3)"; nil for a name QBO did not rename.
    static func nameBeforeDeletion(_ name: String) -> String? {
        guard name.hasSuffix(")"), let open = name.range(of: " (deleted", options: .backwards) else { return nil }
        let tail = name[open.upperBound..<name.index(before: name.endIndex)]
        guard tail.isEmpty || (tail.hasPrefix("-") && tail.dropFirst().allSatisfy(\.isNumber) && tail.count > 1) else {
            return nil
        }
        return String(name[..<open.lowerBound])
    }

    static func classification(ofAccountType type: String) -> String {
        switch type {
        case "Income", "Other Income": return "Revenue"
        case "Expense", "Other Expense", "Cost of Goods Sold": return "Expense"
        case "Equity": return "Equity"
        case "Accounts Payable", "Credit Card", "Other Current Liability", "Long Term Liability": return "Liability"
        default: return "Asset"
        }
    }
}
