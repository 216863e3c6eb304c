import ESLProtocol

/// `--output`: how API answers that are tables (`show …`) are printed. Other answers are never changed.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// As the switch sent it.
    case raw
    /// Aligned columns, fitted to the terminal.
    case table
    /// An array of objects keyed by column.
    case json
    /// RFC 4180 quoting (LF line ends).
    case csv
}

/// Renders `show` answers as aligned tables, JSON or CSV. Pure: the same text and settings give the
/// same output.
public struct TableFormatter: Sendable {
    public var format: OutputFormat
    /// Terminal columns a table must fit in; nil: no limit (stdout is not a terminal).
    public var width: Int?
    /// Show every column and whole cells, however wide.
    public var wide: Bool
    public var style: Style

    public init(format: OutputFormat, width: Int? = nil, wide: Bool = false, style: Style = .plain) {
        self.format = format
        self.width = width
        self.wide = wide
        self.style = style
    }

    /// Columns between cells.
    static let gap = 2
    /// A cell is cut no shorter than this (or its own width) before columns are left out.
    static let narrowest = 10

    /// An API answer in the chosen format: `show` tables converted, anything else as it is.
    public func format(_ text: String) -> String {
        guard format != .raw, case .table(let table)? = ShowTable.parse(text) else { return text }
        return render(table)
    }

    /// Why an answer that looks like a `show` table was left as it is; nil when it was not.
    public func unconverted(_ text: String) -> String? {
        guard format != .raw, ShowTable.parse(text) == nil, ShowTable.looksDelimited(text) else { return nil }
        return "not shown as \(format.rawValue): a value holds the delimiter or a line break, so the columns are ambiguous (`show … as json` is exact)"
    }

    public func render(_ table: ShowTable) -> String {
        switch format {
        case .raw, .csv: return csv(table)
        case .json: return json(table)
        case .table: return aligned(table)
        }
    }

    // MARK: - CSV and JSON

    public func csv(_ table: ShowTable) -> String {
        guard !table.columns.isEmpty else { return "" }
        var out = table.columns.map(Self.csvField).joined(separator: ",") + "\n"
        for row in 0..<table.rowCount {
            for column in 0..<table.cellCount(row) {
                if column > 0 { out += "," }
                out += Self.csvField(table.cell(row, column))
            }
            out += "\n"
        }
        return out
    }

    /// RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    /// One object per line inside the array, so that `grep` still finds a row.
    public func json(_ table: ShowTable) -> String {
        guard table.rowCount > 0 else { return "[]\n" }
        let names = table.columns.map(JSONText.quoted)
        var out = "[\n"
        for row in 0..<table.rowCount {
            out += row == 0 ? "  {" : ",\n  {"
            for column in 0..<min(names.count, table.cellCount(row)) {
                if column > 0 { out += "," }
                out += names[column] + ":" + JSONText.quoted(table.cell(row, column))
            }
            out += "}"
        }
        return out + "\n]\n"
    }

    // MARK: - Aligned

    /// Columns padded to their widest cell; a header, a rule, the rows and FreeSWITCH's `N total.`.
    /// Too wide for the terminal: the longest cells are cut (with `…`) first, down to `narrowest`;
    /// then columns on the right are left out, and the footer says how many.
    public func aligned(_ table: ShowTable) -> String {
        guard !table.columns.isEmpty else { return "\n\(table.rowCount) total.\n" }
        // Each cell as lines (a multi-line cell takes several rows), control characters made spaces;
        // made a row at a time, so only the table's own bytes are held for all of it.
        let header = table.columns.map { [Self.printable($0)] }
        func body(_ row: Int) -> [[String]] { (0..<table.cellCount(row)).map { Self.cellLines(table.cell(row, $0)) } }
        var natural = header.map { DisplayWidth.of($0[0]) }
        for row in 0..<table.rowCount {
            for (index, cell) in body(row).enumerated() where index < natural.count {
                for line in cell { natural[index] = max(natural[index], DisplayWidth.of(line)) }
            }
        }
        let widths = wide || width == nil ? natural : Self.fit(natural, into: width!)
        let shown = widths.count
        var out = ""
        out += line(header, widths, bold: true)
        out += style.paint(widths.map { String(repeating: "-", count: $0) }.joined(separator: String(repeating: " ", count: Self.gap)), .dim) + "\n"
        for row in 0..<table.rowCount { out += line(body(row), widths, bold: false) }
        out += "\n\(table.total ?? table.rowCount) total."
        if shown < table.columns.count {
            let hidden = table.columns.count - shown
            out += " (\(hidden) more column\(hidden == 1 ? "" : "s") not shown: --wide or /wide shows all)"
        }
        return out + "\n"
    }

