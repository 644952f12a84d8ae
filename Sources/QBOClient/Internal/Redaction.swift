import Foundation

/// Removes token-like values from texts that end up in errors and logs.
///
/// QBO echoes part of the bearer token in 401 details ("Token expired: AB0160..."),
/// and token endpoints may echo what they were sent. Errors are built from those
/// texts, so they are scrubbed at construction: a value that follows a token
/// marker is replaced by `<redacted>`.
enum Redaction {
    static let placeholder = "<redacted>"

    /// Markers after which the next word is a credential.
    private static let markers = [
        "token expired:", "bearer ", "access_token", "refresh_token", "id_token",
        "client_secret", "basic ", "token=", "token:",
    ]

    /// Returns `text` with every word that follows a credential marker replaced.
    /// - Parameter text: Text that may quote a credential.
    static func scrub(_ text: String) -> String {
        let lowered = text.lowercased()
        guard markers.contains(where: { lowered.contains($0) }) else { return text }
        var output = ""
        var remaining = Substring(text)
        while let range = firstMarker(in: remaining) {
            output += remaining[..<range.upperBound]
            var rest = remaining[range.upperBound...]
            // Skip separators such as `": "` or `=` between the marker and the value.
            let separators: Set<Character> = [" ", "\"", "'", ":", "="]
            let prefix = rest.prefix { separators.contains($0) }
            output += prefix
            rest = rest.dropFirst(prefix.count)
            let value = rest.prefix { !isValueTerminator($0) }
            if !value.isEmpty { output += placeholder }
            remaining = rest.dropFirst(value.count)
        }
        output += remaining
        return output
    }

    private static func firstMarker(in text: Substring) -> Range<Substring.Index>? {
        var best: Range<Substring.Index>?
        for marker in markers {
            guard let found = text.range(of: marker, options: .caseInsensitive) else { continue }
            if let current = best, current.lowerBound <= found.lowerBound { continue }
            best = found
        }
        return best
    }

    private static func isValueTerminator(_ character: Character) -> Bool {
        character.isWhitespace || character == "\"" || character == "'" || character == ","
            || character == "&" || character == "}" || character == ";"
    }
}
