#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time in the forms the store keeps: epoch milliseconds, RFC 3339.
public enum Clock {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public static func milliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// `2026-11-21T13:05:09.123Z` for epoch milliseconds (UTC, proleptic Gregorian).
    public static func rfc3339(milliseconds: Int64) -> String {
        guard milliseconds > 0 else { return "" }
        let (days, remainder) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (year, month, day) = self.civil(fromDays: days)
        let hours = remainder / 3_600_000
        let minutes = remainder / 60_000 % 60
        let seconds = remainder / 1000 % 60
        let millis = remainder % 1000
        guard (0...9999).contains(year) else {
            return "\(self.pad(year, 4))-\(self.pad(month, 2))-\(self.pad(day, 2))T\(self.pad(hours, 2)):\(self.pad(minutes, 2)):\(self.pad(seconds, 2)).\(self.pad(millis, 3))Z"
        }
        // Written digit by digit: this runs for every event and record view.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var index = 0
            func put(_ value: Int64, _ width: Int) {
                var value = value
                for position in stride(from: index + width - 1, through: index, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                index += width
            }
            func put(_ byte: Unicode.Scalar) {
                buffer[index] = UInt8(ascii: byte)
                index += 1
            }
            put(year, 4); put("-"); put(month, 2); put("-"); put(day, 2); put("T")
            put(hours, 2); put(":"); put(minutes, 2); put(":"); put(seconds, 2); put("."); put(millis, 3); put("Z")
            return index
        }
    }

    /// Today's date in UTC, `2026-11-21`.
    public static func today() -> String {
        self.date(milliseconds: self.milliseconds())
    }

    /// The UTC date of an epoch time in milliseconds, `2026-11-21`.
    public static func date(milliseconds: Int64) -> String {
        let (year, month, day) = self.civil(fromDays: milliseconds / 86_400_000)
        return "\(self.pad(year, 4))-\(self.pad(month, 2))-\(self.pad(day, 2))"
    }

    // Howard Hinnant's days-to-civil algorithm.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
