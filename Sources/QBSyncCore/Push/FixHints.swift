import QBOClient
import QBSyncWire

/// Turns a QBO failure into the record's `ErrorDetail`, with what to do about it.
enum FixHints {
    static func detail(_ error: QBOError, retryable: Bool, subject: String) -> ErrorDetail {
        ErrorDetail(
            errorClass: self.errorClass(error.kind),
            qboCode: error.code ?? "",
            message: error.message,
            detail: error.detail ?? "",
            element: error.element ?? "",
            fixHint: self.hint(error, subject: subject),
            retryable: retryable
        )
    }

    static func errorClass(_ kind: QBOError.Kind) -> ErrorClass {
        switch kind {
        case .transient, .invalidResponse, .cancelled: .transient
        case .throttled: .throttled
        case .staleObject: .staleObject
        case .authExpired: .authExpired
        case .authDead: .authDead
        case .duplicate: .duplicate
        case .notFound: .notFound
        case .locked: .locked
        default: .validation
        }
    }

    /// For an invoice QuickBooks totals differently (TAX_MISMATCH).
    static let taxMismatch = "QuickBooks' tax differs from the rental system's, usually because the tax rates differ: use the tax rates that exist in QuickBooks in the rental system, map the invoice's tax code, and send the invoice's tax_code so QuickBooks keeps the rental system's tax. Fix the invoice or the tax setup, then Resync."

    /// How a 6240's detail names the holder of a display name (see `Pusher.namingHolder`).
    static let heldBy = "is held by "

    static func hint(_ error: QBOError, subject: String) -> String {
        switch error.code {
        case "6140":
            let holder = error.duplicateHolderID.map { " (QBO transaction \($0))" } ?? ""
            return "Another QBO transaction\(holder) already uses this document number; renumber \(subject) in the rental system or void the other one in QuickBooks, then Resync."
        case "6240":
            let holder = error.detail?.range(of: Self.heldBy).map { " (\(error.detail![$0.upperBound...]))" } ?? ""
            return "A QBO customer, vendor or employee already has this name\(holder); link \(subject) to the existing one (LinkCustomer or LinkVendor, mode EXISTING) or change its display name."
        case "6270":
            return "The transaction date of \(subject) is earlier than the 'As of' date of an inventory item on it in QuickBooks. Set the item's 'As of' date in QuickBooks to the transaction date or earlier, or date \(subject) on or after the day QuickBooks started tracking the item; then Resync."
        case "6070":
            return "A line's amount is not quantity x rate; correct the line in the rental system and send \(subject) again."
        case "6210":
            return "The accounting period is closed in QuickBooks; reopen it or change the date, then Resync."
        case "6540":
            return "The payment is deposited in QuickBooks; remove it from the bank deposit in QuickBooks first, then void it again (VoidPayment) or Resync."
        case "2020":
            return "QuickBooks requires \(error.element.map { "'\($0)'" } ?? "a field") that was not sent; fill it in the rental system and send \(subject) again."
        case "610":
            return "Something \(subject) refers to is missing or inactive in QuickBooks (customer, item, account); reactivate it or fix the mapping, then Resync."
        default:
            break
        }
        switch error.kind {
        case .transient, .invalidResponse:
            return "QuickBooks or the network failed; qbsync retries with backoff, and the nightly sweep tries again after that. Resync to try now."
        case .throttled:
            return "QuickBooks throttled this company (too many requests); qbsync slows down and retries."
        case .authDead, .authExpired:
            return "The QuickBooks connection was revoked or expired; reconnect the company (ConnectCompany). Held records resume by themselves."
        case .notFound:
            return "The QuickBooks record no longer exists or is inactive; fix it in QuickBooks, then Resync."
        case .locked:
            return "QuickBooks locks this transaction; unlock it in QuickBooks, then Resync."
        case .duplicate:
            return "QuickBooks already holds a record with this name or number; link to it or rename, then Resync."
        default:
            return "QuickBooks rejected \(subject): fix the data in the rental system and send it again, or Resync after fixing QuickBooks."
        }
    }
}
