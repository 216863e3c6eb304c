import ConsoleUI
import ESLProtocol
import Testing
import TestSupport

/// The one stream renderer, each item kind in each format, untagged and tagged. The expected bytes are
/// written out by hand from the captures (bgapi.recv's `version` job, logs-debug.recv's first line).
@Suite struct StreamRendererTests {
    /// bgapi.recv: the BACKGROUND_JOB of `bgapi version`, its values decoded (as `--format headers` shows them).
    static let decoded: [(String, String)] = [
        ("Event-Name", "BACKGROUND_JOB"), ("Core-UUID", "95e78966-c531-4d8f-8172-e774bf141e7e"),
        ("FreeSWITCH-Hostname", "vm"), ("FreeSWITCH-Switchname", "vm"), ("FreeSWITCH-IPv4", "192.0.2.2"),
        ("FreeSWITCH-IPv6", "fd00::2"), ("Event-Date-Local", "2026-11-27 00:28:54"),
        ("Event-Date-GMT", "Fri, 27 Nov 2026 00:28:54 GMT"), ("Event-Date-Timestamp", "1795739334074948"),
        ("Event-Calling-File", "mod_event_socket.c"), ("Event-Calling-Function", "api_exec"),
        ("Event-Calling-Line-Number", "1580"), ("Event-Sequence", "471"),
        ("Job-UUID", "d8c7f660-37a6-4e73-9170-1a731c442148"), ("Job-Command", "version"),
    ]
    /// The same values as the capture has them on the wire (URL-encoded: plain and XML).
    static let wire: [(String, String)] = decoded.map { name, value in
        switch name {
        case "FreeSWITCH-IPv6": return (name, "fd00%3A%3A2")
        case "Event-Date-Local": return (name, "2026-11-27%2000%3A28%3A54")
        case "Event-Date-GMT": return (name, "Fri,%2027%20Nov%202026%2000%3A28%3A54%20GMT")
        default: return (name, value)
        }
    }
    static let body = "FreeSWITCH Version 1.11.3-dev+git~20260821T141014Z~cc93a683ca~64bit (git cc93a68 2026-08-21 14:10:14Z 64bit)\n"
    static let logText = "2026-11-27 00:28:57.474933 33.17% [DEBUG] switch_ivr_originate.c:2301 Parsing global variables\n"

    let event: Event
    let log: LogLine

    init() throws {
        let jobs = try Fixtures.messages("bgapi").compactMap { message -> Event? in
            if case .event(let event, _) = message, event["Job-Command"] == "version" { return event }
            return nil
        }
        event = try #require(jobs.first)
        let logs = try Fixtures.messages("logs-debug").compactMap { message -> LogLine? in
            if case .log(let line) = message { return line }
            return nil
        }
        log = try #require(logs.first)
    }

    func render(_ item: StreamItem, _ format: EventOutputFormat, tag: StreamTag? = nil, style: Style = .plain) -> String {
        StreamRenderer(format: format, style: style, tag: tag).render(item)
    }

    // MARK: Events

    var plainText: String {
        Self.wire.map { "\($0): \($1)\n" }.joined() + "Content-Length: 109\n\n" + Self.body + "\n"
    }
    var headersText: String { Self.decoded.map { "\($0): \($1)\n" }.joined() + "\n" + Self.body + "\n" }
    var ndjsonMembers: String {
        Self.decoded.map { "\"\($0)\":\"\($1)\"" }.joined(separator: ",")
            + ",\"Content-Length\":\"109\",\"_body\":\"" + Self.body.dropLast() + "\\n\""
    }
    func jsonText(host: String? = nil) -> String {
        let members = (host.map { ["  \"host\": \"\($0)\""] } ?? []) + Self.decoded.map { "  \"\($0)\": \"\($1)\"" }
            + ["  \"_body\": \"" + Self.body.dropLast() + "\\n\""]
        return "{\n" + members.joined(separator: ",\n") + "\n}\n"
    }
    func xmlText(host: String? = nil) -> String {
        "<event>\n  <headers>\n" + (host.map { "    <host>\($0)</host>\n" } ?? "")
            + Self.wire.map { "    <\($0)>\($1)</\($0)>\n" }.joined()
            + "  </headers>\n  <Content-Length>109</Content-Length>\n  <body>" + Self.body + "</body>\n</event>\n"
    }
    var summaryText: String {
        EventFormatter.clock(1_795_739_334_074_948, date: false)
            + " BACKGROUND_JOB version [d8c7f660-37a6-4e73-9170-1a731c442148] → FreeSWITCH Version 1.11.3-dev+git~20260821T141014Z~cc93a683ca~64bit (git cc93a68 2026-08-21 14:10:14Z 64bit)\n"
    }

