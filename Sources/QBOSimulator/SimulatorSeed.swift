/// The Ids every new realm is seeded with (see docs/simulator.md, "A new realm"), so tests
/// can name what they refer to. Resetting a realm seeds the same Ids again.
public enum SimulatorSeed {
    /// Seeded accounts.
    public enum Account {
        /// "Undeposited Funds", Other Current Asset: where payments go by default.
        public static let undepositedFunds = "1"
        /// "Checking", Bank: refunds, checks, cash purchases.
        public static let checking = "2"
        /// "Rental Income", Income.
        public static let rentalIncome = "3"
        /// "Sales of Product Income", Income: the default item income account.
        public static let salesOfProductIncome = "4"
        /// "Discounts given", Income: the default discount account.
        public static let discountsGiven = "5"
        /// "Accounts Payable (A/P)", Accounts Payable: bills' default `APAccountRef`.
        public static let accountsPayable = "6"
        /// "Mastercard", Credit Card.
        public static let mastercard = "7"
        /// "Cost of Goods Sold": inventory items' default `ExpenseAccountRef`.
        public static let costOfGoodsSold = "8"
        /// "Inventory Asset", Other Current Asset.
        public static let inventoryAsset = "9"
        /// "Equipment Repairs", Expense.
        public static let equipmentRepairs = "10"
        /// "Supplies", Expense.
        public static let supplies = "11"
    }

    /// Seeded Service items.
    public enum Item {
        /// "Services", booked to Sales of Product Income.
        public static let services = "1"
        /// "Equipment Rental", booked to Rental Income.
        public static let equipmentRental = "2"
        /// "Delivery", booked to Rental Income.
        public static let delivery = "3"
        /// "Damage Waiver", booked to Rental Income.
        public static let damageWaiver = "4"
        /// "Cleaning Fee", booked to Rental Income.
        public static let cleaningFee = "5"
    }

    /// Seeded vendors.
    public enum Vendor {
        /// "Hicks Hardware".
        public static let hicksHardware = "1"
        /// "Norton Lumber and Building Materials" (`Vendor1099` true).
        public static let nortonLumber = "2"
    }

    /// Seeded terms.
    public enum Term {
        /// "Due on receipt" (0 days).
        public static let dueOnReceipt = "1"
        /// "Net 15".
        public static let net15 = "2"
        /// "Net 30", the Preferences' `DefaultTerms`.
        public static let net30 = "3"
        /// "Net 60".
        public static let net60 = "4"
    }

    /// The seeded location (QBO's Department) "Main Yard".
    public static let mainYardDepartment = "1"
    /// The seeded class "Rentals".
    public static let rentalsClass = "1"
}
