import Foundation

/// The failures a simulator injects into API requests, globally or for one realm.
///
/// Rates are fractions of requests (0.0 to 1.0) and are tried in this order on one draw:
/// error, drop, lost response. A seeded generator makes a run repeatable.
public struct FaultPlan: Sendable, Codable, Hashable {
    /// Requests answered HTTP 500 with a 10000 SystemFault; nothing changes.
    public var errorRate: Double
    /// Delay added before every API request is handled, in milliseconds.
    public var latencyMs: Int
    /// Up to this many milliseconds more, drawn at random per request.
    public var latencyJitterMs: Int
    /// Requests whose connection is closed before anything happens.
    public var dropRate: Double
    /// Requests that are carried out and recorded for `requestid` replay, after which the
    /// connection is closed without an answer.
    public var lostResponseRate: Double
    /// Seed of the generator that decides which requests fail.
    public var seed: UInt64

    /// A plan; the default injects nothing.
    /// - Parameters:
    ///   - errorRate: Fraction of requests answered 500.
    ///   - latencyMs: Added delay in milliseconds.
    ///   - latencyJitterMs: Random extra delay, up to this many milliseconds.
    ///   - dropRate: Fraction of connections closed before acting.
    ///   - lostResponseRate: Fraction of requests acted on but never answered.
    ///   - seed: Seed of the fault generator.
    public init(
        errorRate: Double = 0, latencyMs: Int = 0, latencyJitterMs: Int = 0, dropRate: Double = 0,
        lostResponseRate: Double = 0, seed: UInt64 = 1
    ) {
        self.errorRate = errorRate
        self.latencyMs = latencyMs
        self.latencyJitterMs = latencyJitterMs
        self.dropRate = dropRate
        self.lostResponseRate = lostResponseRate
        self.seed = seed
    }
}

extension FaultPlan {
    /// The plan as the admin API shows it.
    var jsonObject: JSONObject {
        [
            "errorRate": .number(Self.decimal(errorRate)), "latencyMs": .number(Decimal(latencyMs)),
            "latencyJitterMs": .number(Decimal(latencyJitterMs)), "dropRate": .number(Self.decimal(dropRate)),
            "lostResponseRate": .number(Self.decimal(lostResponseRate)), "seed": .number(Decimal(seed)),
        ]
    }

    /// This plan with the members `object` names replaced; unknown members are an error.
    func updated(with object: JSONObject) throws(SimulatorError) -> FaultPlan {
        var plan = self
        for member in object.members {
            func rate() throws(SimulatorError) -> Double {
                guard let value = member.value.decimalValue, value >= 0, value <= 1 else {
                    throw SimulatorError.badRequest("\(member.key) must be a number from 0 to 1")
                }
                return NSDecimalNumber(decimal: value).doubleValue
            }
            func count() throws(SimulatorError) -> Int {
                guard let value = member.value.decimalValue, value >= 0, let int = Int(exactly: NSDecimalNumber(decimal: value).doubleValue)
                else { throw SimulatorError.badRequest("\(member.key) must be a whole number of 0 or more") }
                return int
            }
            switch member.key {
            case "errorRate": plan.errorRate = try rate()
            case "dropRate": plan.dropRate = try rate()
            case "lostResponseRate": plan.lostResponseRate = try rate()
            case "latencyMs": plan.latencyMs = try count()
            case "latencyJitterMs": plan.latencyJitterMs = try count()
            case "seed": plan.seed = UInt64(try count())
            case "realmId": continue
            default: throw SimulatorError.badRequest("unknown fault setting \(member.key)")
            }
        }
        return plan
    }

    private static func decimal(_ value: Double) -> Decimal {
        Decimal(string: String(value)) ?? 0
    }
}
