import QBSyncWire

/// Which payments apply to which invoices, as the rental system said.
extension WriteTransaction {
    /// Replaces the invoices a payment applies to.
    ///
    /// - Parameters:
    ///   - invoiceExternalIDs: The invoices named by the payment's applications.
    ///   - paymentRecordID: The payment's row id.
    ///   - companyID: Its company.
    public func replaceApplications(of paymentRecordID: Int64, with invoiceExternalIDs: [String], companyID: String) throws {
        try self.database.run("DELETE FROM applications WHERE company_id = ? AND payment_record_id = ?", [.text(companyID), .integer(paymentRecordID)])
        for invoiceID in Set(invoiceExternalIDs) {
            try self.database.run(
                "INSERT INTO applications (company_id, invoice_external_id, payment_record_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [.text(companyID), .text(invoiceID), .integer(paymentRecordID)]
            )
        }
    }

    /// Row ids of the payments that apply to an invoice.
    public func paymentsApplying(to invoiceExternalID: String, companyID: String) throws -> [Int64] {
        try self.database.rows(
            "SELECT payment_record_id FROM applications WHERE company_id = ? AND invoice_external_id = ? ORDER BY payment_record_id",
            [.text(companyID), .text(invoiceExternalID)]
        ) { $0.int64(0) }
    }

    /// Whether any payment applies to an invoice.
    public func hasPayment(_ invoice: RecordKey) throws -> Bool {
        try self.database.first(
            "SELECT 1 FROM applications WHERE company_id = ? AND invoice_external_id = ? LIMIT 1",
            [.text(invoice.companyID), .text(invoice.externalID)]
        ) { _ in true } ?? false
    }
}
