import Foundation
import Testing
@testable import QBOClient

@Suite("Query builder escaping and rendering")
struct QBOQueryTests {
    @Test func apostropheMatchesTheRecordedQuery() {
        let query = QBOQuery<QBO.Customer>.select().where("DisplayName", .equals, "Amy's Bird Sanctuary")
        #expect(query.text == #"SELECT * FROM Customer WHERE DisplayName = 'Amy\'s Bird Sanctuary'"#)
        // The recorded URL: ...query=SELECT%20*%20FROM%20Customer%20WHERE%20DisplayName%20=%20%27Amy%5C%27s%20Bird%20Sanctuary%27
        #expect(query.percentEncoded.removingPercentEncoding == query.text)
        #expect(query.percentEncoded.contains("%27Amy%5C%27s%20Bird%20Sanctuary%27"))
    }

    @Test func aProjectionNamesItsFields() {
        let query = QBOQuery<QBO.Invoice>.select(["Id", "TotalAmt", "Balance"]).where("TxnDate", .greaterThanOrEqual, "2026-01-01").startPosition(1001).maxResults(1000)
        #expect(query.text == "SELECT Id, TotalAmt, Balance FROM Invoice WHERE TxnDate >= '2026-01-01' STARTPOSITION 1001 MAXRESULTS 1000")
    }

    @Test func backslashIsDoubledBeforeQuotesAreEscaped() {
        #expect(QBOQueryEscaping.quote(#"a\b"#) == #"'a\\b'"#)
        #expect(QBOQueryEscaping.quote(#"end\"#) == #"'end\\'"#)
        #expect(QBOQueryEscaping.quote(#"\'"#) == #"'\\\''"#)
    }

    @Test func curlyQuotesBecomeStraight() {
        #expect(QBOQueryEscaping.quote("Amy\u{2019}s \u{2018}Birds\u{2019}") == #"'Amy\'s \'Birds\''"#)
        #expect(QBOQueryEscaping.quote("\u{201C}Best\u{201D}") == #"'"Best"'"#)
    }

    @Test func nonASCIIIsKeptAndPercentEncoded() {
        let query = QBOQuery<QBO.Customer>.select().where("DisplayName", .equals, "Café Nikkilä 東京")
        #expect(query.text.hasSuffix("'Café Nikkilä 東京'"))
        #expect(query.percentEncoded.contains("Caf%C3%A9"))
        #expect(query.percentEncoded.contains("%E6%9D%B1%E4%BA%AC"))
        #expect(query.percentEncoded.allSatisfy { $0.isASCII })
        #expect(query.percentEncoded.removingPercentEncoding == query.text)
    }

    @Test func urlSignificantCharactersAreEncoded() {
        let query = QBOQuery<QBO.Customer>.select().where("DisplayName", .equals, "A&B 100% #1 + co")
        let encoded = query.percentEncoded
        #expect(!encoded.contains("&"))
        #expect(!encoded.contains("#"))
        #expect(!encoded.contains("+"))
        #expect(encoded.contains("A%26B"))
        #expect(encoded.contains("100%25"))
        #expect(encoded.contains("%231"))
        #expect(encoded.contains("%2B"))
        #expect(encoded.removingPercentEncoding == query.text)
    }

    @Test func likeInOrderAndPaging() {
        let query = QBOQuery<QBO.Invoice>.select()
            .where("DocNumber", like: "R-%")
            .where("Id", in: ["1", "2", "3"])
            .where("Active", .equals, true)
            .where("TotalAmt", .greaterThan, .number(dec("300.00")))
            .orderBy("MetaData.LastUpdatedTime", .descending)
            .startPosition(1001)
            .maxResults(5000)
        #expect(query.text == "SELECT * FROM Invoice WHERE DocNumber LIKE 'R-%' AND Id IN ('1', '2', '3') AND Active = true AND TotalAmt > '300' ORDERBY MetaData.LastUpdatedTime DESC STARTPOSITION 1001 MAXRESULTS 1000")
    }

