/// A credential (access token, refresh token, client secret) that never shows
/// itself in logs, errors, `print`, `dump` or string interpolation.
///
/// Read the value only where it goes on the wire, through ``exposedValue``.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    /// Wraps a credential.
    /// - Parameter value: The credential's text.
    public init(_ value: String) {
        self.value = value
    }

    /// The credential's text. Call this only to put it on the wire or in storage.
    public var exposedValue: String { value }

    /// Whether the credential is empty.
    public var isEmpty: Bool { value.isEmpty }

    /// Always `<redacted>`.
    public var description: String { Redaction.placeholder }

    /// Always `Secret(<redacted>)`.
    public var debugDescription: String { "Secret(\(Redaction.placeholder))" }

    /// A mirror without children, so `dump` and reflection print nothing secret.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
