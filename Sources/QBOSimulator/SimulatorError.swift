/// Why an administrative call failed: an unknown realm or payment, or a bad setting.
public struct SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status the admin API answers with (400 or 404).
    public var status: Int
    /// What went wrong, for a person.
    public var message: String

    public var description: String { message }

    static func badRequest(_ message: String) -> SimulatorError { SimulatorError(status: 400, message: message) }
    static func notFound(_ message: String) -> SimulatorError { SimulatorError(status: 404, message: message) }
}
