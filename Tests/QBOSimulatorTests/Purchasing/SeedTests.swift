import Foundation
import Testing

@testable import QBOSimulator

/// `SimulatorSeed` names what a new realm really holds.
@Suite(.timeLimit(.minutes(3))) struct SeedTests {
    @Test func seededIdsNameTheSeededEntities() async throws {
        try await withSimulator { qbo in
            let expected: [(String, String, String, String?)] = [
                ("Account", SimulatorSeed.Account.undepositedFunds, "Undeposited Funds", "Other Current Asset"),
                ("Account", SimulatorSeed.Account.checking, "Checking", "Bank"),
                ("Account", SimulatorSeed.Account.rentalIncome, "Rental Income", "Income"),
                ("Account", SimulatorSeed.Account.salesOfProductIncome, "Sales of Product Income", "Income"),
                ("Account", SimulatorSeed.Account.discountsGiven, "Discounts given", "Income"),
                ("Account", SimulatorSeed.Account.accountsPayable, "Accounts Payable (A/P)", "Accounts Payable"),
                ("Account", SimulatorSeed.Account.mastercard, "Mastercard", "Credit Card"),
                ("Account", SimulatorSeed.Account.costOfGoodsSold, "Cost of Goods Sold", "Cost of Goods Sold"),
                ("Account", SimulatorSeed.Account.inventoryAsset, "Inventory Asset", "Other Current Asset"),
                ("Account", SimulatorSeed.Account.equipmentRepairs, "Equipment Repairs", "Expense"),
                ("Account", SimulatorSeed.Account.supplies, "Supplies", "Expense"),
                ("Item", SimulatorSeed.Item.services, "Services", nil),
                ("Item", SimulatorSeed.Item.equipmentRental, "Equipment Rental", nil),
                ("Item", SimulatorSeed.Item.delivery, "Delivery", nil),
                ("Item", SimulatorSeed.Item.damageWaiver, "Damage Waiver", nil),
                ("Item", SimulatorSeed.Item.cleaningFee, "Cleaning Fee", nil),
                ("Term", SimulatorSeed.Term.dueOnReceipt, "Due on receipt", nil),
                ("Term", SimulatorSeed.Term.net15, "Net 15", nil),
                ("Term", SimulatorSeed.Term.net30, "Net 30", nil),
                ("Term", SimulatorSeed.Term.net60, "Net 60", nil),
                ("Department", SimulatorSeed.mainYardDepartment, "Main Yard", nil),
                ("Class", SimulatorSeed.rentalsClass, "Rentals", nil),
            ]
            for (kind, id, name, type) in expected {
                let entity = try await qbo.read(kind, id)
                #expect(entity["Name"] == .string(name), "\(kind) \(id)")
                if let type { #expect(entity["AccountType"] == .string(type), "\(kind) \(id)") }
            }
            #expect(try await qbo.read("Vendor", SimulatorSeed.Vendor.hicksHardware)["DisplayName"] == "Hicks Hardware")
            #expect(try await qbo.read("Vendor", SimulatorSeed.Vendor.nortonLumber)["DisplayName"]
                == "Norton Lumber and Building Materials")
            // A reset seeds the same Ids.
            try await qbo.simulator.resetRealm(qbo.realm.realmId)
            #expect(try await qbo.read("Account", SimulatorSeed.Account.accountsPayable)["Name"] == "Accounts Payable (A/P)")
        }
    }
}
