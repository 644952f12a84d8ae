import Foundation

// Item types as QBO creates them, and the "As of" date an inventory item starts on.
extension Ledger {
    /// The item types the API creates: Service, NonInventory, Inventory, and the Group and
    /// Category types QBO lists but the simulator only stores.
    static let itemTypes: Set<String> = ["Service", "NonInventory", "Inventory", "Group", "Category"]

    /// Sets `Type` and what goes with it. An Inventory item needs a plan that tracks
    /// quantities (QBO: "When you create an item, if Track quantity on hand is turned off,
    /// the item cannot be of type Inventory."), an "As of" date (`InvStartDate`), a
    /// `QtyOnHand` and an `AssetAccountRef`; it tracks its quantity and books its cost to
    /// the company's Cost of Goods Sold unless `ExpenseAccountRef` says otherwise.
    func applyItemType(to entry: inout JSONObject, _ draft: JSONObject) throws(QBOFault) {
        let type = try text(draft["Type"], element: "Type") ?? "Service"
        guard Self.itemTypes.contains(type) else { throw .invalidValue("Type=\(type)") }
        entry["Type"] = .string(type)
        guard type == "Inventory" else {
            entry["TrackQtyOnHand"] = .bool(draft["TrackQtyOnHand"]?.boolValue ?? false)
            return
        }
        guard settings.tracksInventory else { throw .inventoryNotTracked() }
        guard let startText = try text(draft["InvStartDate"], element: "InvStartDate") else {
            throw .inventoryStartDateMissing()
        }
        guard QBOTime.epochSeconds(startText) != nil else { throw .invalidValue("InvStartDate=\(startText)") }
        guard let quantity = try decimal(draft["QtyOnHand"], element: "QtyOnHand") else {
            throw .requiredParameter("QtyOnHand")
        }
        let asset = try require(draft["AssetAccountRef"], to: .account, element: "AssetAccountRef")
        entry["AssetAccountRef"] = Self.reference(to: asset, of: .account)
        if draft["ExpenseAccountRef"] == nil || draft["ExpenseAccountRef"] == .null,
            let cogs = entity(.account, defaults.costOfGoodsSoldAccount)
        {
            entry["ExpenseAccountRef"] = Self.reference(to: cogs, of: .account)
        }
        entry["TrackQtyOnHand"] = true
        entry["QtyOnHand"] = .number(quantity)
        entry["InvStartDate"] = .string(startText)
    }

    /// 6270 when `item` is an inventory item whose "As of" date (`InvStartDate`) is after
    /// `txnDate`: QBO refuses a transaction dated before the item's quantity starts.
    func checkInventoryStart(of item: StoredEntity, on txnDate: String) throws(QBOFault) {
        guard item.body["Type"]?.stringValue == "Inventory",
            let start = item.body["InvStartDate"]?.stringValue,
            let startSeconds = QBOTime.epochSeconds(start), let txnSeconds = QBOTime.epochSeconds(txnDate),
            txnSeconds < startSeconds
        else { return }
        throw .inventoryStartDate(
            item: item.body["Name"]?.stringValue ?? item.id, startDate: start, txnDate: txnDate)
    }
}
