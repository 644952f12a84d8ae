import QBSyncCore
import QBSyncStore
import QBSyncWire

/// Field-by-field checks of API requests. Each failure is INVALID_ARGUMENT
/// naming the field, with a `FieldViolation` detail; nothing is stored.
enum FieldRules {
    /// Largest absolute amount accepted, in minor units (10^13: 100 billion in a 2-decimal currency).
    static let maxMinorUnits: Int64 = 10_000_000_000_000

    static func invalid(_ field: String, _ problem: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "\(field): \(problem)", detail: FieldViolation(field: field, description: problem))
    }

    /// The metadata key that puts a call's records in a queue lane.
    static let laneMetadataKey = "qbsync-lane"

    /// The lane a record-sending call asks for: `qbsync-lane: backfill` for
    /// history and bulk loads, `interactive` (the default, also when absent)
    /// for a record someone is waiting for.
    static func lane(_ metadata: [String: String]) throws(RPCError) -> QueueLane {
        guard let value = metadata[self.laneMetadataKey] else { return .interactive }
        guard let lane = QueueLane(name: value) else {
            let problem = "must be \"interactive\" or \"backfill\""
            throw RPCError(code: .invalidArgument, message: "metadata \(self.laneMetadataKey): \(problem)",
                           detail: FieldViolation(field: "metadata.\(self.laneMetadataKey)", description: problem))
        }
        return lane
    }

    /// 1-64 characters of letters, digits, '.', '_', ':', '-'.
    static func companyID(_ value: String, field: @autoclosure () -> String = "company_id") throws(RPCError) {
        guard !value.isEmpty else { throw self.invalid(field(), "is required") }
        guard value.utf8.count <= 64 else { throw self.invalid(field(), "is longer than 64 characters") }
        let allowed = value.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || [46, 95, 58, 45].contains(byte)
        }
        guard allowed else { throw self.invalid(field(), "may contain only letters, digits, '.', '_', ':' and '-'") }
    }

    /// 1-128 printable characters (the caller's record id).
    static func externalID(_ value: String, field: @autoclosure () -> String) throws(RPCError) {
        try self.text(value, field: field(), max: 128, required: true)
    }

    /// Printable text of at most `max` characters.
    static func text(_ value: String, field: @autoclosure () -> String, max: Int, required: Bool = false) throws(RPCError) {
        if value.isEmpty {
            if required { throw self.invalid(field(), "is required") }
            return
        }
        // UTF-8 bytes bound the characters from above: count only long text.
        guard value.utf8.count <= max || value.count <= max else { throw self.invalid(field(), "is longer than \(max) characters") }
        guard !self.containsControlCharacters(value) else {
            throw self.invalid(field(), "contains control characters")
        }
    }

    /// C0 controls except tab and newline, DEL, and C1 controls (U+0080-U+009F),
    /// found in the UTF-8 bytes without decoding scalars.
    static func containsControlCharacters(_ value: String) -> Bool {
        var previous: UInt8 = 0
        for byte in value.utf8 {
            if byte < 0x20 && byte != 0x09 && byte != 0x0A { return true }
            if byte == 0x7F { return true }
            if previous == 0xC2 && (0x80...0x9F).contains(byte) { return true }
            previous = byte
        }
        return false
    }

    /// Dates accepted: 1900-01-01 through 2999-12-31. A rental document
    /// dated outside is a typo (QuickBooks' own date pickers stay inside).
    static let dateRange = (first: "1900-01-01", last: "2999-12-31")

    /// An ISO-8601 calendar date, YYYY-MM-DD, that exists, within ``dateRange``.
    static func date(_ value: String, field: @autoclosure () -> String, required: Bool) throws(RPCError) {
        if value.isEmpty {
            if required { throw self.invalid(field(), "is required (YYYY-MM-DD)") }
            return
        }
        // YYYY-MM-DD: digits and dashes at fixed places, read from the UTF-8 bytes.
        func notADate() -> RPCError { self.invalid(field(), "\"\(value)\" is not a date (YYYY-MM-DD)") }
        guard value.utf8.count == 10 else { throw notADate() }
        var year = 0, month = 0, day = 0
        for (index, byte) in value.utf8.enumerated() {
            if index == 4 || index == 7 {
                guard byte == UInt8(ascii: "-") else { throw notADate() }
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw notADate() }
            let digit = Int(byte - UInt8(ascii: "0"))
            switch index {
            case 0..<4: year = year * 10 + digit
            case 5, 6: month = month * 10 + digit
            default: day = day * 10 + digit
            }
        }
        guard (1...12).contains(month) else { throw notADate() }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { throw self.invalid(field(), "\"\(value)\" is not a date that exists") }
        guard (1900...2999).contains(year) else {
            throw self.invalid(field(), "\"\(value)\" is outside the accepted range \(self.dateRange.first) to \(self.dateRange.last)")
        }
    }

    static func currency(_ value: String, field: @autoclosure () -> String) throws(RPCError) -> Currency {
        guard !value.isEmpty else { throw self.invalid(field(), "is required (ISO 4217, e.g. USD)") }
        guard let currency = Currency(code: value) else { throw self.invalid(field(), "\"\(value)\" is not an ISO 4217 code") }
        return currency
    }

    static func amount(_ value: Int64, field: @autoclosure () -> String, positive: Bool) throws(RPCError) {
        if positive, value <= 0 { throw self.invalid(field(), "must be greater than 0 (minor units)") }
        guard value.magnitude <= self.maxMinorUnits.magnitude else { throw self.invalid(field(), "is out of range") }
    }

    static func email(_ value: String, field: @autoclosure () -> String) throws(RPCError) {
        guard !value.isEmpty else { return }
        try self.text(value, field: field(), max: 100)
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !value.contains(" ") else {
            throw self.invalid(field(), "\"\(value)\" is not an email address")
        }
    }

    static func known<Value: Equatable>(_ value: Value, field: @autoclosure () -> String, unspecified: Value, isUnrecognized: Bool) throws(RPCError) {
        if value == unspecified { throw self.invalid(field(), "is required") }
        if isUnrecognized { throw self.invalid(field(), "has a value this server does not know") }
    }
}
