import QBSyncCore
import QBSyncWire

extension FieldRules {
    static func validate(_ request: SyncItemRequest) throws(RPCError) -> Item {
        try self.companyID(request.companyID)
        guard let item = request.item else { throw self.invalid("item", "is required") }
        // The external id is also the item code records name (mapping codes are at most 100).
        try self.text(item.externalID, field: "item.external_id", max: 100, required: true)
        try self.text(item.name, field: "item.name", max: 100, required: true)
        guard !item.name.contains(":"), !item.name.contains("\t"), !item.name.contains("\n") else {
            throw self.invalid("item.name", "may not contain ':', tabs or line breaks (QuickBooks uses ':' for sub-items)")
        }
        if case .unrecognized = item.type { throw self.invalid("item.type", "has a value this server does not know") }
        try self.known(item.type, field: "item.type", unspecified: .unspecified, isUnrecognized: false)
        try self.text(item.description, field: "item.description", max: 4000)
        try self.text(item.purchaseDescription, field: "item.purchase_description", max: 4000)
        try self.text(item.sku, field: "item.sku", max: 100)
        try self.price(item.unitPrice, field: "item.unit_price")
        try self.price(item.purchaseCost, field: "item.purchase_cost")
        try self.text(item.incomeAccountCode, field: "item.income_account_code", max: 100, required: true)
        try self.text(item.expenseAccountCode, field: "item.expense_account_code", max: 100,
                      required: item.type == .nonInventory && !item.purchaseCost.isEmpty)
        if item.type == .inventory {
            try self.text(item.assetAccountCode, field: "item.asset_account_code", max: 100, required: true)
            guard let quantity = DecimalText.digits(item.quantityOnHand), !quantity.negative else {
                throw self.invalid("item.quantity_on_hand", "\"\(item.quantityOnHand)\" is not a quantity (a decimal >= 0, at most 12 digits, 7 decimals); required for inventory")
            }
            try self.date(item.inventoryStartDate, field: "item.inventory_start_date", required: true)
        } else {
            for (value, field) in [(item.assetAccountCode, "asset_account_code"), (item.quantityOnHand, "quantity_on_hand"), (item.inventoryStartDate, "inventory_start_date")]
            where !value.isEmpty {
                throw self.invalid("item.\(field)", "is only for ITEM_TYPE_INVENTORY items")
            }
        }
        return item
    }

    /// An optional price: a decimal >= 0.
    private static func price(_ value: String, field: String) throws(RPCError) {
        guard !value.isEmpty else { return }
        guard let digits = DecimalText.digits(value), !digits.negative else {
            throw self.invalid(field, "\"\(value)\" is not a price (a decimal >= 0 in major units, at most 12 digits, 7 decimals)")
        }
    }
}
