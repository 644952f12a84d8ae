import Foundation

extension EntityKind {
    /// The member a name list is listed by when a query has no `ORDERBY`; nil for
    /// transactions, which are listed by `MetaData.LastUpdatedTime`, and for the company's
    /// single Preferences and CompanyInfo.
    var listingName: String? {
        switch self {
        case .customer, .vendor: return "DisplayName"
        case .item, .account, .paymentMethod, .taxCode, .taxRate, .term: return "Name"
        case .department, .trackingClass: return "FullyQualifiedName"
        case .invoice, .payment, .creditMemo, .refundReceipt, .bill, .billPayment, .purchaseOrder, .purchase,
            .preferences, .companyInfo:
            return nil
        }
    }
}

extension EntityQuery {
    /// The order QBO answers in when a query says none: transactions newest-updated first
    /// (`MetaData.LastUpdatedTime` descending, the newer Id first within a second), name
    /// lists alphabetically by name, ignoring case. An `ORDERBY` sorts on top of it, so its
    /// ties keep this order.
    static func inDefaultOrder(_ rows: [JSONObject], of entity: EntityKind) -> [JSONObject] {
        guard let nameProperty = entity.listingName else {
            let keyed = rows.map { row in
                (time: QBOTime.epochSeconds(row["MetaData"]?["LastUpdatedTime"]?.stringValue ?? "") ?? 0,
                 id: Int(row["Id"]?.stringValue ?? "") ?? 0, row: row)
            }
            return keyed.sorted { $0.time != $1.time ? $0.time > $1.time : $0.id > $1.id }.map(\.row)
        }
        let keyed = rows.map { row in
            (name: (row[nameProperty]?.stringValue ?? "").lowercased(), id: row["Id"]?.stringValue ?? "", row: row)
        }
        return keyed.sorted { left, right in
            if left.name != right.name { return left.name < right.name }
            return compareText(left.id, right.id, property: "Id") == .orderedAscending
        }.map(\.row)
    }
}
