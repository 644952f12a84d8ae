/// The one error type QBOClient throws, from every layer: libcurl, HTTP, QBO
/// faults in all their shapes, OAuth and local validation.
///
/// The sync engine decides what to do from ``kind`` (retry, refresh, re-read,
/// wait for a person) and from ``outcomeUnknown`` (read back before re-creating).
/// The other fields carry what QBO said, for status pages and support tickets.
/// Nothing in an error, its `description` or its mirror contains a token or a
/// client secret: texts are scrubbed when the error is built.
public struct QBOError: Error, Sendable, Hashable {
    /// What kind of failure this is, as far as the caller's next step is concerned.
    public var kind: Kind
    /// The HTTP status of the response, or `nil` when no response arrived.
    public var httpStatus: Int?
    /// QBO's error code (`"6140"`, `"3200"`), or `nil` when the failure did not
    /// come from a QBO fault (network, proxy page, local validation).
    public var code: String?
    /// A one-line explanation: QBO's `Message`, or ours for non-QBO failures.
    public var message: String
    /// QBO's `Detail`, which often names the offending value or record.
    public var detail: String?
    /// QBO's `element`: the field the fault is about, when QBO names it.
    public var element: String?
    /// How long to wait before retrying, from `Retry-After` or QBO's documented
    /// throttle window; `nil` leaves the backoff to the caller.
    public var retryAfter: Duration?
    /// `true` when a write may have been applied even though no success reached us:
    /// the request was fully sent and then the connection timed out, was reset,
    /// gave an empty reply or an unreadable answer. Read back (DocNumber or the
    /// PrivateNote marker) before creating the record again.
    public var outcomeUnknown: Bool
    /// For ``Kind/duplicate``: the Id of the record that already holds the
    /// DocNumber or DisplayName, parsed from `Detail` (`TxnId=145`, `Id=58`) when present.
    public var duplicateHolderID: String?
    /// QBO's fault `type` (`ValidationFault`, `SERVICE`, `AUTHENTICATION`), when given.
    public var faultType: String?
    /// The `intuit_tid` response header: the id Intuit support asks for.
    public var intuitTID: String?
    /// Further errors of the same fault, when QBO listed more than one.
    public var otherFaultErrors: [FaultError]
    /// What went wrong below HTTP, for failures that never produced a response.
    public var transportFailure: TransportFailure?

    /// Creates an error; `message` and `detail` are scrubbed of token-like values.
    /// - Parameters:
    ///   - kind: The classification that drives the caller's next step.
    ///   - message: A one-line explanation.
    ///   - httpStatus: The HTTP status, if a response arrived.
    ///   - code: QBO's error code, if the failure is a QBO fault.
    ///   - detail: QBO's `Detail` text.
    ///   - element: QBO's `element`.
    ///   - retryAfter: How long to wait before retrying, if known.
    ///   - outcomeUnknown: Whether a write may have been applied.
    ///   - transportFailure: The failure below HTTP, if any.
    public init(
        kind: Kind,
        message: String,
        httpStatus: Int? = nil,
        code: String? = nil,
        detail: String? = nil,
        element: String? = nil,
        retryAfter: Duration? = nil,
        outcomeUnknown: Bool = false,
        transportFailure: TransportFailure? = nil
    ) {
        self.kind = kind
        self.message = Redaction.scrub(message)
        self.httpStatus = httpStatus
        self.code = code
        self.detail = detail.map(Redaction.scrub)
        self.element = element
        self.retryAfter = retryAfter
        self.outcomeUnknown = outcomeUnknown
        self.duplicateHolderID = nil
        self.faultType = nil
        self.intuitTID = nil
        self.otherFaultErrors = []
        self.transportFailure = transportFailure
    }

    /// Whether retrying the same request (same `requestid`) later can succeed
    /// without anyone fixing data: transient, throttled, stale object (after a
    /// re-read), expired auth (after a refresh) and unreadable responses.
    public var isRetryable: Bool {
        switch kind {
        case .transient, .throttled, .staleObject, .authExpired, .invalidResponse: true
        default: false
        }
    }
}

