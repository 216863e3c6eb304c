/// What the `--top` screen shows, line by line, for a terminal of a given size: the header, the column
/// titles, one row per call and the status line — or, while a call is traced, its timeline. Pure: the
/// same calls, state and size give the same lines, so the layout is tested without a terminal. Every
/// field is neutralised (control characters made visible) and fitted by display width, so wide names
/// stay aligned and nothing from the switch reaches the terminal as a control sequence.
public struct TopLayout: Sendable {
    public enum Attribute: Sendable, Equatable {
        case normal, title, columns, selected, status, ringing, hangingUp, held
    }

    public struct Line: Sendable, Equatable {
        public var text: String
        public var attribute: Attribute

        public init(_ text: String, _ attribute: Attribute = .normal) {
            self.text = text
            self.attribute = attribute
        }
    }

    public var width: Int
    public var height: Int
    /// A host column (several switches in one table).
    public var showHost: Bool

    public init(width: Int, height: Int, showHost: Bool) {
        self.width = max(1, width)
        self.height = max(1, height)
        self.showHost = showHost
    }

    /// Rows of calls that fit between the two header lines and the status line.
    public var visibleRows: Int { max(0, height - 3) }

    struct Column {
        var title: String
        var width: Int
        var value: (LiveCalls.Row, Int) -> String
    }

    var columns: [Column] {
        var list: [Column] = []
        if showHost { list.append(Column(title: "HOST", width: 12) { row, _ in row.host }) }
        list += [
            Column(title: "CALLER", width: 26) { row, _ in
                row.callerName.isEmpty || row.callerName == row.callerNumber ? row.callerNumber : "\(row.callerName) <\(row.callerNumber)>"
            },
            Column(title: "DEST", width: 12) { row, _ in row.destination },
            Column(title: "DIR", width: 4) { row, _ in row.direction == "inbound" ? "in" : row.direction == "outbound" ? "out" : row.direction },
            Column(title: "STATE", width: 10) { row, _ in row.state.rawValue },
            Column(title: "TIME", width: 8) { row, now in Self.clock(row.duration(now: now)) },
            Column(title: "CODEC", width: 10) { row, _ in row.codecs },
            Column(title: "OTHER LEG", width: 10) { row, _ in row.otherLeg.map { String($0.prefix(8)) } ?? "" },
            Column(title: "UUID", width: 10) { row, _ in String(row.uuid.prefix(8)) },
            Column(title: "APPLICATION", width: 0) { row, _ in row.application },
        ]
        return list
    }

    /// `0:07`, `12:30`, `1:02:03`.
    public static func clock(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }

    /// One line of cells, each fitted to its column; the last column takes what is left.
    func cells(_ values: [String]) -> String {
        var out = ""
        var used = 0
        for (column, value) in zip(columns, values) {
            let space = column.width == 0 ? max(0, width - used) : min(column.width, max(0, width - used))
            guard space > 0 else { break }
            // A column keeps one space to its right, except the last.
            let inner = column.width == 0 ? space : max(0, space - 1)
            out += Self.fit(value, inner) + (column.width == 0 ? "" : String(repeating: " ", count: space - inner))
            used += space
        }
        return out
    }

    /// `text` made visible, cut to `columns` terminal cells (an ellipsis marks the cut) and padded.
    public static func fit(_ text: String, _ columns: Int) -> String {
        guard columns > 0 else { return "" }
        let visible = TerminalText.visible(text)
        var out = ""
        var used = 0
        let total = DisplayWidth.of(visible)
        let limit = total > columns ? columns - 1 : columns
        for character in visible {
            let cell = DisplayWidth.of(String(character))
            if used + cell > limit { break }
            out.append(character)
            used += cell
        }
        if total > columns { out += "…"; used += 1 }
        return out + String(repeating: " ", count: max(0, columns - used))
    }

    /// The table screen.
    public func table(rows: [LiveCalls.Row], now: Int, header: String, state: TopState) -> [Line] {
        var lines = [Line(Self.fit(header + "  sort \(state.sort.rawValue)" + (state.filter.isEmpty ? "" : "  filter \"\(state.filter)\""), width), .title)]
        lines.append(Line(cells(columns.map(\.title)), .columns))
        let selected = state.selectedIndex(in: rows)
        let first = state.firstVisible(rows: rows.count, visible: visibleRows)
        for (index, row) in rows.enumerated().dropFirst(first).prefix(visibleRows) {
            let attribute: Attribute = index == selected ? .selected : row.state == .ringing || row.state == .early ? .ringing
                : row.state == .hangingUp ? .hangingUp : row.state == .held ? .held : .normal
            lines.append(Line(cells(columns.map { $0.value(row, now) }), attribute))
        }
        while lines.count < height - 1 { lines.append(Line("")) }
        lines.append(Line(Self.fit(state.statusLine(rows: rows), width), .status))
        return Array(lines.prefix(height))
    }

    /// The trace screen: the latest items that fit, under a title.
    public func trace(title: String, lines items: [String], scroll: Int) -> [Line] {
        var lines = [Line(Self.fit(title, width), .title)]
        let room = max(0, height - 2)
        let end = max(0, items.count - scroll)
        for item in items[max(0, end - room)..<end] { lines.append(Line(Self.fit(item, width))) }
        while lines.count < height - 1 { lines.append(Line("")) }
        lines.append(Line(Self.fit("q back  ↑/↓ scroll  \(items.count) items", width), .status))
        return Array(lines.prefix(height))
    }
}
