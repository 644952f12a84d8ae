import Foundation
import QBSyncClient
import QBSyncWire

/// The event stream with reconnects: on UNAVAILABLE or a lost connection it
/// retries with backoff and resumes after the last sequence it delivered; on
/// RESOURCE_EXHAUSTED it resumes from the StreamResumePoint the server attached.
struct EventFeed: Sendable {
    let client: QBSyncClient
    let company: String
    let continuation: AsyncStream<WatchInput>.Continuation

    func run() async {
        var after: UInt64 = 0
        var attempt = 0
        while !Task.isCancelled {
            var reason = "the stream ended"
            do {
                let stream = self.client.streamSyncEvents(StreamSyncEventsRequest(afterSequence: after, companyID: self.company, includeHealth: true))
                streaming: for try await message in stream {
                    switch message.kind {
                    case .health(let health)?:
                        if after > 0, health.lastSequence < after {
                            // The service's event log is younger than our cursor (a new database):
                            // start over from its snapshot.
                            after = 0
                            reason = "the service's event log was reset"
                            break streaming
                        }
                        self.continuation.yield(.snapshot(health))
                        self.continuation.yield(.link(.live))
                        attempt = 0
                    case .event(let event)?:
                        after = max(after, event.sequence)
                        self.continuation.yield(.event(event))
                    case nil:
                        break
                    }
                }
            } catch {
                if Task.isCancelled { return }
                reason = "\(error.code): \(error.message)"
                switch error.code {
                case .resourceExhausted:
                    if let point = error.detail(StreamResumePoint.self) { after = point.lastDeliveredSequence }
                    continue
                case .outOfRange:
                    after = 0
                case .unavailable:
                    if let point = error.detail(StreamResumePoint.self), point.lastDeliveredSequence > 0 { after = max(after, point.lastDeliveredSequence) }
                default:
                    break
                }
            }
            if Task.isCancelled { return }
            attempt += 1
            let delay = min(0.25 * pow(2, Double(min(attempt, 6))), 5)
            self.continuation.yield(.link(.reconnecting(attempt: attempt, reason: reason, retryAt: Date().addingTimeInterval(delay))))
            try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
        }
    }
}
