/// Admissions in a sliding 60-second window: what QBO's "N requests per minute" counts.
///
/// An admission leaves the window 60 seconds after it was made; the instants are kept in
/// arrival order, so forgetting is a walk from the oldest.
struct MinuteWindow: Sendable {
    private var admitted: [ContinuousClock.Instant] = []
    private var oldest = 0

    /// Records an admission made at `now`.
    mutating func record(at now: ContinuousClock.Instant) {
        admitted.append(now)
    }

    /// Admissions made in the 60 seconds up to `now`.
    mutating func count(at now: ContinuousClock.Instant) -> Int {
        let windowStart = now - .seconds(60)
        while oldest < admitted.count, admitted[oldest] <= windowStart { oldest += 1 }
        if oldest > 1024, oldest * 2 > admitted.count {
            admitted.removeFirst(oldest)
            oldest = 0
        }
        return admitted.count - oldest
    }
}
