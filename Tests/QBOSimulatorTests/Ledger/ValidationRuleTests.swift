import Foundation
import Testing

@testable import QBOSimulator

/// Each QBO validation rule, with its code and fault shape.
@Suite(.timeLimit(.minutes(3))) struct ValidationRuleTests {
    @Test func staleSyncTokenIs5010() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            _ = try await qbo.api(.POST, "customer", json: [
                "Id": customer["Id"] ?? nil, "SyncToken": "0", "sparse": true, "Notes": "first",
            ])
            let stale = try await qbo.api(.POST, "customer", json: [
                "Id": customer["Id"] ?? nil, "SyncToken": "0", "sparse": true, "Notes": "second",
            ])
            #expect(stale.status == 400)
            let fault = try stale.fault()
            #expect(fault.code == "5010")
            #expect(fault.message == "Stale Object Error")
            #expect(fault.element == "")
            #expect(try stale.json()["Fault"]?["type"] == "ValidationFault")
            #expect(try await qbo.read("Customer", "1")["Notes"] == "first")
        }
    }

    @Test func staleSyncTokenOnDeleteAndVoidIs5010() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [10])
            for operation in ["delete", "void"] {
                let reply = try await qbo.api(.POST, "invoice", query: [("operation", operation)], json: [
                    "Id": invoice["Id"] ?? nil, "SyncToken": "7",
                ])
                #expect(try reply.fault().code == "5010", "\(operation)")
            }
        }
    }

    @Test func duplicateDocNumberIs6140NamingTheHolder() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let holder = try await qbo.makeInvoice(customer: customer, amounts: [10], docNumber: "1043")
            let reply = try await qbo.api(.POST, "invoice", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DocNumber": "1043",
                "Line": [["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]],
            ])
            #expect(reply.status == 400)
            let fault = try reply.fault()
            #expect(fault.code == "6140")
            #expect(fault.message == "Duplicate Document Number Error")
            let holderID = try #require(holder["Id"]?.stringValue)
            #expect(fault.detail == "Duplicate Document Number Error : You must specify a different number. This number "
                + "has already been used. DocNumber=1043 is assigned to TxnType=Invoice with TxnId=\(holderID)")
            // The number is unique across sales forms: a credit memo may not use it either.
            let memo = try await qbo.api(.POST, "creditmemo", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "DocNumber": "1043",
                "Line": [["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]],
            ])
            #expect(try memo.fault().code == "6140")
        }
    }

    @Test func duplicateDisplayNameIs6240IgnoringCase() async throws {
        try await withSimulator { qbo in
            _ = try await qbo.makeCustomer("Amy's Bird Sanctuary")
            let reply = try await qbo.api(.POST, "customer", json: ["DisplayName": "AMY'S BIRD SANCTUARY"])
            #expect(reply.status == 400)
            let fault = try reply.fault()
            #expect(fault.code == "6240")
            #expect(fault.message == "Duplicate Name Exists Error")
            #expect(fault.detail == "The name supplied already exists. : null")
            #expect(fault.element == nil)
        }
    }

    @Test func amountNotQtyTimesUnitPriceIs6070() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let reply = try await qbo.api(.POST, "invoice", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": [["Amount": 58, "DetailType": "SalesItemLineDetail",
                          "SalesItemLineDetail": ["Qty": 3, "UnitPrice": .money("19.33")]]],
            ])
            #expect(reply.status == 400)
            let fault = try reply.fault()
            #expect(fault.code == "6070")
            #expect(fault.detail == "Amount is not equal to UnitPrice * Qty. Supplied value:58")
            #expect(fault.element == "Line.Amount")
            // 3 x 19.33 = 57.99 exactly; and 4.5 x 75 = 337.5 (the recorded request) passes.
            _ = try await qbo.create("Invoice", [
                "CustomerRef": ["value": customer["Id"] ?? nil],
                "Line": [
                    ["Amount": .money("57.99"), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["Qty": 3, "UnitPrice": .money("19.33")]],
                    ["Amount": .money("337.5"), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["Qty": .money("4.5"), "UnitPrice": 75]],
                ],
            ])
        }
    }

    @Test func requiredFieldsAre2020() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let customerRef: JSONValue = ["value": customer["Id"] ?? nil]
            let line: JSONValue = ["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]
            let cases: [(String, JSONValue, String)] = [
                ("invoice", ["Line": [line]], "CustomerRef"),
                ("invoice", ["CustomerRef": customerRef], "Line"),
                ("invoice", ["CustomerRef": customerRef, "Line": [["Amount": 5]]], "Line.DetailType"),
                ("creditmemo", ["Line": [line]], "CustomerRef"),
                ("refundreceipt", ["CustomerRef": customerRef, "Line": [line]], "DepositToAccountRef"),
                ("payment", ["TotalAmt": 5], "CustomerRef"),
                ("payment", ["CustomerRef": customerRef], "TotalAmt"),
                ("customer", ["Notes": "no name"], "DisplayName"),
                ("item", ["Type": "Service"], "Name"),
            ]
            for (entity, body, element) in cases {
                let reply = try await qbo.api(.POST, entity, json: body)
                #expect(reply.status == 400, "\(entity) without \(element)")
                let fault = try reply.fault()
                #expect(fault.code == "2020", "\(entity) without \(element)")
                #expect(fault.element == .string(element))
                #expect(fault.message == "Required param missing, need to supply the required value for the API")
                #expect(fault.detail == "Required parameter \(element) is missing in the request")
            }
            // A name part is enough for a customer: QBO composes the DisplayName.
            let named = try await qbo.create("Customer", ["GivenName": "Jane", "FamilyName": "Doe"])
            #expect(named["DisplayName"] == "Jane Doe")
        }
    }

    @Test func unknownOrInactiveReferencesAre610() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let customerRef: JSONValue = ["value": customer["Id"] ?? nil]
            func line(_ detail: JSONValue) -> JSONValue {
                ["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail]
            }
            let cases: [(String, JSONValue)] = [
                ("invoice", ["CustomerRef": ["value": "999"], "Line": [line([:])]]),
                ("invoice", ["CustomerRef": customerRef, "Line": [line(["ItemRef": ["value": "999"]])]]),
                ("invoice", ["CustomerRef": customerRef, "Line": [line(["TaxCodeRef": ["value": "XYZ"]])]]),
                ("refundreceipt", ["CustomerRef": customerRef, "Line": [line([:])], "DepositToAccountRef": ["value": "999"]]),
                ("payment", ["CustomerRef": customerRef, "TotalAmt": 5, "PaymentMethodRef": ["value": "999"]]),
                ("payment", ["CustomerRef": customerRef, "TotalAmt": 5,
                             "Line": [["Amount": 5, "LinkedTxn": [["TxnId": "999", "TxnType": "Invoice"]]]]]),
            ]
            for (entity, body) in cases {
                let reply = try await qbo.api(.POST, entity, json: body)
                #expect(reply.status == 400)
                let fault = try reply.fault()
                #expect(fault.code == "610", "\(body.jsonText)")
                #expect(fault.message == "Object Not Found")
            }
            // An inactive customer can no longer be invoiced.
            _ = try await qbo.api(.POST, "customer", json: [
                "Id": customer["Id"] ?? nil, "SyncToken": "0", "sparse": true, "Active": false,
            ])
            let inactive = try await qbo.api(.POST, "invoice", json: ["CustomerRef": customerRef, "Line": [line([:])]])
            #expect(try inactive.fault().code == "610")
        }
    }

    @Test func readingAnUnknownIdIs610AndANonNumericIdIs2030() async throws {
        try await withSimulator { qbo in
            let missing = try await qbo.api(.GET, "customer/4242")
            #expect(missing.status == 400)
            let fault = try missing.fault()
            #expect(fault.code == "610")
            #expect(fault.detail.hasPrefix("Object Not Found : Something you're trying to use has been made inactive."))
            let invalid = try await qbo.api(.GET, "customer/1.5")
            #expect(try invalid.fault().code == "2030")
            #expect(try invalid.fault().detail == "Id should be a valid number. Supplied value:1.5")
            // US tax codes keep their letter ids.
            #expect(try await qbo.read("TaxCode", "TAX")["Name"] == "TAX")
        }
    }

    @Test func unknownPropertyIs2010() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let reply = try await qbo.api(.POST, "invoice", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "BadJson": "x",
                "Line": [["Amount": 5, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": [:]]],
            ])
            #expect(reply.status == 400)
            let fault = try reply.fault()
            #expect(fault.code == "2010")
            #expect(fault.message == "Request has invalid or unsupported property")
            #expect(fault.detail.hasPrefix(
                "Property Name:Unrecognized field \"BadJson\" (class com.intuit.schema.finance.v3.Invoice), not marked as ignorable"))
            #expect(fault.detail.contains("\"DocNumber\""))
        }
    }

    @Test func wrongValueTypeIs2010() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let reply = try await qbo.api(.POST, "payment", json: [
                "CustomerRef": ["value": customer["Id"] ?? nil], "TotalAmt": ["not": "a number"],
            ])
            #expect(try reply.fault().code == "2010")
        }
    }

    @Test func depositedPaymentIs6540ForUpdateVoidAndDelete() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let payment = try #require(try await qbo.makePayment(customer: customer, total: 100, applied: [(invoice, 100)])
                .json()["Payment"])
            let id = try #require(payment["Id"]?.stringValue)
            let marked = try await qbo.admin(.POST, "realms/\(qbo.realm.realmId)/payments/\(id)/deposit")
            #expect(marked.status == 200)
            let attempts: [(String, [(String, String)], JSONValue)] = [
                ("update", [], ["Id": .string(id), "SyncToken": "0", "sparse": true, "PrivateNote": "x"]),
                ("void", [("operation", "update"), ("include", "void")], ["Id": .string(id), "SyncToken": "0", "sparse": true]),
                ("delete", [("operation", "delete")], ["Id": .string(id), "SyncToken": "0"]),
            ]
            for (name, query, body) in attempts {
                let reply = try await qbo.api(.POST, "payment", query: query, json: body)
                #expect(reply.status == 400, "\(name)")
                let fault = try reply.fault()
                #expect(fault.code == "6540", "\(name)")
                #expect(fault.message == "Deposited Transaction cannot be changed")
            }
            #expect(try await qbo.read("Invoice", try #require(invoice["Id"]?.stringValue))["Balance"] == 0)
        }
    }

    @Test func applyingMoreThanTheOpenBalanceIs6000() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            _ = try await qbo.makePayment(customer: customer, total: 60, applied: [(invoice, 60)])
            let over = try await qbo.makePayment(customer: customer, total: 50, applied: [(invoice, 50)])
            #expect(over.status == 400)
            let fault = try over.fault()
            #expect(fault.code == "6000")
            #expect(fault.message == "A business validation error has occurred while processing your request")
            let invoiceID = try #require(invoice["Id"]?.stringValue)
            #expect(fault.detail == "Business Validation Error: The amount applied to Invoice \(invoiceID) (50.00) "
                + "exceeds its open balance (40.00).")
            #expect(try await qbo.read("Invoice", invoiceID)["Balance"] == 40)
        }
    }

    @Test func paymentLinesBeyondTotalAmtAre6000() async throws {
        try await withSimulator { qbo in
            let customer = try await qbo.makeCustomer()
            let invoice = try await qbo.makeInvoice(customer: customer, amounts: [100])
            let reply = try await qbo.makePayment(customer: customer, total: 50, applied: [(invoice, 80)])
            #expect(try reply.fault().code == "6000")
        }
    }
}
