import ConsoleUI
import ESLProtocol
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The `--top` screen as lines, and its keys, without a terminal.
@Suite struct TopLayoutTests {
    init() { setlocale(LC_CTYPE, "C.UTF-8") }

    static func table(_ callers: [(String, String)]) -> LiveCalls {
        var table = LiveCalls()
        for (index, (name, number)) in callers.enumerated() {
            table.apply(Event(name: "CHANNEL_CREATE", headers: [
                Header("Unique-ID", "0000000\(index)-aaaa"), Header("Call-Direction", "inbound"), Header("Caller-Caller-ID-Name", name),
                Header("Caller-Caller-ID-Number", number), Header("Caller-Destination-Number", "9\(index)"),
                Header("Caller-Channel-Created-Time", String(1_000_000 * (index + 1))), Header("Channel-Call-State", "RINGING"),
            ]), host: "sw")
        }
        return table
    }

    /// Wide names take two cells each: the next column starts at the same place on every row.
    @Test func wideNamesStayAligned() {
        let table = Self.table([("Alice", "1001"), ("山田太郎", "1002"), ("Zoë Ünal", "1003")])
        let layout = TopLayout(width: 120, height: 10, showHost: false)
        let lines = layout.table(rows: table.rows(), now: 5_000_000, header: "calls 3", state: TopState())
        let rows = lines[2..<5].map(\.text)
        let starts = rows.map { row -> Int in
            let prefix = row[..<row.range(of: " 9")!.lowerBound]
            return DisplayWidth.of(String(prefix))
        }
        #expect(Set(starts).count == 1, "\(rows)")
        #expect(rows.allSatisfy { DisplayWidth.of($0) <= 120 })
        #expect(lines.count == 10)
        #expect(lines[1].text.hasPrefix("CALLER"))
        #expect(rows[1].contains("山田太郎 <1002>"))
        #expect(rows[0].contains("ringing") && rows[0].contains("0:04"))
    }

    @Test func controlsAreVisibleAndLongNamesCut() {
        let table = Self.table([("\u{1B}]0;owned\u{7}" + String(repeating: "x", count: 40), "1")])
        let line = TopLayout(width: 80, height: 5, showHost: true).table(rows: table.rows(), now: 0, header: "h", state: TopState())[2].text
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 })
        #expect(line.contains("\\x1B]0;owned\\x07"))
        #expect(line.contains("…"))
        #expect(line.hasPrefix("sw "))
        #expect(DisplayWidth.of(line) == 80)
    }

    @Test func keysSelectFilterSortConfirmAndTrace() {
        let rows = Self.table([("Alice", "1001"), ("Bob", "1002"), ("Carol", "1003")]).rows()
        var state = TopState()
        #expect(state.selectedIndex(in: rows) == 0)
        _ = state.handle(.down, rows: rows, visible: 10)
        _ = state.handle(.character("j"), rows: rows, visible: 10)
        #expect(state.selectedIndex(in: rows) == 2)
        _ = state.handle(.character("k"), rows: rows, visible: 10)
        #expect(state.selected == rows[1].uuid)
        // The selection follows the call when the rows move.
        #expect(state.selectedIndex(in: Array(rows.reversed())) == 1)
        _ = state.handle(.character("s"), rows: rows, visible: 10)
        #expect(state.sort == .state)
        #expect(state.handle(.character("h"), rows: rows, visible: 10) == .none)
        #expect(state.statusLine(rows: rows).hasPrefix("Hang up Bob"))
        #expect(state.handle(.character("x"), rows: rows, visible: 10) == .none)
        #expect(state.mode == .table)
        _ = state.handle(.character("h"), rows: rows, visible: 10)
        #expect(state.handle(.character("y"), rows: rows, visible: 10) == .hangUp(uuid: rows[1].uuid, host: "sw"))
        _ = state.handle(.character("/"), rows: rows, visible: 10)
        for character in "ca\u{1B}r" { _ = state.handle(.character(character), rows: rows, visible: 10) }
        _ = state.handle(.backspace, rows: rows, visible: 10)
        _ = state.handle(.character("r"), rows: rows, visible: 10)
        _ = state.handle(.enter, rows: rows, visible: 10)
        #expect(state.filter == "car")
        #expect(state.handle(.enter, rows: rows, visible: 10) == .openTrace(uuid: rows[1].uuid, host: "sw"))
        #expect(state.handle(.character("q"), rows: rows, visible: 10) == .closeTrace)
        #expect(state.handle(.character("q"), rows: rows, visible: 10) == .quit)
    }

    /// The selection scrolls into view on a short screen.
    @Test func scrolling() {
        let rows = Self.table((0..<20).map { ("C\($0)", "\($0)") }).rows()
        var state = TopState()
        let layout = TopLayout(width: 80, height: 8, showHost: false)
        for _ in 0..<12 { _ = state.handle(.down, rows: rows, visible: layout.visibleRows) }
        let lines = layout.table(rows: rows, now: 0, header: "h", state: state)
        #expect(lines.count == 8)
        #expect(lines.contains { $0.attribute == .selected && $0.text.hasPrefix("C12 <12>") })
    }
}
