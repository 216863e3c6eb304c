import ConsoleUI
import ESLProtocol
import Testing

/// Issue 14, class 5: outside control characters are shown as escapes, never emitted, by each
/// format's rule. The hostile caller name writes the clipboard (OSC 52), clears the screen, starts a
/// C1 CSI, deletes and returns the cursor to paint over the line.
@Suite struct TerminalSafetyTests {
    static let hostile = "Mallory\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}\u{1B}[2J\u{9B}31m\u{7F}x\rFAKE"
    static let shown = #"Mallory\x1B]52;c;ZWNobyBwd25lZA==\x07\x1B[2J\x9B31m\x7Fx\rFAKE"#

    /// Any byte a terminal obeys: C0 but tab, LF and CRLF, DEL, and C1 as UTF-8 (C2 80–C2 9F).
    static func controls(_ text: String, allowing allowed: Set<UInt8> = [0x09, 0x0A]) -> [UInt8] {
        let bytes = Array(text.utf8)
        var found: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { continue }
            if (byte < 0x20 && !allowed.contains(byte)) || byte == 0x7F { found.append(byte) }
            if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) { found.append(bytes[index + 1]) }
        }
        return found
    }

    static let event = Event(name: "CHANNEL_CREATE", headers: [
        Header("Unique-ID", "8f7a2f6e-0000-4000-8000-000000000001"), Header("Channel-Name", "sofia/internal/1000@example.com"),
        Header("Caller-Caller-ID-Name", hostile), Header("Caller-Caller-ID-Number", "1000"),
        Header("Caller-Destination-Number", "9196"),
    ], body: "body line\r\nsecond\rPAINT\u{1B}[1A\n")

    // MARK: the escaper

    @Test func oneLineEscapesEveryControlCharacter() {
        #expect(VisibleText.escaped(Self.hostile, .oneLine) == Self.shown)
        #expect(VisibleText.escaped("a\nb\tc\0d\u{1}e\u{85}f\u{9F}", .oneLine) == #"a\nb\tc\0d\x01e\x85f\x9F"#)
        #expect(VisibleText.escaped("naïve ünïcode → ✓ \u{A0}", .oneLine) == "naïve ünïcode → ✓ \u{A0}")
    }

    @Test func linesKeepLineBreaksTabsAndCRLFButNotABareCR() {
        #expect(VisibleText.escaped("a\tb\r\nc\n", .lines) == "a\tb\r\nc\n")
        #expect(VisibleText.escaped("done 100%\rFAKE\n", .lines) == #"done 100%\rFAKE"# + "\n")
        #expect(VisibleText.escaped("end\r", .lines) == #"end\r"#)
        #expect(VisibleText.escaped("\u{1B}[31mred\u{1B}[0m\n", .lines) == #"\x1B[31mred\x1B[0m"# + "\n")
    }

    @Test func escapingInPlaceTouchesOnlyWhatFollowsTheStart() {
        var out = Array("\u{1B}ours:".utf8)
        out += Array("theirs\u{1B}[2J".utf8)
        VisibleText.escape(&out, from: 6, .lines)
        #expect(out == Array("\u{1B}ours:theirs\\x1B[2J".utf8))
        var clean = Array("clean\n".utf8)
        VisibleText.escape(&clean, from: 0, .lines)
        #expect(clean == Array("clean\n".utf8))
    }

    @Test func aStreamHoldsABytePairSplitBetweenChunks() {
        var stream = VisibleText.Stream(.lines)
        var out = stream.escape(Array("a\r".utf8))
        out += stream.escape(Array("\nb".utf8) + [0xC2])
        out += stream.escape([0x9B] + Array("c\r".utf8))
        out += stream.finish() ?? []
        #expect(String(decoding: out, as: UTF8.self) == "a\r\nb\\x9Bc\\r")
    }

    @Test func messagesQuoteEscapedAndBounded() {
        let key = String(repeating: "k", count: 5_000_000) + "\u{1B}"
        #expect(key.escapedForDisplay == String(repeating: "k", count: 80) + "…")
        #expect(Self.hostile.escapedForDisplay == Self.shown)
        #expect(DisconnectNotice(headers: [:], text: "bye \u{1B}]0;pwned\u{07}\nmore").summary == #"bye \x1B]0;pwned\x07"#)
    }

    @Test func jsonEscapesC1AndReadsBackTheSame() throws {
        #expect(JSONText.quoted("a\u{9B}b\u{80}\u{7F}\u{1B}") == #""a\u009bb\u0080\u007f\u001b""#)
        let bytes = Self.event.encoded(as: .json)
        #expect(Self.controls(String(decoding: bytes, as: UTF8.self)).isEmpty)
        #expect(try Event.decode(bytes, format: .json) == Self.event)
    }

    // MARK: the rule

    @Test func theRuleFollowsTheModeAndTheTerminal() {
        #expect(TerminalText.resolve(.auto, isTerminal: false) == TerminalText(people: true, raw: false))
        #expect(TerminalText.resolve(.auto, isTerminal: true) == .safe)
        #expect(TerminalText.resolve(.always, isTerminal: false) == .safe)
        #expect(TerminalText.resolve(.never, isTerminal: true) == .untouched)
    }

    static let pipe = TerminalText.resolve(.auto, isTerminal: false)
    static let terminal = TerminalText.resolve(.auto, isTerminal: true)

    func rendered(_ item: StreamItem, _ format: EventOutputFormat, _ terminal: TerminalText, style: Style = .plain) -> String {
        StreamRenderer(format: format, style: style, terminal: terminal).render(item)
    }

    @Test(arguments: [EventOutputFormat.summary, .headers, .json, .ndjson])
    func formatsForPeopleEscapeEvenToAPipe(_ format: EventOutputFormat) {
        for style in [Style.plain, Style(enabled: true)] {
            let text = rendered(.event(Self.event, received: nil), format, Self.pipe, style: style)
            // Colour codes are eslsh's own: every ESC left starts one of them.
            let stripped = text.replacing(/\x{1B}\[[0-9;]*m/, with: "")
            #expect(Self.controls(stripped).isEmpty, "\(format) \(style.enabled): \(stripped.debugDescription)")
        }
        if format == .summary || format == .headers {
            #expect(rendered(.event(Self.event, received: nil), format, Self.pipe).contains(Self.shown))
        }
    }

    @Test func theSummaryIsOneLineWhateverTheValues() {
        let text = rendered(.event(Self.event, received: nil), .summary, Self.pipe)
        #expect(text.filter { $0 == "\n" }.count == 1 && text.hasSuffix("\n"))
        #expect(text.contains(Self.shown + " <1000> → 9196"))
    }

    @Test func headersKeepTheBodysLinesButEscapeItsTricks() {
        let text = rendered(.event(Self.event, received: nil), .headers, Self.pipe)
        #expect(text.contains("Caller-Caller-ID-Name: " + Self.shown + "\n"))
        #expect(text.hasSuffix("\nbody line\r\nsecond\\rPAINT\\x1B[1A\n\n"))
    }

    @Test(arguments: [EventOutputFormat.plain, .xml])
    func rawFormatsStayRawToAPipeAndAreEscapedAtATerminal(_ format: EventOutputFormat) {
        let raw = rendered(.event(Self.event, received: nil), format, Self.pipe)
        #expect(raw == EventFormatter(format: format, terminal: .untouched).render(Self.event))
        #expect(!Self.controls(raw).isEmpty, "the body's ESC stays")
        let shown = rendered(.event(Self.event, received: nil), format, Self.terminal)
        #expect(Self.controls(shown).isEmpty)
        #expect(shown.contains(#"second\rPAINT\x1B[1A"#))
    }

    @Test func logLinesAndRepliesAreForPeopleAPIOutputIsRaw() {
        let log = StreamItem.log(LogLine(level: 3, userData: "uuid\u{1B}", text: "fine\r\nthen\rFAKE \u{1B}]52;c;x\u{07}\n"))
        var renderer = StreamRenderer(format: .summary, style: Style(enabled: true), terminal: Self.pipe)
        renderer.logUUID = 0
        let line = renderer.render(log)
        #expect(line == "\u{1B}[31muuid\\x1B fine\r\nthen\\rFAKE \\x1B]52;c;x\\x07\u{1B}[0m\n")
        #expect(rendered(.reply(Reply(text: "-ERR \u{9B}2J")), .summary, Self.pipe) == "-ERR \\x9B2J\n")
        let output = StreamItem.api(APIResponse(text: "row\u{1B}[2J\n"))
        #expect(rendered(output, .summary, Self.pipe) == "row\u{1B}[2J\n")
        #expect(rendered(output, .summary, Self.terminal) == "row\\x1B[2J\n")
        #expect(rendered(.jobResult("+OK \u{7F}\n"), .summary, Self.terminal) == "+OK \\x7F\n")
        #expect(rendered(output, .summary, .untouched) == "row\u{1B}[2J\n")
        #expect(rendered(log, .summary, .untouched).contains("\rFAKE \u{1B}]52"))
    }

    @Test func aFleetHostTagIsEscaped() {
        let renderer = StreamRenderer(format: .summary, terminal: Self.pipe, tag: .host("pbx\u{1B}[2J"))
        #expect(renderer.render(.reply(Reply(text: "+OK"))) == "[pbx\\x1B[2J] +OK\n")
    }

    // MARK: the other places

    @Test func theConsoleViewEscapesWhatItShows() {
        let view = LiveView(style: .plain)
        #expect(view.render(.rudeRejection("Access \u{1B}[2JDenied")) == "Access \\x1B[2JDenied\n")
        let linger = DisconnectNotice(headers: ["Content-Disposition": "linger"], text: "Lingering \u{9B}1A\n")
        #expect(view.render(.disconnect(linger)) == "Lingering \\x9B1A\n")
        #expect(view.render(.apiResponse(APIResponse(text: "\u{1B}]52;c;x\u{07}"))) == "\\x1B]52;c;x\\x07\n")
    }

    @Test func theOutboundBannerAndViewEscapeTheCallersWords() {
        let channel = Event(name: "CHANNEL_DATA", headers: [
            Header("Unique-ID", "u-1"), Header("Caller-Caller-ID-Name", Self.hostile), Header("Caller-Caller-ID-Number", "1000"),
            Header("Caller-Destination-Number", "9196\u{1B}"), Header("Channel-Name", "sofia/x"), Header("Answer-State", "ringing"),
            Header("variable_x\u{1B}", "v\u{9B}"),
        ])
        let call = OutboundCall(number: 1, channel: channel, arrived: .now())
        #expect(call.announcement == "call u-1 from \(Self.shown) <1000> to 9196\\x1B on sofia/x (ringing)")
        #expect(Self.controls(call.label).isEmpty)
        let view = OutboundView(style: .plain)
        #expect(Self.controls(view.arrival(call, isCurrent: true)).isEmpty)
        #expect(view.variables(call, matching: nil) == "x\\x1B = v\\x9B\n")
        #expect(view.render(.hungUp(cause: "NORMAL\u{1B}[2J", abandoned: []), call: 1) == "[1] hung up: NORMAL\\x1B[2J\n")
    }

    @Test func completionListsEscapedAndInsertsNoControlCharacter() {
        let listed = Completion(replace: 2, insert: "ab", candidates: ["ab\u{1B}[2J", "abc"]).shown
        #expect(listed == Completion(replace: 2, insert: "ab", candidates: ["ab\\x1B[2J", "abc"]))
        let single = Completion(replace: 1, insert: "u\u{1B}]52;c;x\u{07} ", candidates: []).shown
        #expect(single == Completion(replace: 0, insert: "", candidates: [#"u\x1B]52;c;x\x07 "#]))
        let server = ServerCompletion(body: "[ uuid\u{9B}1]\t[ uuid2]\n").completion(line: "uuid_kill u").shown
        #expect(server.candidates == ["uuid\\x9B1", "uuid2"])
    }

    @Test func tableCellsOfTheSwitchAreEscapedAsTheyAreLaidOut() {
        let text = TerminalText.safe.rawLines("uuid,name\nu1,Mallory\u{1B}[2J\n\n1 total.\n")
        let table = TableFormatter(format: .table, wide: true).format(text)
        #expect(Self.controls(table).isEmpty)
        #expect(table.contains(#"Mallory\x1B[2J"#))
    }
}
