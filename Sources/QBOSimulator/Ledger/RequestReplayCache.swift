/// The responses a realm sent to requests that carried a `requestid`, so a retry with the
/// same id gets the original answer, byte for byte, instead of acting twice.
///
/// Bounded: the oldest ids are forgotten first once `capacity` is reached.
struct RequestReplayCache: Sendable {
    /// QBO's limit on a `requestid`'s length.
    static let maximumRequestIDLength = 50

    struct Recorded: Sendable, Equatable {
        var status: Int
        var body: [UInt8]
    }

    let capacity: Int
    private var entries: [String: Recorded] = [:]
    private var order: [String] = []
    private var oldest = 0

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    subscript(requestID: String) -> Recorded? {
        entries[requestID]
    }

    var count: Int { entries.count }

    mutating func record(_ response: Recorded, for requestID: String) {
        guard entries.updateValue(response, forKey: requestID) == nil else { return }
        order.append(requestID)
        while entries.count > capacity {
            entries[order[oldest]] = nil
            oldest += 1
        }
        // Reclaim the forgotten prefix now and then rather than on every eviction.
        if oldest > capacity {
            order.removeFirst(oldest)
            oldest = 0
        }
    }
}
