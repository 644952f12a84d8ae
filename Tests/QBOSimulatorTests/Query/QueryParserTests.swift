import Testing

@testable import QBOSimulator

/// The query language on its own, without a server.
@Suite(.timeLimit(.minutes(3))) struct QueryParserTests {
    @Test func parsesEveryClause() throws {
        let query = try QueryParser.parse(
            "select * from customer where DisplayName like '%bird%' and Active in (true, false) "
                + "orderby DisplayName desc, Id startposition 11 maxresults 5")
        #expect(query.entity == .customer)
        #expect(query.selection == .all)
        #expect(query.conditions == [
            .init(property: "DisplayName", op: .like, values: [.string("%bird%")]),
            .init(property: "Active", op: .in, values: [.bool(true), .bool(false)]),
        ])
        #expect(query.ordering == [.init(property: "DisplayName", ascending: false), .init(property: "Id", ascending: true)])
        #expect(query.startPosition == 11)
        #expect(query.maxResults == 5)
    }

    @Test func escapedApostropheAndBackslash() throws {
        let query = try QueryParser.parse(#"SELECT * FROM Customer WHERE DisplayName = 'Amy\'s \\ Birds'"#)
        #expect(query.conditions.first?.values == [.string(#"Amy's \ Birds"#)])
    }

    @Test func countAndDefaults() throws {
        let query = try QueryParser.parse("SELECT COUNT(*) FROM Invoice")
        #expect(query.selection == .count)
        #expect(query.startPosition == 1)
        #expect(query.maxResults == 100)
        #expect(try QueryParser.parse("SELECT * FROM Invoice MAXRESULTS 5000").maxResults == 1000)
    }

    @Test func curlyQuotesAre4000() {
        for text in ["SELECT * FROM Customer WHERE DisplayName = ’Amy’", "SELECT * FROM Customer WHERE DisplayName = “Amy”"] {
            #expect(throws: QBOFault.self) { try QueryParser.parse(text) }
            do {
                _ = try QueryParser.parse(text)
            } catch {
                #expect(error.code == .queryParserError)
                #expect(error.message == "Error parsing query")
                #expect(error.detail.hasPrefix("QueryParserError: Encountered"))
            }
        }
    }

    @Test func syntaxErrorsAre4000() {
        for text in ["SELECT FROM Customer", "SELECT * Customer", "SELECT * FROM Customer WHERE", "SELECT * FROM Customer WHERE Id = 'x' OR Id = 'y'",
            "SELECT * FROM Customer WHERE DisplayName = 'unterminated"]
        {
            do {
                _ = try QueryParser.parse(text)
                Issue.record("parsed: \(text)")
            } catch {
                #expect(error.code == .queryParserError, "\(text)")
            }
        }
    }

    @Test func unknownEntityOrPropertyIs4001() {
        do {
            _ = try QueryParser.parse("SELECT * FROM Custmoer")
            Issue.record("parsed")
        } catch {
            #expect(error.code == .invalidQuery)
            #expect(error.detail == "QueryValidationError: invalid context declaration: Custmoer")
        }
        do {
            _ = try QueryParser.parse("SELECT * FROM Customer WHERE PrimaryEmailAddr.Address = 'a@b.com'")
            Issue.record("parsed")
        } catch {
            #expect(error.code == .invalidQuery)
        }
    }

    @Test func likeMatchesPercentAnywhere() {
        typealias Condition = EntityQuery.Condition
        #expect(Condition.like("amy's bird sanctuary", pattern: "%bird%"))
        #expect(Condition.like("amy's bird sanctuary", pattern: "amy%"))
        #expect(Condition.like("amy's bird sanctuary", pattern: "%sanctuary"))
        #expect(Condition.like("amy's bird sanctuary", pattern: "a%b%y"))
        #expect(!Condition.like("amy's bird sanctuary", pattern: "bird%"))
        #expect(!Condition.like("amy", pattern: "amy%x"))
    }
}
