import Foundation

extension QBO {
    /// A product or service: sold on sales lines (`SalesItemLineDetail.ItemRef`) and
    /// bought on expense lines (`ItemBasedExpenseLineDetail.ItemRef`). Inventory items
    /// (``type`` `"Inventory"`) need ``trackQtyOnHand``, ``qtyOnHand``, ``invStartDate``
    /// and the income, expense (cost of goods sold) and asset accounts.
    public struct Item: QBOEntity, Hashable {
        /// `"Item"`.
        public static let entityName = "Item"

        /// QBO's Id.
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Always `"QBO"` in responses.
        public var domain: String?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The item's name, unique among items.
        public var name: String?
        /// Stock-keeping unit.
        public var sku: String?
        /// Sales description.
        public var description: String?
        /// Purchase description.
        public var purchaseDesc: String?
        /// Whether the item is active.
        public var active: Bool?
        /// Name including parents, read-only.
        public var fullyQualifiedName: String?
        /// Whether the item is taxable.
        public var taxable: Bool?
        /// Default sales price.
        public var unitPrice: Decimal?
        /// `"Service"`, `"NonInventory"`, `"Inventory"`, `"Category"`, ...
        public var type: String?
        /// Income account credited when the item is sold.
        public var incomeAccountRef: Ref?
        /// Expense account, for purchases (cost of goods sold for inventory items).
        public var expenseAccountRef: Ref?
        /// Asset account, for inventory items.
        public var assetAccountRef: Ref?
        /// Purchase cost.
        public var purchaseCost: Decimal?
        /// Whether quantities are tracked (inventory items).
        public var trackQtyOnHand: Bool?
        /// Quantity on hand, for inventory items.
        public var qtyOnHand: Decimal?
        /// The date ``qtyOnHand`` was counted, `yyyy-MM-dd`; required for inventory items.
        public var invStartDate: String?
        /// Quantity at which to reorder.
        public var reorderPoint: Decimal?
        /// The preferred vendor to buy from.
        public var prefVendorRef: Ref?
        /// Whether the item has a parent item or category.
        public var subItem: Bool?
        /// The parent item or category.
        public var parentRef: Ref?
        /// Default sales tax code, where items carry one.
        public var salesTaxCodeRef: Ref?

        /// Creates an item.
        /// - Parameters:
        ///   - name: The item's name.
        ///   - type: `"Service"`, `"NonInventory"`, ...
        ///   - incomeAccountRef: Income account.
        ///   - unitPrice: Default price.
        public init(name: String? = nil, type: String? = nil, incomeAccountRef: Ref? = nil, unitPrice: Decimal? = nil) {
            self.name = name
            self.type = type
            self.incomeAccountRef = incomeAccountRef
            self.unitPrice = unitPrice
        }

        /// An inventory item with its quantity tracked from `invStartDate`.
        /// - Parameters:
        ///   - name: The item's name.
        ///   - incomeAccountRef: Income account credited on sales.
        ///   - expenseAccountRef: Cost of goods sold account.
        ///   - assetAccountRef: Inventory asset account.
        ///   - qtyOnHand: The starting quantity.
        ///   - invStartDate: The day that quantity was counted, `yyyy-MM-dd`.
        ///   - unitPrice: Default sales price.
        ///   - purchaseCost: Default purchase cost.
        public static func inventory(
            name: String, incomeAccountRef: Ref, expenseAccountRef: Ref, assetAccountRef: Ref,
            qtyOnHand: Decimal, invStartDate: String, unitPrice: Decimal? = nil, purchaseCost: Decimal? = nil
        ) -> Item {
            var item = Item(name: name, type: "Inventory", incomeAccountRef: incomeAccountRef, unitPrice: unitPrice)
            item.expenseAccountRef = expenseAccountRef
            item.assetAccountRef = assetAccountRef
            item.trackQtyOnHand = true
            item.qtyOnHand = qtyOnHand
            item.invStartDate = invStartDate
            item.purchaseCost = purchaseCost
            return item
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, metaData = "MetaData"
            case name = "Name", sku = "Sku", description = "Description", active = "Active"
            case fullyQualifiedName = "FullyQualifiedName", taxable = "Taxable", unitPrice = "UnitPrice"
            case type = "Type", incomeAccountRef = "IncomeAccountRef", expenseAccountRef = "ExpenseAccountRef"
            case assetAccountRef = "AssetAccountRef", purchaseCost = "PurchaseCost"
            case trackQtyOnHand = "TrackQtyOnHand", qtyOnHand = "QtyOnHand", invStartDate = "InvStartDate"
            case purchaseDesc = "PurchaseDesc", reorderPoint = "ReorderPoint", prefVendorRef = "PrefVendorRef"
            case subItem = "SubItem", parentRef = "ParentRef", salesTaxCodeRef = "SalesTaxCodeRef"
        }
    }

    /// A ledger account: income, bank, Undeposited Funds, discounts.
    public struct Account: QBOEntity, Hashable {
        /// `"Account"`.
        public static let entityName = "Account"

        /// QBO's Id.
        public var id: String?
        /// The record's version.
        public var syncToken: String?
        /// Sparse-update flag.
        public var sparse: Bool?
        /// Always `"QBO"` in responses.
        public var domain: String?
        /// Creation and change times.
        public var metaData: MetaData?
        /// The account's name.
        public var name: String?
        /// Whether the account has a parent.
        public var subAccount: Bool?
        /// The parent account.
        public var parentRef: Ref?
        /// Name including parents, read-only.
        public var fullyQualifiedName: String?
        /// Whether the account is active.
        public var active: Bool?
        /// `"Asset"`, `"Liability"`, `"Equity"`, `"Revenue"`, `"Expense"`.
        public var classification: String?
        /// `"Bank"`, `"Income"`, `"Other Current Asset"`, ...
        public var accountType: String?
        /// The detail type, e.g. `"CashOnHand"`, `"UndepositedFunds"`.
        public var accountSubType: String?
        /// The user's account number.
        public var acctNum: String?
        /// Balance, read-only.
        public var currentBalance: Decimal?
        /// Balance including sub-accounts, read-only.
        public var currentBalanceWithSubAccounts: Decimal?
        /// Currency.
        public var currencyRef: Ref?
        /// Description.
        public var description: String?

        /// Creates an account.
        /// - Parameters:
        ///   - name: The account's name.
        ///   - accountType: Its type, e.g. `"Bank"`.
        ///   - accountSubType: Its detail type.
        public init(name: String? = nil, accountType: String? = nil, accountSubType: String? = nil) {
            self.name = name
            self.accountType = accountType
            self.accountSubType = accountSubType
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", syncToken = "SyncToken", sparse, domain, metaData = "MetaData"
            case name = "Name", subAccount = "SubAccount", parentRef = "ParentRef"
            case fullyQualifiedName = "FullyQualifiedName", active = "Active", classification = "Classification"
            case accountType = "AccountType", accountSubType = "AccountSubType", acctNum = "AcctNum"
            case currentBalance = "CurrentBalance", currentBalanceWithSubAccounts = "CurrentBalanceWithSubAccounts"
            case currencyRef = "CurrencyRef", description = "Description"
        }
    }
}
