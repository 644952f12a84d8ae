/// The columns a row type selects, in order: the SQL list is built from it,
/// and each column is found by its name, so a row is never read by a
/// position that drifted away from the SELECT.
struct ColumnList: Sendable {
    let names: [String]

    /// Parses "a, b, c".
    init(_ list: String) {
        self.names = list.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }
    }

    /// The list for a SELECT.
    var sql: String { self.names.joined(separator: ", ") }

    /// The 0-based index of the column `name` (a programming error when absent).
    func index(_ name: String) -> Int32 {
        guard let index = self.names.firstIndex(of: name) else { preconditionFailure("no column \(name) in \(self.sql)") }
        return Int32(index)
    }
}
