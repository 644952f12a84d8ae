import QBOClient
import QBSyncWire

/// What happens to a record after a failed push: retried later, held, or
/// ERRORED until someone fixes the cause. A value type, tested on its own.
public struct RetryPolicy: Sendable {
    /// Attempts per push before a transient failure becomes ERRORED.
    public var maxAttempts = 8
    /// First retry delay; doubles each attempt.
    public var baseDelay: Duration = .seconds(2)
    /// Longest delay between attempts.
    public var maxDelay: Duration = .seconds(300)

    /// Creates the default policy.
    public init() {}

    /// The decision for one failure.
    public enum Decision: Sendable, Equatable {
        /// PENDING again after the delay.
        case retry(after: Duration)
        /// PENDING and held: the company must reconnect; the attempt does not count.
        case holdForReconnect
        /// ERRORED; `retryable` says whether the nightly sweep tries again.
        case errored(retryable: Bool)
    }

    /// Decides what a failure on attempt `attempt` (1-based) means.
    ///
    /// - Parameter random: A number in 0..<1 for jitter (tests pass a fixed one).
    public func decide(_ error: QBOError, attempt: Int, random: Double) -> Decision {
        switch error.kind {
        case .authDead, .authExpired:
            return .holdForReconnect
        case .cancelled:
            return .retry(after: .zero)
        case .throttled:
            // The realm's limiter already holds back every request after a
            // 429; the record only needs to queue again.
            return attempt < self.maxAttempts * 2 ? .retry(after: self.backoff(attempt: attempt, random: random)) : .errored(retryable: true)
        case .transient, .invalidResponse, .staleObject:
            guard attempt < self.maxAttempts else { return .errored(retryable: true) }
            return .retry(after: self.backoff(attempt: attempt, random: random))
        default:
            return .errored(retryable: false)
        }
    }

    /// Exponential backoff with full jitter: uniform in [base, base * 2^(attempt-1)], capped.
    public func backoff(attempt: Int, random: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 20)
        let ceiling = min(self.baseDelay * (1 << exponent), self.maxDelay)
        let span = ceiling - self.baseDelay
        return self.baseDelay + span * max(0, min(1, random))
    }
}
