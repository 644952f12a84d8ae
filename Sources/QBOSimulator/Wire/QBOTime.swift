import Foundation

/// QBO's timestamps: company-local time with an explicit offset, as in
/// `"2020-09-29T05:58:07-07:00"` (entity `MetaData`) and `"...07.300-07:00"` (response `time`).
///
/// The simulator's companies all keep Pacific daylight time (-07:00), like the sandbox
/// recordings, so the output is stable and needs no time-zone database.
enum QBOTime {
    static let offsetSeconds = -7 * 3600
    private static let offsetText = "-07:00"

    /// `2020-09-29T05:58:07-07:00`
    static func dateTime(_ date: Date) -> String {
        let parts = components(date)
        return "\(parts.date)T\(parts.time)\(offsetText)"
    }

    /// `2020-09-29T05:58:07.300-07:00`, the `time` member of every response.
    static func responseTime(_ date: Date) -> String {
        let parts = components(date)
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        return "\(parts.date)T\(parts.time).\(pad(millis, 3))\(offsetText)"
    }

    /// `2020-09-29`, a transaction date in company time.
    static func date(_ date: Date) -> String {
        components(date).date
    }

    /// The date `days` after an ISO `yyyy-MM-dd` date, or nil if `text` is not one.
    static func date(_ text: String, plusDays days: Int) -> String? {
        guard let seconds = epochSeconds(text) else { return nil }
        let shifted = Date(timeIntervalSince1970: TimeInterval(seconds + days * 86_400 - offsetSeconds))
        return date(shifted)
    }

    /// Seconds since 1970 for `yyyy-MM-dd`, `yyyy-MM-ddTHH:mm:ss` with an optional fraction and
    /// an optional `Z` / `±hh:mm` offset (company time when absent); nil for anything else.
    static func epochSeconds(_ text: String) -> Int? {
        let chars = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= chars.count else { return nil }
            var value = 0
            for byte in chars[start..<(start + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), chars.count >= 10, chars[4] == 45, let month = number(5, 2), chars[7] == 45,
            let day = number(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = daysFromCivil(year: year, month: month, day: day) * 86_400
        var offset = offsetSeconds
        if chars.count > 10 {
            guard chars[10] == UInt8(ascii: "T"), let hour = number(11, 2), chars.count >= 19, chars[13] == 58,
                let minute = number(14, 2), chars[16] == 58, let second = number(17, 2)
            else { return nil }
            seconds += hour * 3600 + minute * 60 + second
            var position = 19
            if position < chars.count, chars[position] == UInt8(ascii: ".") {
                position += 1
                while position < chars.count, chars[position] >= 48, chars[position] <= 57 { position += 1 }
            }
            if position < chars.count {
                if chars[position] == UInt8(ascii: "Z"), position + 1 == chars.count {
                    offset = 0
                } else if chars[position] == UInt8(ascii: "+") || chars[position] == UInt8(ascii: "-"),
                    let hours = number(position + 1, 2), position + 6 == chars.count, chars[position + 3] == 58,
                    let minutes = number(position + 4, 2)
                {
                    offset = (hours * 3600 + minutes * 60) * (chars[position] == UInt8(ascii: "-") ? -1 : 1)
                } else {
                    return nil
                }
            }
        }
        return seconds - offset
    }

    private static func components(_ date: Date) -> (date: String, time: String) {
        let local = Int((date.timeIntervalSince1970).rounded(.down)) + offsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let (year, month, day) = civilFromDays(days)
        let dateText = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        let timeText = "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        return (dateText, timeText)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    // Howard Hinnant's civil-calendar algorithms: exact for any proleptic Gregorian date.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
