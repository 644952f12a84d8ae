import Testing
@testable import QBSyncWire

@Suite(.timeLimit(.minutes(3))) struct MessageRoundTripTests {
    @Test func invoiceSurvivesPackAndUnpack() throws {
        let invoice = Invoice(
            externalID: "inv-1",
            customerExternalID: "cust-9",
            docNumber: "1043",
            txnDate: "2026-11-21",
            currency: "USD",
            lines: [
                InvoiceLine(kind: .sale, itemCode: "GEN-20KW", description: "Generator, 3 days", quantity: "3", unitRate: "125.00", amountMinor: 37500, taxCode: "TAX"),
                InvoiceLine(kind: .discount, description: "Loyalty", amountMinor: 1875, discountAccountCode: "4990"),
            ],
            taxMinor: 2850,
            voided: true
        )
        let request = SyncInvoiceRequest(companyID: "acme", invoice: invoice)
        let decoded = try SyncInvoiceRequest(unpacking: request.packed())
        #expect(decoded == request)
    }

    @Test func oneofsKeepTheirCase() throws {
        let refund = Refund(externalID: "r1", target: .paymentExternalID("pay-7"), amountMinor: 500)
        #expect(try Refund(unpacking: refund.packed()) == refund)
        let settings = UpdateCompanySettingsRequest(companyID: "acme", autoCreateCustomers: false)
        let decodedSettings = try UpdateCompanySettingsRequest(unpacking: settings.packed())
        #expect(decodedSettings.autoCreateCustomers == false)
        let unset = try UpdateCompanySettingsRequest(unpacking: UpdateCompanySettingsRequest(companyID: "acme").packed())
        #expect(unset.autoCreateCustomers == nil)
    }

    @Test func unknownEnumValuesArePreserved() throws {
        var record = SyncRecord(status: .unrecognized(42))
        record.ref = RecordRef(companyID: "c", entity: .invoice, externalID: "x")
        let decoded = try SyncRecord(unpacking: record.packed())
        #expect(decoded.status == .unrecognized(42))
        #expect(decoded.ref?.entity == .invoice)
    }

    @Test func garbageIsRejectedWithTheMessageName() {
        #expect(throws: WireDecodingError.self) {
            try Invoice(unpacking: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        }
    }
}
