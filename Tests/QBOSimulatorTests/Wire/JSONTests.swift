import Foundation
import Testing

@testable import QBOSimulator

/// The exact-decimal JSON reader and writer, and QBO's timestamps.
@Suite(.timeLimit(.minutes(3))) struct JSONTests {
    @Test(arguments: ["0.1", "22.5", "1234567890123.4567", "-0.01", "100", "954.75"])
    func decimalsRoundTripExactly(_ text: String) throws {
        let value = try JSONParser.parse("[\(text)]")
        #expect(value == [.number(try #require(Decimal(string: text)))])
        #expect(value.jsonText == "[\(text)]")
    }

    @Test func exponentsAndTrailingZerosAreNumbersNotText() throws {
        #expect(try JSONParser.parse("1e2") == 100)
        #expect(try JSONParser.parse("100.0") == 100)
        #expect(JSONValue.money("100.00") == 100)
    }

    @Test func stringsAndEscapes() throws {
        let value = try JSONParser.parse(#"{"a":"Amy's \"Birds\" \\ \n \u00e9 \ud83d\ude00 ü"}"#)
        #expect(value["a"] == .string("Amy's \"Birds\" \\ \n é 😀 ü"))
        #expect(try JSONParser.parse(value.jsonText) == value)
        #expect(JSONValue.string("\u{01}").jsonText == #""\u0001""#)
    }

    @Test func objectsKeepTheirOrderAndLastDuplicateWins() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":2,"b":3}"#)
        #expect(value.objectValue?.keys == ["b", "a"])
        #expect(value["b"] == 3)
        #expect(value.jsonText == #"{"b":3,"a":2}"#)
    }

    @Test(arguments: ["", "{", "[1,]", "01", "1.", "-", "tru", "\"\\x\"", "{\"a\" 1}", "[1] x", "\"\u{01}\""])
    func malformedInputIsRejected(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONParser.parse(fine) }
    }

    @Test func timestampsUseCompanyTime() throws {
        let instant = Date(timeIntervalSince1970: 1_601_384_287.3)  // 2020-09-29T12:58:07.3Z
        #expect(QBOTime.dateTime(instant) == "2020-09-29T05:58:07-07:00")
        #expect(QBOTime.responseTime(instant) == "2020-09-29T05:58:07.300-07:00")
        #expect(QBOTime.date(instant) == "2020-09-29")
        #expect(QBOTime.date("2020-09-29", plusDays: 30) == "2020-10-29")
        #expect(QBOTime.epochSeconds("2020-09-29T05:58:07-07:00") == 1_601_384_287)
        #expect(QBOTime.epochSeconds("2020-09-29T12:58:07Z") == 1_601_384_287)
        #expect(QBOTime.epochSeconds("yesterday") == nil)
    }
}
