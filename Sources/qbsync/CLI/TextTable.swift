/// A table of aligned columns for people (never for scripts: they get --json).
struct TextTable {
    enum Alignment { case left, right }

    var headers: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []

    /// - Parameters:
    ///   - headers: Column titles.
    ///   - alignments: Per column; missing ones are left-aligned.
    init(_ headers: [String], alignments: [Alignment] = []) {
        self.headers = headers
        self.alignments = alignments
    }

    mutating func add(_ row: [String]) { self.rows.append(row) }

    /// The table as lines, columns separated by two spaces; headers styled bold.
    func lines(style: Style = .plain, indent: String = "") -> [String] {
        let all = [self.headers] + self.rows
        let count = all.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: count)
        for row in all { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.visibleWidth) } }
        func render(_ row: [String], header: Bool) -> String {
            var cells: [String] = []
            for index in 0..<count {
                let cell = index < row.count ? row[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.visibleWidth)
                let right = index < self.alignments.count && self.alignments[index] == .right
                let isLast = index == count - 1
                let text = right ? padding + cell : cell + (isLast ? "" : padding)
                cells.append(header ? style.bold(text) : text)
            }
            let line = indent + cells.joined(separator: "  ")
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }
        return [render(self.headers, header: true)] + self.rows.map { render($0, header: false) }
    }

    func render(style: Style = .plain, indent: String = "") -> String {
        self.lines(style: style, indent: indent).joined(separator: "\n")
    }
}
