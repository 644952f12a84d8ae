import Logging
import Synchronization

/// Bounds how often connection errors reach the log, across all connections.
///
/// Every GoAway for a broken protocol, a refused peer or a stalled reader is
/// worth a line, but a hostile peer can cause thousands a second. A token
/// bucket lets `burst` lines through, then `perSecond`; what it holds back is
/// counted and reported with the next line that passes.
public final class LogThrottle: Sendable {
    private struct Bucket {
        var tokens: Double
        var refilledAt: ContinuousClock.Instant
        var suppressed = 0
    }

    private let perSecond: Double
    private let burst: Double
    private let bucket: Mutex<Bucket>

    /// Creates a throttle.
    ///
    /// - Parameters:
    ///   - perSecond: Lines per second in the long run.
    ///   - burst: Lines let through at once after a quiet spell.
    public init(perSecond: Double = 10, burst: Double = 50) {
        self.perSecond = perSecond
        self.burst = burst
        self.bucket = Mutex(Bucket(tokens: burst, refilledAt: .now))
    }

    /// Logs at notice level unless the budget is spent.
    public func log(_ logger: Logger, _ message: Logger.Message, metadata: Logger.Metadata = [:]) {
        let suppressed: Int? = self.bucket.withLock { bucket in
            let now = ContinuousClock.now
            let elapsed = now - bucket.refilledAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(self.burst, bucket.tokens + seconds * self.perSecond)
            bucket.refilledAt = now
            guard bucket.tokens >= 1 else {
                bucket.suppressed += 1
                return nil
            }
            bucket.tokens -= 1
            defer { bucket.suppressed = 0 }
            return bucket.suppressed
        }
        guard let suppressed else { return }
        var metadata = metadata
        if suppressed > 0 { metadata["suppressed_before"] = "\(suppressed)" }
        logger.notice(message, metadata: metadata)
    }

    /// Lines held back since the last one that passed (for tests).
    var suppressedCount: Int { self.bucket.withLock { $0.suppressed } }
}