    @Test func eventsInEveryFormat() {
        let item = StreamItem.event(event, received: nil)
        #expect(render(item, .plain) == plainText)
        #expect(render(item, .headers) == headersText)
        #expect(render(item, .ndjson) == "{" + ndjsonMembers + "}\n")
        #expect(render(item, .json) == jsonText())
        #expect(render(item, .xml) == xmlText())
        #expect(render(item, .summary) == summaryText)
    }

    @Test func aHostGoesIntoTheStructureOrBeforeEveryLine() {
        let item = StreamItem.event(event, received: nil)
        let host = StreamTag.host("pbx1")
        #expect(render(item, .ndjson, tag: host) == "{\"host\":\"pbx1\"," + ndjsonMembers + "}\n")
        #expect(render(item, .json, tag: host) == jsonText(host: "pbx1"))
        #expect(render(item, .xml, tag: host) == xmlText(host: "pbx1"))
        #expect(render(item, .summary, tag: host) == "[pbx1] " + summaryText)
        // Every line tagged; a blank line gets the tag without its space (as the fleet always printed).
        let tagged = Self.wire.map { "[pbx1] \($0): \($1)\n" }.joined() + "[pbx1] Content-Length: 109\n[pbx1]\n[pbx1] "
            + Self.body + "[pbx1]\n"
        #expect(render(item, .plain, tag: host) == tagged)
    }

    @Test func aHostIsQuotedAndEscapedAsItsFormatWants() {
        let item = StreamItem.event(Event(headers: Headers([Header("Event-Name", "HEARTBEAT")])), received: nil)
        #expect(render(item, .ndjson, tag: .host("a\"b")) == "{\"host\":\"a\\\"b\",\"Event-Name\":\"HEARTBEAT\"}\n")
        #expect(render(item, .xml, tag: .host("a<&>")) == "<event>\n  <headers>\n    <host>a&lt;&amp;&gt;</host>\n    <Event-Name>HEARTBEAT</Event-Name>\n  </headers>\n</event>\n")
        #expect(render(.event(Event(headers: Headers([])), received: nil), .ndjson, tag: .host("h")) == "{\"host\":\"h\"}\n")
    }

    @Test func theReceivedTimeFollowsTheHost() {
        var renderer = StreamRenderer(format: .ndjson, timestamps: true, tag: .host("h"))
        let clock = EventFormatter.clock(1_795_739_358_134_922, date: true)
        let item = StreamItem.event(Event(headers: Headers([Header("Event-Name", "HEARTBEAT")])), received: 1_795_739_358_134_922)
        #expect(renderer.render(item) == "{\"host\":\"h\",\"_received\":\"\(clock)\",\"Event-Name\":\"HEARTBEAT\"}\n")
        renderer.tag = nil
        #expect(renderer.render(item) == "{\"_received\":\"\(clock)\",\"Event-Name\":\"HEARTBEAT\"}\n")
    }

    @Test func aCallTagsEveryLineInCyan() {
        let item = StreamItem.event(event, received: nil)
        #expect(render(item, .summary, tag: .call(2), style: Style(enabled: true)).hasPrefix("\u{1B}[36m[2]\u{1B}[0m "))
        #expect(render(.reply(Reply(text: "+OK a\nb")), .summary, tag: .call(2)) == "[2] +OK a\n[2] b\n")
    }

    // MARK: Log lines

    var logJSON: String {
        "\"_type\":\"log\",\"Log-Level\":\"7\",\"Log-Level-Name\":\"DEBUG\",\"Log-File\":\"switch_ivr_originate.c\","
            + "\"Log-Func\":\"switch_ivr_originate\",\"Log-Line\":\"2301\",\"User-Data\":\"\",\"Content-Length\":\"95\","
            + "\"_body\":\"" + Self.logText.dropLast() + "\\n\"}\n"
    }

