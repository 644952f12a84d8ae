import Foundation

/// A parsed `GET /cdc?entities=Invoice,Payment&changedSince=2026-05-01T00:00:00-07:00`:
/// QBO's change data capture, which lists every entity of the named kinds changed (or
/// deleted) at or after a moment.
struct ChangeRequest: Sendable, Equatable {
    /// How far back QBO answers: 30 days.
    static let lookbackSeconds = 30 * 86_400
    /// Objects in one answer, all entities together; past it QBO truncates and the client
    /// must ask for a narrower window.
    static let maximumObjects = 1000

    /// The kinds asked for, in the order asked, each once.
    var entities: [EntityKind]
    /// `changedSince` in seconds since 1970.
    var changedSince: Int
    /// `changedSince` as the client wrote it, for faults.
    var changedSinceText: String

    /// Reads the query parameters: both are required (2020), every entity must be one the
    /// simulator keeps, named as in queries, case ignored (4001), and `changedSince` an ISO
    /// 8601 date or date-time (2010).
    static func parse(entities: String?, changedSince: String?) throws(QBOFault) -> ChangeRequest {
        let names = (entities ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !names.isEmpty else { throw .requiredParameter("entities") }
        guard var since = changedSince?.trimmingCharacters(in: .whitespaces), !since.isEmpty else {
            throw .requiredParameter("changedSince")
        }
        // An unencoded "+hh:mm" offset arrives as a space once the query string is decoded.
        since = since.replacingOccurrences(of: " ", with: "+")
        var kinds: [EntityKind] = []
        for name in names {
            guard let kind = EntityKind(caseInsensitiveName: name) else {
                throw .invalidQuery("invalid context declaration: \(name)")
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        guard let seconds = QBOTime.epochSeconds(since) else { throw .invalidValue("changedSince=\(since)") }
        return ChangeRequest(entities: kinds, changedSince: seconds, changedSinceText: since)
    }
}
