import CCurlShim
import Foundation

/// One request's life inside the curl multi handle: its easy-handle options, the
/// response being received, and the continuation to resume when it ends.
///
/// Everything except `continuation` and `cancelRequested` is touched only on the
/// I/O thread; those two are guarded by the event loop's lock.
final class CurlTransfer: @unchecked Sendable {
    let request: HTTPRequest
    let connectTimeout: Duration
    let timeout: Duration
    let maxResponseBytes: Int
    let unixSocketPath: String?

    // Guarded by the event loop's lock.
    var continuation: CheckedContinuation<Result<HTTPResponse, QBOError>, Never>?
    var cancelRequested = false

    // I/O thread only.
    var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var responseBody = Data()
    private var responseHeaders: [HTTPHeader] = []
    private(set) var exceededCap = false
    private var startedAt = ContinuousClock.now
    private let errorBuffer: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        buffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        return buffer
    }()
    /// Connections the transfer opened, known once it finished.
    private(set) var newConnections = 0

    deinit {
        errorBuffer.deallocate()
        releaseHeaderList()
    }

    init(request: HTTPRequest, configuration: CurlTransport.Configuration) {
        self.request = request
        self.connectTimeout = request.connectTimeout ?? configuration.connectTimeout
        self.timeout = request.timeout ?? configuration.timeout
        self.maxResponseBytes = request.maxResponseBytes ?? configuration.maxResponseBytes
        self.unixSocketPath = configuration.unixSocketPath
    }

    /// Sets every option on a fresh or reset easy handle. Returns false when
    /// libcurl rejects an option, which means the request itself is malformed.
    func configure(_ handle: UnsafeMutableRawPointer) -> Bool {
        easy = handle
        startedAt = .now
        let context = Unmanaged.passUnretained(self).toOpaque()
        var ok = true
        func check(_ code: CURLcode) { if code != CURLE_OK { ok = false } }

        check(qbs_easy_setopt_pointer(handle, CURLOPT_URL, request.url))
        check(qbs_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        check(qbs_easy_setopt_pointer(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(qbs_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        check(qbs_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout)))
        check(qbs_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)))
        check(qbs_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        // Decompression happens before the write callback, so the size cap also
        // bounds a compressed body that inflates to something huge.
        check(qbs_easy_setopt_pointer(handle, CURLOPT_ACCEPT_ENCODING, ""))
        check(qbs_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxResponseBytes)))
        errorBuffer[0] = 0
        check(qbs_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        if let unixSocketPath {
            check(qbs_easy_setopt_pointer(handle, CURLOPT_UNIX_SOCKET_PATH, unixSocketPath))
        }

        switch request.method {
        case .get:
            check(qbs_easy_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case .post:
            check(qbs_easy_setopt_long(handle, CURLOPT_POST, 1))
            check(qbs_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // COPYPOSTFIELDS copies, so the body's lifetime need not match the transfer's.
            if request.body.isEmpty {
                check(qbs_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                request.body.withUnsafeBytes { bytes in
                    check(qbs_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress))
                }
            }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for header in request.headers {
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        if let authorization = request.authorization {
            list = curl_slist_append(list, "Authorization: \(authorization.exposedValue)")
        }
        // Without this libcurl sends `Expect: 100-continue` for larger bodies and
        // waits a second for servers that never answer it.
        list = curl_slist_append(list, "Expect:")
        headerList = list
        check(qbs_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list))

        check(qbs_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback))
        check(qbs_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        check(qbs_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
        check(qbs_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        return ok
    }

    /// Appends body bytes; refuses (which aborts the transfer) past the cap.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if responseBody.count + bytes.count > maxResponseBytes {
            exceededCap = true
            return false
        }
        responseBody.append(contentsOf: bytes)
        return true
    }

    /// Records one header line; a status line starts a new header block (after
    /// `100 Continue`, for instance).
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        guard let line = String(bytes: bytes, encoding: .utf8) ?? String(bytes: bytes, encoding: .isoLatin1) else { return }
        if line.hasPrefix("HTTP/") {
            responseHeaders.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if responseHeaders.count < 200 {
            responseHeaders.append(HTTPHeader(name, value))
        }
    }

    /// Turns libcurl's verdict into the transfer's result and releases the header list.
    func finish(code: CURLcode) -> Result<HTTPResponse, QBOError> {
        defer { releaseHeaderList() }
        guard let handle = easy else {
            return .failure(Self.failure(.other, curlCode: 0, sent: false, request: request, message: "transfer had no handle"))
        }
        var status = 0
        _ = qbs_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var connects = 0
        _ = qbs_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        var uploaded: curl_off_t = 0
        _ = qbs_easy_getinfo_off_t(handle, CURLINFO_SIZE_UPLOAD_T, &uploaded)
        var pretransfer: curl_off_t = 0
        _ = qbs_easy_getinfo_off_t(handle, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
        let duration = ContinuousClock.now - startedAt
        newConnections = connects

        if code == CURLE_OK {
            return .success(HTTPResponse(status: status, headers: responseHeaders, body: responseBody, newConnections: connects, duration: duration))
        }
        // A request counts as sent once the connection was ready for it and its
        // whole body was handed to the socket; a response status proves it too.
        let sent = status > 0 || (pretransfer > 0 && uploaded >= curl_off_t(request.body.count))
        let reason = Self.reason(for: code, exceededCap: exceededCap)
        var error = Self.failure(reason, curlCode: Int(code.rawValue), sent: sent, request: request, message: curlMessage(code))
        if status > 0 { error.httpStatus = status }
        return .failure(error)
    }

    func releaseHeaderList() {
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    private func curlMessage(_ code: CURLcode) -> String {
        let buffered = String(cString: errorBuffer)
        if !buffered.isEmpty { return buffered }
        return String(cString: curl_easy_strerror(code))
    }

    static func reason(for code: CURLcode, exceededCap: Bool) -> TransportFailure.Reason {
        switch code {
        case CURLE_WRITE_ERROR where exceededCap, CURLE_FILESIZE_EXCEEDED: .responseTooLarge
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
             CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION:
            .connectFailed
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        case CURLE_GOT_NOTHING: .emptyReply
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE: .connectionLost
        default: .other
        }
    }

    /// Builds the ``QBOError`` for a transfer that produced no usable response.
    static func failure(
        _ reason: TransportFailure.Reason, curlCode: Int, sent: Bool, request: HTTPRequest, message: String
    ) -> QBOError {
        let failure = TransportFailure(reason: reason, curlCode: curlCode, requestFullySent: sent)
        let kind: QBOError.Kind = switch reason {
        case .responseTooLarge: .invalidResponse
        case .cancelled: .cancelled
        default: .transient
        }
        // A write that reached the server and then lost its answer may have been
        // applied; a refused connection or a timeout before sending cannot have.
        let unknown = request.mayHaveSideEffects && sent && reason != .connectFailed
        return QBOError(
            kind: kind,
            message: "\(reason.rawValue): \(message)",
            outcomeUnknown: unknown,
            transportFailure: failure
        )
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

private let curlWriteCallback: qbs_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return 0 }
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private let curlHeaderCallback: qbs_data_callback = { data, size, count, context in
    let length = size * count
    guard let context, let data else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