    @Test func logLinesInEveryFormat() {
        let item = StreamItem.log(log)
        for format in [EventOutputFormat.summary, .headers, .plain, .json, .xml] {
            #expect(render(item, format) == Self.logText)
            #expect(render(item, format, tag: .host("pbx1")) == "[pbx1] " + Self.logText)
        }
        #expect(render(item, .ndjson) == "{" + logJSON)
        #expect(render(item, .ndjson, tag: .host("pbx1")) == "{\"host\":\"pbx1\"," + logJSON)
        #expect(render(item, .summary, style: Style(enabled: true)) == "\u{1B}[33m" + Self.logText.dropLast() + "\u{1B}[0m\n")
        #expect(render(.log(LogLine(level: 7, text: "\n")), .summary) == "")
        #expect(render(.log(LogLine(level: 0, text: "no break")), .summary) == "no break\n")
    }

    // MARK: Drops

    @Test func dropsInEveryFormat() {
        for format in [EventOutputFormat.summary, .headers, .plain, .json, .xml] {
            #expect(render(.dropped(12), format) == "[eslsh: 12 events or log lines dropped: output too slow]\n")
            #expect(render(.dropped(12), format, tag: .host("pbx1")) == "[pbx1] [eslsh: 12 events or log lines dropped: output too slow]\n")
        }
        #expect(render(.dropped(12), .ndjson) == "{\"_dropped\":12}\n")
        #expect(render(.dropped(12), .ndjson, tag: .host("pbx1")) == "{\"host\":\"pbx1\",\"_dropped\":12}\n")
        #expect(render(.dropped(3), .summary, style: Style(enabled: true)) == "\u{1B}[31m[eslsh: 3 events or log lines dropped: output too slow]\u{1B}[0m\n")
        #expect(StreamRenderer.droppedInAll(40) == "40 events or log lines were dropped in all: output too slow")
    }

    // MARK: Replies, API output, job results, notices

    @Test func answersInEveryFormat() {
        // command-replies.recv and api-replies.recv: a reply, an error reply, API output with and without its line break.
        for format in EventOutputFormat.allCases {
            #expect(render(.reply(Reply(text: "+OK log level 7 [7]")), format) == "+OK log level 7 [7]\n")
            #expect(render(.api(APIResponse(text: "vm")), format) == "vm\n")
            #expect(render(.api(APIResponse(text: "\n0 total.\n")), format) == "\n0 total.\n")
            #expect(render(.jobResult(Self.body), format) == Self.body)
            #expect(render(.api(APIResponse(text: "vm")), format, tag: .host("pbx1")) == "[pbx1] vm\n")
        }
        let red = Style(enabled: true)
        #expect(render(.reply(Reply(text: "-ERR invalid log level")), .summary, style: red) == "\u{1B}[31m-ERR invalid log level\u{1B}[0m\n")
        #expect(render(.api(APIResponse(text: "-ERR no reply\n")), .json, style: red) == "\u{1B}[31m-ERR no reply\u{1B}[0m\n")
        #expect(render(.jobResult("-ERR no such channel\n"), .summary, style: red) == "\u{1B}[31m-ERR no such channel\u{1B}[0m\n")
        #expect(render(.jobResult("+OK done\n"), .summary, style: red) == "+OK done\n")
    }

    @Test func disconnectNoticesByTheirFirstLine() throws {
        // handshake-ok-exit.recv: the notice after `exit`.
        let notices = try Fixtures.messages("handshake-ok-exit").compactMap { message -> DisconnectNotice? in
            if case .disconnect(let notice) = message { return notice }
            return nil
        }
        #expect(StreamRenderer.notice(try #require(notices.first)) == "server: Disconnected, goodbye.")
        #expect(StreamRenderer.notice(DisconnectNotice(headers: Headers([]), text: "")) == "server: disconnect notice")
    }

    @Test func oneJSONQuoterEscapesDEL() {
        #expect(JSONText.quoted("a\u{7F}b\u{1B}\t\"\\é") == "\"a\\u007fb\\u001b\\t\\\"\\\\é\"")
        let item = StreamItem.event(Event(headers: Headers([Header("Event-Name", "X\u{7F}")])), received: nil)
        #expect(render(item, .ndjson) == "{\"Event-Name\":\"X\\u007f\"}\n")
        #expect(XMLText.escaped("a<b>&c") == "a&lt;b&gt;&amp;c")
    }
}
