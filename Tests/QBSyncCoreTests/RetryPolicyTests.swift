import QBOClient
import Testing

@testable import QBSyncCore

/// What a failed push turns into, without a store or a socket.
@Suite struct RetryPolicyTests {
    private let policy: RetryPolicy = {
        var policy = RetryPolicy()
        policy.maxAttempts = 4
        policy.baseDelay = .seconds(2)
        policy.maxDelay = .seconds(30)
        return policy
    }()

    private func decide(_ kind: QBOError.Kind, attempt: Int, random: Double = 0.5) -> RetryPolicy.Decision {
        self.policy.decide(QBOError(kind: kind, message: "test"), attempt: attempt, random: random)
    }

    @Test func transientFailuresRetryUntilTheAttemptsAreUsedThenErrorRetryably() {
        for kind in [QBOError.Kind.transient, .invalidResponse, .staleObject] {
            guard case .retry = self.decide(kind, attempt: 1) else { Issue.record("\(kind) attempt 1"); continue }
            guard case .retry = self.decide(kind, attempt: 3) else { Issue.record("\(kind) attempt 3"); continue }
            #expect(self.decide(kind, attempt: 4) == .errored(retryable: true), "\(kind)")
        }
    }

    @Test func throttlingGetsTwiceTheAttempts() {
        guard case .retry = self.decide(.throttled, attempt: 7) else { Issue.record("throttled attempt 7"); return }
        #expect(self.decide(.throttled, attempt: 8) == .errored(retryable: true))
    }

    @Test func authFailuresHoldForAReconnectAndCancellationRetriesAtOnce() {
        #expect(self.decide(.authDead, attempt: 1) == .holdForReconnect)
        #expect(self.decide(.authExpired, attempt: 9) == .holdForReconnect)
        #expect(self.decide(.cancelled, attempt: 9) == .retry(after: .zero))
    }

    @Test func permanentFailuresWaitForAFix() {
        for kind in [QBOError.Kind.validation, .duplicate, .notFound] {
            #expect(self.decide(kind, attempt: 1) == .errored(retryable: false), "\(kind)")
        }
    }

    @Test func backoffDoublesWithFullJitterAndIsCapped() {
        #expect(self.policy.backoff(attempt: 1, random: 0.9) == .seconds(2))
        #expect(self.policy.backoff(attempt: 3, random: 0) == .seconds(2))
        #expect(self.policy.backoff(attempt: 3, random: 1) == .seconds(8))
        #expect(self.policy.backoff(attempt: 3, random: 0.5) == .seconds(5))
        #expect(self.policy.backoff(attempt: 30, random: 1) == .seconds(30))
        #expect(self.policy.backoff(attempt: 30, random: 7) == .seconds(30))
        #expect(self.policy.backoff(attempt: 0, random: -1) == .seconds(2))
    }
}
