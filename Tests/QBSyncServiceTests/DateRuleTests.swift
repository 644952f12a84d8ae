import QBSyncWire
import Testing

@testable import QBSyncService

/// The YYYY-MM-DD rule for transaction, due and service dates.
struct DateRuleTests {
    @Test(arguments: ["2026-11-21", "2024-02-29", "2000-02-29", "1900-01-01", "2999-12-31", "2026-04-30"])
    func realDatesPass(_ text: String) throws {
        try FieldRules.date(text, field: "txn_date", required: true)
    }

    @Test(arguments: ["2026-2-01", "2026-02-1", "2026/02/01", "2026-+1-05", "2026-1+-05", "+026-01-01", "-026-01-01",
                      "2026-01-01 ", " 2026-01-01", "20261-1-01", "2026-13-01", "2026-00-10", "2026-01-00", "2026-02-30",
                      "2023-02-29", "1900-02-29", "1899-12-31", "3000-01-01", "２０２６-01-01", "2026-01-0١", "2026-01-32"])
    func anythingElseNamesTheField(_ text: String) {
        let error = #expect(throws: RPCError.self, "\(text)") { try FieldRules.date(text, field: "txn_date", required: true) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.detail(FieldViolation.self)?.field == "txn_date")
    }

    @Test(arguments: ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
    func realDatesOutsideTheRangeAreNamedAsSuch(_ text: String) {
        let error = #expect(throws: RPCError.self, "\(text)") { try FieldRules.date(text, field: "txn_date", required: true) }
        #expect(error?.message.contains("outside the accepted range 1900-01-01 to 2999-12-31") == true)
        #expect(error?.message.contains("not a date") == false)
    }

    @Test func emptyIsRequiredOnlyWhenAsked() throws {
        try FieldRules.date("", field: "due_date", required: false)
        #expect(throws: RPCError.self) { try FieldRules.date("", field: "txn_date", required: true) }
    }
}
