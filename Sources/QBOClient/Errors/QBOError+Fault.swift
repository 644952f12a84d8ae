import Foundation

extension QBOError {
    /// Builds the error for a non-success HTTP response, from whichever fault
    /// shape the body holds: QBO's JSON `Fault`, the lower-case `fault` of 401s,
    /// the XML throttle fault, or nothing usable (proxy HTML, empty body), in
    /// which case the HTTP status decides.
    /// - Parameters:
    ///   - response: The response.
    ///   - request: The request it answers; decides ``outcomeUnknown`` for writes.
    public init(response: HTTPResponse, request: HTTPRequest) {
        let fault = FaultBody.parse(response.body)
        let first = fault?.errors.first
        let kind = Self.classify(code: first?.code, httpStatus: response.status)
        self.init(
            kind: kind,
            message: first?.message ?? Self.statusMessage(response.status),
            httpStatus: response.status,
            code: first?.code,
            detail: first?.detail,
            element: first?.element.flatMap { $0.isEmpty ? nil : $0 },
            retryAfter: Self.retryAfter(kind: kind, header: response.header("retry-after")),
            // A 5xx may come from a proxy that gave up after QBO applied the write.
            outcomeUnknown: request.mayHaveSideEffects && kind == .transient
        )
        faultType = fault?.type
        intuitTID = response.header("intuit_tid")
        otherFaultErrors = Array(fault?.errors.dropFirst() ?? [])
        if kind == .duplicate {
            duplicateHolderID = Self.holderID(in: first?.detail)
        }
    }

    /// Builds the error for one fault inside a batch item response.
    init(batchFault: JSONValue, httpStatus: Int) {
        let fault = FaultBody.parse(json: batchFault)
        let first = fault?.errors.first
        let kind = Self.classify(code: first?.code, httpStatus: httpStatus)
        self.init(
            kind: kind,
            message: first?.message ?? "batch item failed",
            httpStatus: httpStatus,
            code: first?.code,
            detail: first?.detail,
            element: first?.element.flatMap { $0.isEmpty ? nil : $0 },
            retryAfter: Self.retryAfter(kind: kind, header: nil)
        )
        faultType = fault?.type
        otherFaultErrors = Array(fault?.errors.dropFirst() ?? [])
        if kind == .duplicate {
            duplicateHolderID = Self.holderID(in: first?.detail)
        }
    }

    /// Maps a QBO error code (preferred) or an HTTP status to a kind.
    /// - Parameters:
    ///   - code: QBO's error code, if any.
    ///   - httpStatus: The HTTP status.
    public static func classify(code: String?, httpStatus: Int) -> Kind {
        if let code, let number = Int(code.trimmingCharacters(in: .whitespaces)) {
            switch number {
            case 3200: return .authExpired
            case 100, 120, 3100: return .authDead
            case 3001: return .throttled
            case 5010: return .staleObject
            case 6140, 6240: return .duplicate
            case 610: return .notFound
            case 6210, 6540: return .locked
            case 10000: return .transient
            default:
                // An unknown code on a 5xx is QBO's own trouble; on a 4xx it is about the request.
                if httpStatus >= 500 { return .transient }
                if httpStatus == 429 { return .throttled }
                if httpStatus == 401 { return .authExpired }
                return .validation
            }
        }
        switch httpStatus {
        case 401: return .authExpired
        case 403: return .authDead
        case 404: return .notFound
        case 408, 500...599: return .transient
        case 429: return .throttled
        case 200...299: return .invalidResponse
        default: return .validation
        }
    }

    /// QBO's documented throttle window when the response names none.
    static let defaultThrottleWait = Duration.seconds(60)

    private static func retryAfter(kind: Kind, header: String?) -> Duration? {
        if let header, let seconds = Int(header.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return .seconds(seconds)
        }
        return kind == .throttled ? defaultThrottleWait : nil
    }

    private static func statusMessage(_ status: Int) -> String {
        "HTTP \(status) without a QBO fault body"
    }