extension QBOError {
    /// The classification of a failure by what the sync engine should do next.
    ///
    /// A struct rather than an enum so new kinds can be added without breaking
    /// `switch` statements in callers, which should keep a `default:` branch.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case transient, throttled, staleObject, authExpired, authDead, duplicate
            case validation, notFound, locked, invalidResponse, invalidRequest, cancelled
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The kind's name, e.g. `staleObject`.
        public var description: String { value.rawValue }

        /// Network failure, HTTP 5xx or QBO 10000: retry with backoff and the same `requestid`.
        public static let transient = Kind(.transient)
        /// HTTP 429 or QBO 3001: wait ``QBOError/retryAfter`` (about 60 s), then retry.
        public static let throttled = Kind(.throttled)
        /// QBO 5010, stale SyncToken: re-read by Id, re-apply the change, retry.
        public static let staleObject = Kind(.staleObject)
        /// HTTP 401 / QBO 3200: refresh the access token once and retry. The client
        /// does this itself; callers only see this kind from the token endpoint path.
        public static let authExpired = Kind(.authExpired)
        /// `invalid_grant`, QBO 100/120/3100, HTTP 403 or a 401 right after a refresh:
        /// the company must be reconnected by a person; stop syncing this realm.
        public static let authDead = Kind(.authDead)
        /// QBO 6140 (DocNumber) or 6240 (DisplayName) already used: see ``QBOError/duplicateHolderID``.
        public static let duplicate = Kind(.duplicate)
        /// The request is wrong (2010, 2020, 2030, 4000, 4001, 6000, 6070, ...): permanent until the data is fixed.
        public static let validation = Kind(.validation)
        /// QBO 610: the record (or one it references) does not exist or is inactive.
        public static let notFound = Kind(.notFound)
        /// QBO 6210 (closed period) or 6540 (deposited): the record cannot change any more.
        public static let locked = Kind(.locked)
        /// A response that cannot be read: malformed or too deeply nested JSON,
        /// invalid UTF-8, an oversized body. Retryable a bounded number of times.
        public static let invalidResponse = Kind(.invalidResponse)
        /// Rejected locally before sending (batch over 30 items, `requestid` over
        /// 50 characters, an amount with more than 2 decimals): a programming or data error.
        public static let invalidRequest = Kind(.invalidRequest)
        /// The calling task was cancelled; see ``QBOError/outcomeUnknown`` for writes.
        public static let cancelled = Kind(.cancelled)
    }

    /// One entry of a QBO fault's `Error` array.
    public struct FaultError: Sendable, Hashable {
        /// QBO's error code, e.g. `"2020"`.
        public var code: String?
        /// QBO's `Message`.
        public var message: String
        /// QBO's `Detail`, scrubbed of token-like values.
        public var detail: String?
        /// QBO's `element`, e.g. `"Line.DetailType"`.
        public var element: String?

        /// Creates a fault entry.
        /// - Parameters:
        ///   - code: QBO's error code.
        ///   - message: QBO's `Message`.
        ///   - detail: QBO's `Detail`.
        ///   - element: QBO's `element`.
        public init(code: String?, message: String, detail: String?, element: String?) {
            self.code = code
            self.message = Redaction.scrub(message)
            self.detail = detail.map(Redaction.scrub)
            self.element = element
        }
    }
}

extension QBOError: CustomStringConvertible, CustomDebugStringConvertible {
    /// A one-line summary: kind, status, code, message and detail (already scrubbed).
    public var description: String {
        var parts = ["kind: \(kind)"]
        if let httpStatus { parts.append("http: \(httpStatus)") }
        if let code { parts.append("code: \(code)") }
        parts.append("message: \(message)")
        if let detail, !detail.isEmpty { parts.append("detail: \(detail)") }
        if let element, !element.isEmpty { parts.append("element: \(element)") }
        if let duplicateHolderID { parts.append("holder: \(duplicateHolderID)") }
        if let retryAfter { parts.append("retryAfter: \(retryAfter)") }
        if outcomeUnknown { parts.append("outcomeUnknown") }
        if let transportFailure { parts.append("transport: \(transportFailure)") }
        if let intuitTID { parts.append("intuit_tid: \(intuitTID)") }
        return "QBOError(\(parts.joined(separator: ", ")))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }
}
