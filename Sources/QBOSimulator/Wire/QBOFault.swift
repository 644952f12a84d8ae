import Foundation

/// A fault as QBO reports it: `{"Fault":{"Error":[{"Message","Detail","code","element"}],"type"},"time"}`.
///
/// One struct with an extensible `Code` rather than an enum of cases, so a new QBO code is
/// one static constant; the catalog of faults QBO actually sends lives in
/// `QBOFault+Catalog.swift`.
struct QBOFault: Error, Sendable, Hashable {
    /// QBO's numeric error code, sent as a string (`"6140"`).
    struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        var rawValue: String
        init(rawValue: String) { self.rawValue = rawValue }
        var description: String { rawValue }

        static let unsupportedOperation = Code(rawValue: "500")
        static let objectNotFound = Code(rawValue: "610")
        static let batchSizeExceeded = Code(rawValue: "1040")
        static let unsupportedProperty = Code(rawValue: "2010")
        static let requiredParameterMissing = Code(rawValue: "2020")
        static let invalidID = Code(rawValue: "2030")
        static let invalidReference = Code(rawValue: "2500")
        static let queryParserError = Code(rawValue: "4000")
        static let invalidQuery = Code(rawValue: "4001")
        static let staleObject = Code(rawValue: "5010")
        static let businessValidation = Code(rawValue: "6000")
        static let amountCalculation = Code(rawValue: "6070")
        static let duplicateDocumentNumber = Code(rawValue: "6140")
        static let duplicateName = Code(rawValue: "6240")
        static let inventoryStartDate = Code(rawValue: "6270")
        static let missingInventoryQuantity = Code(rawValue: "6520")
        static let depositedTransaction = Code(rawValue: "6540")
        static let systemFailure = Code(rawValue: "10000")
        static let changedSinceTooOld = Code(rawValue: "10002")
    }

    var code: Code
    var message: String
    var detail: String
    /// The offending field; `nil` leaves the member out, as several real faults do.
    var element: String?
    /// `ValidationFault`, `SystemFault`, ...
    var type: String = "ValidationFault"
    var httpStatus: Int = 400

    /// The `{"Error":[...],"type":...}` object, the part a batch item carries as its `Fault`.
    var faultObject: JSONObject {
        var error: JSONObject = ["Message": .string(message), "Detail": .string(detail), "code": .string(code.rawValue)]
        if let element { error["element"] = .string(element) }
        return ["Error": [.object(error)], "type": .string(type)]
    }

    /// The whole response body.
    func body(time: Date) -> JSONObject {
        ["Fault": .object(faultObject), "time": .string(QBOTime.responseTime(time))]
    }
}