    /// Finds the Id of the record holding a duplicate DocNumber or DisplayName in
    /// QBO's detail text: `... TxnId=145`, `... : Id=58`.
    /// - Parameter detail: QBO's `Detail`.
    static func holderID(in detail: String?) -> String? {
        guard let detail else { return nil }
        for marker in ["TxnId=", "Id="] {
            var searchStart = detail.startIndex
            while let range = detail.range(of: marker, range: searchStart..<detail.endIndex) {
                searchStart = range.upperBound
                // `Id=` must start a word, so `TxnId=` or `ParentId=` do not match it.
                if marker == "Id=", range.lowerBound > detail.startIndex,
                   detail[detail.index(before: range.lowerBound)].isLetter {
                    continue
                }
                let digits = detail[range.upperBound...].prefix { $0.isNumber }
                if !digits.isEmpty { return String(digits) }
            }
        }
        return nil
    }
}

/// The parts of a QBO fault, whatever its spelling.
struct FaultBody {
    var type: String?
    var errors: [QBOError.FaultError]

    /// Reads a fault from a response body; `nil` when the body holds none.
    static func parse(_ body: Data) -> FaultBody? {
        guard !body.isEmpty else { return nil }
        let trimmed = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if trimmed.first == UInt8(ascii: "<") {
            return parseXML(body)
        }
        guard let json = try? QBOCoding.decode(JSONValue.self, from: body) else { return nil }
        return parse(json: json)
    }

    /// Reads a fault from a JSON document holding `Fault`/`fault`, or from the fault object itself.
    static func parse(json: JSONValue) -> FaultBody? {
        let fault = json.member("Fault") ?? json
        guard let errorList = fault.member("Error")?.arrayValue else { return nil }
        let errors = errorList.map { error in
            QBOError.FaultError(
                code: error.member("code")?.text,
                message: error.member("Message")?.text ?? "QBO fault without a message",
                detail: error.member("Detail")?.text,
                element: error.member("element")?.text
            )
        }
        guard !errors.isEmpty else { return nil }
        return FaultBody(type: fault.member("type")?.text, errors: errors)
    }

    /// Reads the XML fault QBO's throttling layer sends:
    /// `<Fault type="SERVICE"><Error code="3001"><Message>...</Message><Detail>...</Detail></Error></Fault>`.
    static func parseXML(_ body: Data) -> FaultBody? {
        guard let text = String(validating: body, as: UTF8.self), let faultTag = openingTag("Fault", in: text) else {
            return nil
        }
        var errors: [QBOError.FaultError] = []
        var rest = text[faultTag.range.upperBound...]
        while let errorTag = openingTag("Error", in: rest) {
            let end = rest.range(of: "</Error>", range: errorTag.range.upperBound..<rest.endIndex)?.lowerBound ?? rest.endIndex
            let inner = rest[errorTag.range.upperBound..<end]
            errors.append(QBOError.FaultError(
                code: attribute("code", in: errorTag.tag),
                message: element("Message", in: inner) ?? "QBO fault without a message",
                detail: element("Detail", in: inner),
                element: attribute("element", in: errorTag.tag)
            ))
            rest = rest[end...]
        }
        guard !errors.isEmpty else { return nil }
        return FaultBody(type: attribute("type", in: faultTag.tag), errors: errors)
    }

    private static func openingTag(_ name: String, in text: some StringProtocol) -> (tag: Substring, range: Range<String.Index>)? {
        var searchStart = text.startIndex
        while let start = text.range(of: "<\(name)", range: searchStart..<text.endIndex) {
            searchStart = start.upperBound
            guard start.upperBound < text.endIndex else { return nil }
            let next = text[start.upperBound]
            guard next == ">" || next == " " || next == "/" || next == "\n" || next == "\t" else { continue }
            guard let close = text.range(of: ">", range: start.upperBound..<text.endIndex) else { return nil }
            return (Substring(text[start.lowerBound..<close.upperBound]), start.lowerBound..<close.upperBound)
        }
        return nil
    }

    private static func attribute(_ name: String, in tag: Substring) -> String? {
        for quote in ["\"", "'"] {
            if let start = tag.range(of: " \(name)=\(quote)"),
               let end = tag.range(of: quote, range: start.upperBound..<tag.endIndex) {
                return unescape(tag[start.upperBound..<end.lowerBound])
            }
        }
        return nil
    }

    private static func element(_ name: String, in text: Substring) -> String? {
        guard let tag = openingTag(name, in: text),
              let end = text.range(of: "</\(name)>", range: tag.range.upperBound..<text.endIndex) else { return nil }
        return unescape(text[tag.range.upperBound..<end.lowerBound])
    }

    private static func unescape(_ text: Substring) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
