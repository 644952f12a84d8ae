import Foundation

// Faults of the purchasing side (vendors, bills, bill payments, purchases) and of items,
// locations and classes. Where no recording exists the wording is QBO's documented or
// reported text, or, said so at each one, the simulator's own.
extension QBOFault {
    /// A reference to an Id the company has never had. QBO answers 2500 "Invalid Reference
    /// Id" (the XML fault quoted in intuit/QuickBooks-V3-PHP-SDK#102 names
    /// `Line.SalesItemLineDetail.ItemRef`); 610 is kept for a reference to an inactive entity.
    static func unknownReference(_ element: String) -> QBOFault {
        invalidReference(element)
    }

    /// An Inventory item in a company whose plan does not track quantities; the sentence is
    /// the one quoted in intuit/QuickBooks-V3-DotNET-SDK#10.
    static func inventoryNotTracked() -> QBOFault {
        businessValidation("When you create an item, if Track quantity on hand is turned off, the item cannot be of type Inventory.")
    }

    /// An Inventory item without its "As of" date; the sentence is the one reported in
    /// consolibyte/quickbooks-php#104 (the code there is not recorded; 6000 is the simulator's).
    static func inventoryStartDateMissing() -> QBOFault {
        var fault = businessValidation("As of date for initial quantity on hand is required")
        fault.element = "InvStartDate"
        return fault
    }

    /// A sales line of an inventory item without `Qty`, worded as the QBO answer quoted in
    /// n8n-io/n8n#12956 (`{"Message":"Missing Inventory Item Quantity","Detail":"Quantity
    /// required for inventory item","code":"6520","element":""}`).
    static func missingInventoryQuantity() -> QBOFault {
        QBOFault(
            code: .missingInventoryQuantity, message: "Missing Inventory Item Quantity",
            detail: "Quantity required for inventory item", element: "")
    }

    /// A transaction dated before an inventory item's "As of" date. 6270 is the code the
    /// project brief and qbsync's fix hints know; the wording is the simulator's.
    static func inventoryStartDate(item: String, startDate: String, txnDate: String) -> QBOFault {
        QBOFault(
            code: .inventoryStartDate, message: "Transaction date is prior to start date for inventory item",
            detail: "The transaction date \(txnDate) is before \(startDate), the 'As of' date of inventory item "
                + "\(item). Date the transaction on or after it, or move the item's 'As of' date back.",
            element: "TxnDate")
    }

    /// An account of the wrong type where QBO needs a given one (an AP account, a bank or
    /// credit card account to pay from). QBO documents the type each reference needs; the
    /// code and wording are the simulator's.
    static func accountType(_ element: String, account: StoredEntity, needs type: String) -> QBOFault {
        let name = account.body["Name"]?.stringValue ?? account.id
        let actual = account.body["AccountType"]?.stringValue ?? "unknown"
        var fault = businessValidation("\(element) must be an account of type \(type); \(name) (Id \(account.id)) is \(actual).")
        fault.element = element
        return fault
    }
}