    @Test func countQuery() {
        #expect(QBOQuery<QBO.Payment>.count().where("TxnDate", .greaterThanOrEqual, "2026-01-01").text
            == "SELECT COUNT(*) FROM Payment WHERE TxnDate >= '2026-01-01'")
    }

    @Test func runtimeFieldNamesAreValidated() {
        #expect(QBOQuery<QBO.Customer>.Field(validating: "PrimaryEmailAddr") != nil)
        #expect(QBOQuery<QBO.Customer>.Field(validating: "Name = 'x' OR 1") == nil)
        #expect(QBOQuery<QBO.Customer>.Field(validating: "") == nil)
    }

    @Test func queryGoesOutInTheURL() async throws {
        let transport = RecordingTransport(fixture: "qbo_api__query__customer_escaped_apostrophe_response")
        let page = try await makeClient(transport).query(QBOQuery<QBO.Customer>.select().where("DisplayName", .equals, "Amy’s Bird Sanctuary"))
        #expect(page.entities.first?.id == "1")
        let request = try #require(transport.requests.first)
        #expect(request.method == .get)
        #expect(request.pathForLogging.hasSuffix("/query"))
        #expect(request.queryItems["query"] == #"SELECT * FROM Customer WHERE DisplayName = 'Amy\'s Bird Sanctuary'"#)
        #expect(request.url.contains("query=SELECT%20%2A%20FROM%20Customer"))
    }

    @Test func pickerSearchWithWildcards() {
        let query = QBOQuery<QBO.Vendor>.select()
            .where("DisplayName", like: "%Bob's%")
            .where("Active", .equals, true)
            .orderBy("DisplayName")
            .maxResults(20)
        #expect(query.text == #"SELECT * FROM Vendor WHERE DisplayName LIKE '%Bob\'s%' AND Active = true ORDERBY DisplayName ASC MAXRESULTS 20"#)
        // The wildcard survives the URL as %25, not as an escape of the next bytes.
        #expect(query.percentEncoded.contains("LIKE%20%27%25Bob%5C%27s%25%27"))
        #expect(query.percentEncoded.removingPercentEncoding == query.text)
        #expect(QBOQuery<QBO.Item>.select().where("Name", like: "Excavator%").text == "SELECT * FROM Item WHERE Name LIKE 'Excavator%'")
        #expect(QBOQuery<QBO.Account>.select().where("FullyQualifiedName", like: "%:Fuel").text
            == "SELECT * FROM Account WHERE FullyQualifiedName LIKE '%:Fuel'")
    }

    @Test func countOfVendorsReadsTheRecordedTotal() async throws {
        let transport = RecordingTransport(fixture: "qbo_api__query__vendor_count_response")
        let count = try await makeClient(transport).count(QBOQuery<QBO.Vendor>.count())
        #expect(count == 26)
        #expect(transport.requests.first?.queryItems["query"] == "SELECT COUNT(*) FROM Vendor")
    }

    @Test func newEntitiesAreQueryable() {
        #expect(QBOQuery<QBO.Bill>.select().where("Balance", .greaterThan, 0).text == "SELECT * FROM Bill WHERE Balance > '0'")
        #expect(QBOQuery<QBO.BillPayment>.count().text == "SELECT COUNT(*) FROM BillPayment")
        #expect(QBOQuery<QBO.PurchaseOrder>.select().where("POStatus", .equals, "Open").text
            == "SELECT * FROM PurchaseOrder WHERE POStatus = 'Open'")
        #expect(QBOQuery<QBO.Purchase>.select().text == "SELECT * FROM Purchase")
        #expect(QBOQuery<QBO.Term>.select().where("Active", .equals, true).text == "SELECT * FROM Term WHERE Active = true")
        #expect(QBOQuery<QBO.Department>.select().text == "SELECT * FROM Department")
        #expect(QBOQuery<QBO.Class>.select().text == "SELECT * FROM Class")
        #expect(QBOQuery<QBO.CompanyInfo>.select().text == "SELECT * FROM CompanyInfo")
        #expect(QBOQuery<QBO.Preferences>.select().text == "SELECT * FROM Preferences")
    }
}
