import Foundation
import Testing

@testable import QBOSimulator

/// What QBO fills in on an invoice created through the API, and what it leaves out.
@Suite(.timeLimit(.minutes(3))) struct InvoiceDefaultsTests {
    private let address: JSONValue = ["Line1": "4581 Finch St.", "City": "Bayshore", "PostalCode": "94326"]

    @Test func noBillEmailUnlessTheRequestSendsOne() async throws {
        try await withSimulator { qbo in
            // The recorded invoice 266 of "Amy's Bird Sanctuary", whose PrimaryEmailAddr is
            // Birds@Intuit.com, came back with her addresses and no BillEmail.
            let customer = try await qbo.create("Customer", [
                "DisplayName": "Amy's Bird Sanctuary", "PrimaryEmailAddr": ["Address": "Birds@Intuit.com"],
                "BillAddr": address, "ShipAddr": address,
            ])
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            #expect(invoice["BillEmail"] == nil)
            #expect(invoice["BillAddr"] == address)
            #expect(invoice["ShipAddr"] == address)
            let emailed = try await qbo.create("Invoice", [
                "CustomerRef": ["value": customer["Id"] ?? nil], "BillEmail": ["Address": "billing@example.com"],
                "Line": [["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]],
            ])
            #expect(emailed["BillEmail"] == ["Address": "billing@example.com"])
        }
    }
}
