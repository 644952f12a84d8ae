import CCurlShim
import Foundation
import Synchronization

/// Calls `curl_global_init` exactly once per process, before the first handle.
private let curlGlobalInitResult: CURLcode = qbs_global_init()

/// One curl multi handle driven by one dedicated thread.
///
/// Callers hand transfers over through a locked inbox and wake the thread with
/// `curl_multi_wakeup`; the thread adds them to the multi handle, runs
/// `curl_multi_perform`, resumes each finished transfer's continuation and sleeps
/// in `curl_multi_poll`. Easy handles are kept for reuse, and the multi handle's
/// connection cache keeps connections alive between requests.
final class CurlEventLoop: @unchecked Sendable {
    private enum State { case running, stopping, stopped }

    private struct Inbox {
        var state = State.running
        var submissions: [CurlTransfer] = []
        var cancellations: [CurlTransfer] = []
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let inbox = Mutex(Inbox())
    private let multi: UnsafeMutableRawPointer
    private let connectionsOpened = Atomic<Int>(0)
    private let maxIdleHandles = 32

    // Touched only on the I/O thread.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []

    init(maxConnectionsPerHost: Int, maxTotalConnections: Int) throws {
        guard curlGlobalInitResult == CURLE_OK else {
            throw QBOError(kind: .transient, message: "curl_global_init failed with code \(curlGlobalInitResult.rawValue)")
        }
        guard let multi = curl_multi_init() else {
            throw QBOError(kind: .transient, message: "curl_multi_init failed")
        }
        self.multi = multi
        _ = qbs_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        _ = qbs_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxTotalConnections)
        _ = qbs_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxTotalConnections)
        let thread = Thread { [self] in run() }
        thread.name = "qbo-curl-io"
        thread.start()
    }

    /// Connections opened by all finished transfers so far.
    var totalConnectionsOpened: Int { connectionsOpened.load(ordering: .relaxed) }

    /// Queues a transfer whose continuation is already set, and wakes the thread.
    func submit(_ transfer: CurlTransfer) {
        let rejection: QBOError? = inbox.withLock { inbox in
            if transfer.cancelRequested {
                return CurlTransfer.failure(.cancelled, curlCode: 0, sent: false, request: transfer.request, message: "cancelled before sending")
            }
            guard inbox.state == .running else {
                return CurlTransfer.failure(.shutDown, curlCode: 0, sent: false, request: transfer.request, message: "transport is shut down")
            }
            inbox.submissions.append(transfer)
            return nil
        }
        if let rejection {
            resume(transfer, with: .failure(rejection))
        } else {
            curl_multi_wakeup(multi)
        }
    }

    /// Asks the thread to abandon a transfer. Safe before, during or after the transfer runs.
    func cancel(_ transfer: CurlTransfer) {
        inbox.withLock { inbox in
            transfer.cancelRequested = true
            inbox.cancellations.append(transfer)
        }
        curl_multi_wakeup(multi)
    }

    /// Stops the thread after failing every unfinished transfer; returns once it has exited.
    func shutdown() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let alreadyStopped = inbox.withLock { inbox in
                if inbox.state == .stopped { return true }
                inbox.state = .stopping
                inbox.shutdownWaiters.append(waiter)
                return false
            }
            if alreadyStopped {
                waiter.resume()
            } else {
                curl_multi_wakeup(multi)
            }
        }
    }

    // MARK: - I/O thread

    private func run() {
        while true {
            let (submissions, cancellations, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.submissions.removeAll()
                    inbox.cancellations.removeAll()
                }
                return (inbox.submissions, inbox.cancellations, inbox.state == .stopping)
            }
            for transfer in submissions { start(transfer) }
            for transfer in cancellations { abandon(transfer, reason: .cancelled, message: "task cancelled") }
            if stopping { break }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinished()
            var ready: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
        stop()
    }

    private func start(_ transfer: CurlTransfer) {
        let cancelled = inbox.withLock { _ in transfer.cancelRequested }
        if cancelled {
            complete(transfer, with: .failure(CurlTransfer.failure(.cancelled, curlCode: 0, sent: false, request: transfer.request, message: "cancelled before sending")))
            return
        }
        guard let handle = idleHandles.popLast().map({ reset($0) }) ?? curl_easy_init() else {
            complete(transfer, with: .failure(CurlTransfer.failure(.other, curlCode: 0, sent: false, request: transfer.request, message: "curl_easy_init failed")))
            return
        }
        guard transfer.configure(handle) else {
            recycle(handle)
            transfer.releaseHeaderList()
            let error = QBOError(kind: .invalidRequest, message: "libcurl rejected the request options (malformed URL or header?)")
            complete(transfer, with: .failure(error))
            return
        }
        active[handle] = transfer
        curl_multi_add_handle(multi, handle)
    }

    private func reset(_ handle: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        // Reset clears options but keeps the handle's caches; the connections
        // themselves live in the multi handle's pool either way.
        curl_easy_reset(handle)
        return handle
    }

    private func collectFinished() {
        var handle: UnsafeMutableRawPointer?
        var code = CURLE_OK
        while qbs_multi_next_done(multi, &handle, &code) == 1 {
            guard let finished = handle, let transfer = active.removeValue(forKey: finished) else { continue }
            let result = transfer.finish(code: code)
            connectionsOpened.add(transfer.newConnections, ordering: .relaxed)
            curl_multi_remove_handle(multi, finished)
            recycle(finished)
            complete(transfer, with: result)
        }
    }

    private func abandon(_ transfer: CurlTransfer, reason: TransportFailure.Reason, message: String) {
        guard let handle = transfer.easy, active[handle] === transfer else { return }
        active.removeValue(forKey: handle)
        // Ask libcurl whether the request went out before it is torn down.
        let result = transfer.finish(code: CURLE_ABORTED_BY_CALLBACK)
        curl_multi_remove_handle(multi, handle)
        recycle(handle)
        var error = CurlTransfer.failure(
            reason,
            curlCode: 0,
            sent: result.failure?.transportFailure?.requestFullySent ?? false,
            request: transfer.request,
            message: message
        )
        error.httpStatus = nil
        complete(transfer, with: .failure(error))
    }

    private func recycle(_ handle: UnsafeMutableRawPointer) {
        if idleHandles.count < maxIdleHandles {
            idleHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
    }

    private func complete(_ transfer: CurlTransfer, with result: Result<HTTPResponse, QBOError>) {
        resume(transfer, with: result)
    }

    private func resume(_ transfer: CurlTransfer, with result: Result<HTTPResponse, QBOError>) {
        let continuation = inbox.withLock { _ in
            defer { transfer.continuation = nil }
            return transfer.continuation
        }
        continuation?.resume(returning: result)
    }

    private func stop() {
        for transfer in Array(active.values) {
            abandon(transfer, reason: .shutDown, message: "transport shut down")
        }
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
        let (leftovers, waiters) = inbox.withLock { inbox in
            inbox.state = .stopped
            defer {
                inbox.submissions.removeAll()
                inbox.shutdownWaiters.removeAll()
            }
            return (inbox.submissions, inbox.shutdownWaiters)
        }
        for transfer in leftovers {
            resume(transfer, with: .failure(CurlTransfer.failure(.shutDown, curlCode: 0, sent: false, request: transfer.request, message: "transport shut down")))
        }
        for waiter in waiters { waiter.resume() }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
