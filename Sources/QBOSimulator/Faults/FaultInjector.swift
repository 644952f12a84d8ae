/// SplitMix64: tiny, fast and seedable, so a fault run repeats exactly.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What happens to one API request besides being handled.
struct FaultDecision: Sendable, Equatable {
    enum Failure: Sendable, Equatable {
        case none
        /// HTTP 500 SystemFault, nothing changed.
        case serverError
        /// Connection closed before acting.
        case drop
        /// Acted and recorded, then the connection closed without an answer.
        case lostResponse
    }

    var failure: Failure
    var latencyMilliseconds: Int
}

/// A fault plan and the generator that applies it.
struct FaultInjector: Sendable {
    private(set) var plan: FaultPlan
    private var generator: SplitMix64

    init(plan: FaultPlan) {
        self.plan = plan
        generator = SplitMix64(seed: plan.seed)
    }

    /// Decides one request's fate with one draw, so the same seed gives the same run.
    mutating func decide() -> FaultDecision {
        let draw = Double(generator.next() >> 11) / Double(1 << 53)
        var latency = plan.latencyMs
        if plan.latencyJitterMs > 0 {
            latency += Int(generator.next() % UInt64(plan.latencyJitterMs + 1))
        }
        let failure: FaultDecision.Failure
        if draw < plan.errorRate {
            failure = .serverError
        } else if draw < plan.errorRate + plan.dropRate {
            failure = .drop
        } else if draw < plan.errorRate + plan.dropRate + plan.lostResponseRate {
            failure = .lostResponse
        } else {
            failure = .none
        }
        return FaultDecision(failure: failure, latencyMilliseconds: latency)
    }
}
