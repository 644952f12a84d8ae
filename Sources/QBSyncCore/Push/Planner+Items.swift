import Foundation
import QBOClient
import QBSyncStore
import QBSyncWire

extension Planner {
    /// An item's QBO body. An update leaves the opening quantity and its date
    /// alone: QBO changes quantities through transactions after the create.
    static func itemPlan(_ item: Item, row: RecordRow, lookup: Lookup) throws -> ItemPlan {
        let type = switch item.type {
        case .inventory: "Inventory"
        case .nonInventory: "NonInventory"
        default: "Service"
        }
        var body = QBO.Item(
            name: item.name,
            type: type,
            incomeAccountRef: QBO.Ref(value: try lookup.mapping(.account, item.incomeAccountCode).qboID),
            unitPrice: item.unitPrice.isEmpty ? nil : DecimalText.parse(item.unitPrice)
        )
        body.description = item.description.isEmpty ? nil : String(item.description.prefix(4000))
        body.sku = item.sku.isEmpty ? nil : item.sku
        body.purchaseCost = item.purchaseCost.isEmpty ? nil : DecimalText.parse(item.purchaseCost)
        body.purchaseDesc = item.purchaseDescription.isEmpty ? nil : String(item.purchaseDescription.prefix(4000))
        body.taxable = item.taxable
        body.active = !item.inactive
        if !item.expenseAccountCode.isEmpty {
            body.expenseAccountRef = QBO.Ref(value: try lookup.mapping(.account, item.expenseAccountCode).qboID)
        }
        let inventory = item.type == .inventory
        if inventory {
            body.assetAccountRef = QBO.Ref(value: try lookup.mapping(.account, item.assetAccountCode).qboID)
            body.trackQtyOnHand = true
        }
        if !row.qboID.isEmpty {
            return ItemPlan(mode: .update(row.qboID), body: body, inventory: inventory)
        }
        // A code already mapped by hand names the QBO item to take over.
        if let mapped = try lookup.transaction.mapping(.item, item.externalID, companyID: lookup.companyID) {
            return ItemPlan(mode: .update(mapped.qboID), body: body, inventory: inventory)
        }
        if inventory {
            body.qtyOnHand = DecimalText.parse(item.quantityOnHand)
            body.invStartDate = item.inventoryStartDate
        }
        return ItemPlan(mode: .create, body: body, inventory: inventory)
    }
}
