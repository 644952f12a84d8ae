import Foundation
import Synchronization

/// The simulator's "now" for the books: the wall clock plus an offset that tests and
/// operators move forward, so rules measured in days (change data capture's 30-day window)
/// and `LastUpdatedTime` ordering can be exercised without waiting.
///
/// It dates what QBO dates: `MetaData` times, default `TxnDate`s, the `time` of responses,
/// the CDC window. Access-token lifetimes and the throttle's 60-second window keep real
/// monotonic time, so advancing the clock never expires a token or refills a budget.
final class SimulatorClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    /// The wall clock moved forward by every `advance` so far.
    var now: Date {
        Date().addingTimeInterval(offset.withLock { $0 })
    }

    /// How far the clock has been moved forward, in seconds.
    var offsetSeconds: TimeInterval {
        offset.withLock { $0 }
    }

    /// Moves the clock forward; it never goes back, so `LastUpdatedTime`s stay ordered.
    func advance(by seconds: TimeInterval) throws(SimulatorError) {
        guard seconds >= 0, seconds.isFinite else { throw .badRequest("the clock only moves forward") }
        offset.withLock { $0 += seconds }
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