    /// One table row (several terminal lines when a cell has line breaks); no trailing spaces.
    private func line(_ cells: [[String]], _ widths: [Int], bold: Bool) -> String {
        let height = cells.prefix(widths.count).map(\.count).max() ?? 1
        var out = ""
        for number in 0..<max(height, 1) {
            var parts: [String] = []
            for (index, width) in widths.enumerated() {
                let text = index < cells.count && number < cells[index].count ? Self.cut(cells[index][number], to: width) : ""
                let padded = index == widths.count - 1 ? text : text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
                parts.append(bold && !text.isEmpty ? style.paint(text, .bold) + String(padded.dropFirst(text.count)) : padded)
            }
            var joined = parts.joined(separator: String(repeating: " ", count: Self.gap))
            while joined.last == " " { joined.removeLast() }
            out += joined + "\n"
        }
        return out
    }

    /// Widths for `natural` in `total` columns: the columns that fit at their narrowest, then the
    /// largest cap on cell width that fits, the space left over shared out from the left.
    static func fit(_ natural: [Int], into total: Int) -> [Int] {
        func span(_ widths: [Int]) -> Int { widths.reduce(0, +) + gap * max(0, widths.count - 1) }
        guard span(natural) > total else { return natural }
        let floor = natural.map { min($0, narrowest) }
        var count = natural.count
        while count > 1, span(Array(floor.prefix(count))) > total { count -= 1 }
        let kept = Array(natural.prefix(count))
        let least = Array(floor.prefix(count))
        if span(least) >= total { return count == 1 ? [max(1, min(kept[0], total))] : least }
        // Binary search for the largest cap.
        var low = 0, high = kept.max() ?? 0
        func capped(_ cap: Int) -> [Int] { zip(kept, least).map { max($1, min($0, cap)) } }
        while low < high {
            let middle = (low + high + 1) / 2
            if span(capped(middle)) <= total { low = middle } else { high = middle - 1 }
        }
        var widths = capped(low)
        var spare = total - span(widths)
        for index in widths.indices where spare > 0 && widths[index] < kept[index] {
            widths[index] += 1
            spare -= 1
        }
        return widths
    }

    /// `text` cut to `width` terminal columns, the last one an ellipsis when something was left out.
    static func cut(_ text: String, to width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        guard width > 1 else { return width == 1 ? "…" : "" }
        var out = ""
        var used = 0
        for character in text {
            let size = DisplayWidth.of(String(character))
            if used + size > width - 1 { break }
            out.append(character)
            used += size
        }
        return out + "…"
    }

    static func cellLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { printable(String($0)) }
    }

    /// Control characters (tabs, escapes) would break the alignment or the terminal: spaces instead.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar) }
        return String(out)
    }
}

extension ShowTable {
    /// Has the frame of a delimited `show` answer (a header line … a blank line, `N total.`).
    static func looksDelimited(_ text: String) -> Bool {
        guard text.hasSuffix(" total.\n"), !text.hasPrefix("\n") else { return false }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, lines[lines.count - 3].isEmpty else { return false }
        return lines[0].unicodeScalars.contains { !isNameScalar($0) } || lines.count == 4
    }
}
