import Foundation

// Vendors, locations (QBO's Department), classes: the name lists of the purchasing side and
// of location and class tracking.
extension Ledger {
    /// A vendor as QBO keeps it: a `DisplayName` (given, or composed from the name parts)
    /// that no customer or other vendor holds (6240, ignoring case), and the open balance of
    /// its bills.
    func normalizeVendor(_ draft: JSONObject, id: String) throws(QBOFault) -> JSONObject {
        var vendor = draft
        var nameParts: [String] = []
        for key in ["Title", "GivenName", "MiddleName", "FamilyName", "Suffix"] {
            if let part = try text(draft[key], element: key) { nameParts.append(part) }
        }
        guard let displayName = try text(draft["DisplayName"], element: "DisplayName")
            ?? (nameParts.isEmpty ? nil : nameParts.joined(separator: " "))
        else { throw .requiredParameter("DisplayName") }
        try checkUniqueName(displayName, of: .vendor, id: id)
        for key in ["PrimaryEmailAddr", "PrimaryPhone", "BillAddr"] {
            if let value = draft[key], value != .null, value.objectValue == nil {
                throw .invalidValue("\(key) must be an object;")
            }
        }
        if let term = try resolveExisting(draft["TermRef"], to: .term, element: "TermRef") {
            vendor["TermRef"] = Self.reference(to: term, of: .term)
        }
        vendor["DisplayName"] = .string(displayName)
        vendor["PrintOnCheckName"] = draft["PrintOnCheckName"] ?? .string(displayName)
        vendor["Active"] = .bool(draft["Active"]?.boolValue ?? true)
        vendor["Vendor1099"] = .bool(draft["Vendor1099"]?.boolValue ?? false)
        vendor["Balance"] = .number(openBalance(ofVendor: id))
        vendor["CurrencyRef"] = Self.homeCurrency
        return vendor
    }

    /// A location or class: a `Name` unique among its siblings (6240 on the full name,
    /// `Parent:Name`), an active parent when it is a sub-location or sub-class
    /// (`SubDepartment` / `SubClass` with `ParentRef`; 2500 unknown, 610 inactive).
    func normalizeTrackingEntry(_ kind: EntityKind, _ draft: JSONObject, id: String) throws(QBOFault) -> JSONObject {
        var entry = draft
        guard let name = try text(draft["Name"], element: "Name") else { throw .requiredParameter("Name") }
        guard !name.contains(":") else { throw .invalidValue("Name=\(name) (a name cannot contain ':')") }
        let subFlag = kind == .department ? "SubDepartment" : "SubClass"
        var fullName = name
        if let parent = try resolveExisting(draft["ParentRef"], to: kind, element: "ParentRef") {
            guard parent.id != id else { throw .invalidValue("ParentRef=\(id) (an entry cannot be its own parent)") }
            fullName = (parent.body["FullyQualifiedName"]?.stringValue ?? "") + ":" + name
            entry["ParentRef"] = ["value": .string(parent.id)]
            entry[subFlag] = true
        } else {
            entry["ParentRef"] = nil
            entry[subFlag] = false
        }
        try checkUniqueName(fullName, of: kind, id: id)
        entry["Name"] = .string(name)
        entry["FullyQualifiedName"] = .string(fullName)
        entry["Active"] = .bool(draft["Active"]?.boolValue ?? true)
        return entry
    }

    /// What the company owes a vendor: the open balances of its bills.
    func openBalance(ofVendor vendorID: String) -> Decimal {
        vendorBalances[vendorID] ?? 0
    }

    /// A transaction's `DepartmentRef` (a location) and top-level `ClassRef`, resolved: an
    /// unknown one is 2500, an inactive one 610. QBO takes a location per transaction and a
    /// class per line (and, on sales forms, per transaction too).
    func resolveTracking(_ draft: JSONObject, into document: inout JSONObject) throws(QBOFault) {
        if let location = try resolveExisting(draft["DepartmentRef"], to: .department, element: "DepartmentRef") {
            document["DepartmentRef"] = Self.reference(to: location, of: .department)
        }
        if let trackingClass = try resolveExisting(draft["ClassRef"], to: .trackingClass, element: "ClassRef") {
            document["ClassRef"] = Self.reference(to: trackingClass, of: .trackingClass)
        }
    }

    /// A line detail's `ClassRef` resolved in place.
    func resolveLineClass(_ detail: inout JSONObject, element: String) throws(QBOFault) {
        if let trackingClass = try resolveExisting(detail["ClassRef"], to: .trackingClass, element: element) {
            detail["ClassRef"] = Self.reference(to: trackingClass, of: .trackingClass)
        }
    }
}
