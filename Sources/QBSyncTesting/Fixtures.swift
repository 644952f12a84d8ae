import QBSyncWire

/// Small, realistic rental records for tests.
public enum Fixtures {
    /// A customer with email and phone.
    public static func customer(_ id: String, name: String = "Acme Party Rentals", email: String = "", phone: String = "") -> Customer {
        Customer(externalID: id, givenName: "Pat", familyName: "Lee", companyName: name, email: email, phone: phone,
                 billingAddress: Address(lines: ["12 Harbor Way"], city: "Oakland", region: "CA", postalCode: "94607", country: "US"),
                 notes: "Rental customer \(id)")
    }

    /// An invoice with one or more lines of `item` (3 days at 125.00 each).
    public static func invoice(
        _ id: String,
        customer: String,
        docNumber: String? = nil,
        item: String = "TENT-20",
        lines: Int = 1,
        date: String = "2026-11-02",
        quantity: String = "3",
        rate: String = "125.00",
        amountMinor: Int64 = 37_500,
        taxMinor: Int64 = 0
    ) -> Invoice {
        Invoice(
            externalID: id,
            customerExternalID: customer,
            docNumber: docNumber ?? id.uppercased(),
            txnDate: date,
            currency: "USD",
            lines: (0..<lines).map { index in
                InvoiceLine(kind: .sale, itemCode: item, description: "20x20 tent, day \(index + 1)", quantity: quantity, unitRate: rate, amountMinor: amountMinor)
            },
            taxMinor: taxMinor
        )
    }

    /// A payment applied to invoices (`applications`: invoice id -> minor units).
    public static func payment(_ id: String, customer: String, amountMinor: Int64, applications: [(String, Int64)], method: String = "CARD", date: String = "2026-11-05") -> Payment {
        Payment(
            externalID: id,
            customerExternalID: customer,
            txnDate: date,
            currency: "USD",
            amountMinor: amountMinor,
            methodCode: method,
            reference: "ch_\(id)",
            applications: applications.map { PaymentApplication(invoiceExternalID: $0.0, amountMinor: $0.1) }
        )
    }
}
