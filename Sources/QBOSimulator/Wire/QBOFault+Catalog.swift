import Foundation

// The faults QBO sends, worded as recorded in shared/qbo-fixtures where a recording exists,
// otherwise as QBO's developer documentation and public issue threads quote them.
extension QBOFault {
    static func objectNotFound() -> QBOFault {
        QBOFault(
            code: .objectNotFound, message: "Object Not Found",
            detail: "Object Not Found : Something you're trying to use has been made inactive. "
                + "Check the fields with accounts, customers, items, vendors or employees.",
            element: "")
    }

    static func staleObject() -> QBOFault {
        QBOFault(
            code: .staleObject, message: "Stale Object Error",
            detail: "Stale Object Error : You and QuickBooks Simulator were working on this at the same time. "
                + "QuickBooks Simulator finished before you did, so your work was not saved.",
            element: "")
    }

    static func requiredParameter(_ element: String) -> QBOFault {
        QBOFault(
            code: .requiredParameterMissing,
            message: "Required param missing, need to supply the required value for the API",
            detail: "Required parameter \(element) is missing in the request", element: element)
    }

    static func unsupportedProperty(_ name: String, of kind: EntityKind) -> QBOFault {
        let known = kind.knownProperties.sorted()
        let list = known.map { "\"\($0)\"" }.joined(separator: ", ")
        return QBOFault(
            code: .unsupportedProperty, message: "Request has invalid or unsupported property",
            detail: "Property Name:Unrecognized field \"\(name)\" (class com.intuit.schema.finance.v3.\(kind.name)), "
                + "not marked as ignorable (\(known.count) known properties: \(list)])\n specified is unsupported or invalid",
            element: nil)
    }

    /// A value of the wrong JSON type, or a body that is not JSON at all.
    static func invalidValue(_ detail: String) -> QBOFault {
        QBOFault(
            code: .unsupportedProperty, message: "Request has invalid or unsupported property",
            detail: "Property Name:\(detail) specified is unsupported or invalid", element: nil)
    }

    static func invalidID(_ supplied: String) -> QBOFault {
        QBOFault(
            code: .invalidID, message: "Invalid ID",
            detail: "Id should be a valid number. Supplied value:\(supplied)", element: "Id")
    }

    /// A reference to nothing the company has, worded as QBO's XML answer quoted in
    /// intuit/QuickBooks-V3-PHP-SDK issue #102 (`<Error code="2500"
    /// element="Line.SalesItemLineDetail.ItemRef">`); 2500 is in Intuit's list of frequent
    /// API errors. The simulator gives it for an unknown `TxnTaxDetail.TxnTaxCodeRef`.
    static func invalidReference(_ element: String) -> QBOFault {
        QBOFault(
            code: .invalidReference, message: "Invalid Reference Id", detail: "Invalid Reference Id : \(element)",
            element: element)
    }

    static func duplicateDocumentNumber(_ docNumber: String, heldBy kind: EntityKind, id: String) -> QBOFault {
        QBOFault(
            code: .duplicateDocumentNumber, message: "Duplicate Document Number Error",
            detail: "Duplicate Document Number Error : You must specify a different number. This number has already "
                + "been used. DocNumber=\(docNumber) is assigned to TxnType=\(kind.transactionTypeName) with TxnId=\(id)",
            element: "")
    }

    static func duplicateName() -> QBOFault {
        QBOFault(
            code: .duplicateName, message: "Duplicate Name Exists Error",
            detail: "The name supplied already exists. : null", element: nil)
    }

    static func amountCalculation(supplied: Decimal) -> QBOFault {
        QBOFault(
            code: .amountCalculation, message: "Amount calculation incorrect in the request.",
            detail: "Amount is not equal to UnitPrice * Qty. Supplied value:\(supplied.plainString)",
            element: "Line.Amount")
    }

    static func depositedTransaction() -> QBOFault {
        QBOFault(
            code: .depositedTransaction, message: "Deposited Transaction cannot be changed",
            detail: "This transaction has been deposited. If you want to change or delete it, "
                + "you must first edit the deposit it appears on and remove it.",
            element: "")
    }

    static func businessValidation(_ detail: String) -> QBOFault {
        QBOFault(
            code: .businessValidation, message: "A business validation error has occurred while processing your request",
            detail: "Business Validation Error: \(detail)", element: "")
    }

    static func unsupportedOperation(_ detail: String) -> QBOFault {
        QBOFault(
            code: .unsupportedOperation, message: "Unsupported Operation",
            detail: "Operation \(detail) is not supported.", element: nil)
    }

    static func queryParser(_ detail: String) -> QBOFault {
        QBOFault(code: .queryParserError, message: "Error parsing query", detail: "QueryParserError: \(detail)", element: nil)
    }

    static func invalidQuery(_ detail: String) -> QBOFault {
        QBOFault(code: .invalidQuery, message: "Invalid query", detail: "QueryValidationError: \(detail)", element: nil)
    }

    static func batchSizeExceeded(_ count: Int) -> QBOFault {
        QBOFault(
            code: .batchSizeExceeded, message: "Batch size exceeds allowed limit",
            detail: "Batch size exceeds allowed limit: \(count) BatchItemRequests were sent; the limit is "
                + "\(BatchLimits.maximumItems).",
            element: nil)
    }

    static func requestIDTooLong(_ requestID: String) -> QBOFault {
        businessValidation(
            "You cannot enter more than \(RequestReplayCache.maximumRequestIDLength) characters in the request_id "
                + "field. You tried entering \(requestID.prefix(10))..., which is \(requestID.count) characters.")
    }

    /// Change data capture asked for a window opening more than 30 days ago. QBO documents
    /// the 30-day limit; the code and wording here are the simulator's (no recording).
    static func changedSinceTooOld(_ changedSince: String) -> QBOFault {
        QBOFault(
            code: .changedSinceTooOld, message: "Invalid changedSince",
            detail: "changedSince=\(changedSince) is more than 30 days in the past: change data capture looks back "
                + "30 days at most.",
            element: "changedSince")
    }

    /// The fault an injected server error answers with: HTTP 500, nothing changed.
    static func systemFailure() -> QBOFault {
        QBOFault(
            code: .systemFailure, message: "An application error has occurred while processing your request",
            detail: "System Failure Error: An unexpected error occurred while accessing or saving your data. "
                + "Please wait a few minutes and try again. If the problem persists, contact customer support.",
            element: "", type: "SystemFault", httpStatus: 500)
    }
}

/// Limits of `POST /batch`.
enum BatchLimits {
    static let maximumItems = 30
}
