import ArgumentParser
import Foundation
import QBSyncWire

/// The exit codes of `qbsync` (sysexits.h numbers), so scripts can tell
/// a typo from a dead service from a record QuickBooks would not take.
enum ExitStatus: Int32, CaseIterable {
    /// Everything asked for was done.
    case success = 0
    /// Any other failure: a server bug (INTERNAL), an unexpected status.
    case failure = 1
    /// Bad command line: unknown option, missing argument, bad value, unreadable input file.
    case usage = 64
    /// The service rejected the request: INVALID_ARGUMENT, NOT_FOUND,
    /// FAILED_PRECONDITION, ALREADY_EXISTS (or PERMISSION_DENIED, OUT_OF_RANGE).
    case rejected = 65
    /// The service is unreachable (nothing listens on the socket, or it went away).
    case unreachable = 69
    /// A record failed or is blocked (`sync`, `resync`, `bulk-sync`, `refund`, `void-payment`).
    case syncFailed = 70
    /// Records synced, but QuickBooks holds them not quite as sent (a tax
    /// mismatch, a payment partly applied): see their warnings.
    case syncedWithWarnings = 71
    /// A deadline passed (--timeout, or --wait-timeout while waiting for records to settle).
    case timedOut = 75

    /// The lines `qbsync --help` and docs/cli.md show.
    static let helpText = """
        Exit codes:
          0   success
          64  usage error (bad option or argument, unreadable input file)
          65  request rejected by the service (invalid argument, not found,
              failed precondition, already exists)
          69  service unreachable (nothing listening on the socket, or it went away)
          70  a sync failed or is blocked (sync/resync/refund/void-payment with
              BLOCKED or ERRORED records, bulk-sync with failures)
          71  synced with warnings (--wait: a tax mismatch, a payment partly
              applied; the records are in QuickBooks, check what differs)
          75  timed out (--timeout, --wait-timeout)
          1   anything else (a server bug)
        """

    /// The exit status an RPC failure maps to.
    init(_ error: RPCError) {
        switch error.code {
        case .invalidArgument, .notFound, .failedPrecondition, .alreadyExists, .permissionDenied, .outOfRange: self = .rejected
        case .unavailable, .cancelled: self = .unreachable
        case .deadlineExceeded: self = .timedOut
        default: self = .failure
        }
    }
}

/// A failure the CLI reports itself: a sentence on stderr and an exit status.
struct CLIFailure: Error, CustomStringConvertible {
    var status: ExitStatus
    var message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    /// A usage error found after parsing (bad input file, missing fields).
    static func usage(_ message: String) -> CLIFailure { CLIFailure(.usage, message) }

    var description: String { self.message }
}

/// Prints an error the way every subcommand does and returns its exit status.
enum FailureReport {
    static func report(_ error: any Error, command: any ParsableCommand.Type) -> Int32 {
        switch error {
        case let failure as CLIFailure:
            if !failure.message.isEmpty { Console.error("qbsync: \(failure.message)") }
            return failure.status.rawValue
        case let error as RPCError:
            Console.error(Self.describe(error))
            return ExitStatus(error).rawValue
        default:
            let code = command.exitCode(for: error)
            if code == .success {
                // --help, --version: ArgumentParser's text goes to stdout.
                Console.out(command.fullMessage(for: error))
                return ExitStatus.success.rawValue
            }
            Console.error(command.fullMessage(for: error))
            // Every parse or validation error is a usage error, whatever ArgumentParser's default.
            return code == .validationFailure || error is ValidationError ? ExitStatus.usage.rawValue : code.rawValue
        }
    }

    /// "qbsync: rejected (INVALID_ARGUMENT): ..." plus the typed details.
    static func describe(_ error: RPCError) -> String {
        let what: String = switch ExitStatus(error) {
        case .rejected: "rejected (\(error.code))"
        case .unreachable: "service unavailable (\(error.code))"
        case .timedOut: "timed out (\(error.code))"
        default: "failed (\(error.code))"
        }
        var lines = ["qbsync: \(what): \(error.message)"]
        if let violation = error.detail(FieldViolation.self), !violation.field.isEmpty {
            lines.append("  field: \(violation.field): \(violation.description)")
        }
        if let detail = error.detail(ErrorDetail.self) {
            if !detail.qboCode.isEmpty { lines.append("  QuickBooks error \(detail.qboCode): \(detail.message)\(detail.detail.isEmpty ? "" : " — \(detail.detail)")") }
            if !detail.fixHint.isEmpty { lines.append("  fix: \(detail.fixHint)") }
        }
        return lines.joined(separator: "\n")
    }
}
