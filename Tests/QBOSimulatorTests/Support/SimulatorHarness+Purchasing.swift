import Foundation
import Testing

@testable import QBOSimulator

/// The Ids a new realm seeds for the purchasing side, as the public `SimulatorSeed` names them.
enum Seeded {
    static let checking = SimulatorSeed.Account.checking
    static let accountsPayable = SimulatorSeed.Account.accountsPayable
    static let mastercard = SimulatorSeed.Account.mastercard
    static let costOfGoodsSold = SimulatorSeed.Account.costOfGoodsSold
    static let inventoryAsset = SimulatorSeed.Account.inventoryAsset
    static let equipmentRepairs = SimulatorSeed.Account.equipmentRepairs
    static let supplies = SimulatorSeed.Account.supplies
    static let hicksHardware = SimulatorSeed.Vendor.hicksHardware
    static let nortonLumber = SimulatorSeed.Vendor.nortonLumber
}

extension SimulatorHarness {
    /// A vendor with a unique name.
    func makeVendor(_ name: String = "Vendor \(UUID().uuidString.prefix(8))") async throws -> JSONValue {
        try await create("Vendor", ["DisplayName": .string(name)])
    }

    /// One account-based line booking `amount` to `account` (Equipment Repairs by default).
    static func expenseLine(_ amount: JSONValue, account: String = Seeded.equipmentRepairs) -> JSONValue {
        ["Amount": amount, "DetailType": "AccountBasedExpenseLineDetail",
         "AccountBasedExpenseLineDetail": ["AccountRef": ["value": .string(account)]]]
    }

    /// A bill of one expense line per amount, for `vendor` (Hicks Hardware by default).
    func makeBill(
        vendor: String = Seeded.hicksHardware, amounts: [JSONValue], extra: JSONObject = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        var bill: JSONObject = ["VendorRef": ["value": .string(vendor)], "Line": .array(amounts.map { Self.expenseLine($0) })]
        bill = bill.merging(extra)
        return try await create("Bill", .object(bill), sourceLocation: sourceLocation)
    }

    /// A check bill payment from Checking applying `applied` amounts to bills.
    func payBills(
        vendor: String = Seeded.hicksHardware, total: JSONValue, applied: [(JSONValue, JSONValue)],
        query: [(String, String)] = []
    ) async throws -> Reply {
        try await api(.POST, "billpayment", query: query, json: [
            "VendorRef": ["value": .string(vendor)], "PayType": "Check", "TotalAmt": total,
            "CheckPayment": ["BankAccountRef": ["value": .string(Seeded.checking)]],
            "Line": .array(applied.map { bill, amount in
                ["Amount": amount, "LinkedTxn": [["TxnId": bill["Id"] ?? .null, "TxnType": "Bill"]]]
            }),
        ])
    }

    /// The entity of `kind` read back now.
    func reread(_ kind: String, _ entity: JSONValue) async throws -> JSONValue {
        try await read(kind, try #require(entity["Id"]?.stringValue))
    }
}
