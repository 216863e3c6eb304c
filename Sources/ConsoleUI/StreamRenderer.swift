import ESLProtocol

/// Where the items of a stream came from, when several streams share one output.
public enum StreamTag: Sendable, Equatable {
    /// A fleet's host: a `host` member first in JSON and NDJSON, a `<host>` element first in XML's
    /// headers, `[host] ` before every line of the other formats and of text items.
    case host(String)
    /// An outbound console's call: `[N] ` (cyan) before every line.
    case call(Int)

    /// What goes before a tagged line.
    public func prefix(style: Style) -> String {
        switch self {
        case .host(let host): return "[\(TerminalText.visible(host))] "
        case .call(let number): return style.paint("[\(number)]", .cyan) + " "
        }
    }
}

/// One thing to show from a stream: what arrived on a connection or in a recording, or a command's
/// answer printed among it.
public enum StreamItem: Sendable, Equatable {
    /// `received`: microseconds since the epoch, shown with `--timestamps`.
    case event(Event, received: Int?)
    case log(LogLine)
    case reply(Reply)
    /// API output (`api/response`).
    case api(APIResponse)
    /// A background job's result: the body of its BACKGROUND_JOB event.
    case jobResult(String)
    /// This many events or log lines were lost because the output fell behind.
    case dropped(Int)

    /// The item for a message that is shown as output; nil for the others (notices, frames of the
    /// handshake, malformed frames: diagnostics, the caller's to report).
    public init?(_ message: Message, received: Int?) {
        switch message {
        case .event(let event, _): self = .event(event, received: received)
        case .log(let line): self = .log(line)
        case .reply(let reply): self = .reply(reply)
        case .apiResponse(let response): self = .api(response)
        default: return nil
        }
    }
}

/// The one renderer of inbound items: `--events` (one host or a fleet), `eslsh replay`, the events of a
/// script, the console and the outbound console all write through `render(_:to:)`, so the same item in
/// the same format gives the same bytes everywhere (a replay is the live stream's output by
/// construction). A tag is written while rendering: into the structure of JSON and XML, before each
/// line of the line formats; never spliced into bytes already rendered. Pure.
public struct StreamRenderer: Sendable {
    public var events: EventFormatter
    public var tag: StreamTag?
    /// `-U`/`-S` (fs_cli): a call's log lines start with its UUID and a space; 0 the whole UUID, N its
    /// first N characters; nil none.
    public var logUUID: Int?

    public init(format: EventOutputFormat = .summary, style: Style = .plain, timestamps: Bool = false, terminal: TerminalText = .safe, tag: StreamTag? = nil) {
        events = EventFormatter(format: format, style: style, timestamps: timestamps, terminal: terminal)
        self.tag = tag
    }

    public init(events: EventFormatter, tag: StreamTag? = nil) {
        self.events = events
        self.tag = tag
    }

    public var format: EventOutputFormat { events.format }
    public var style: Style { events.style }
    /// Which outside text is escaped: the event formatter's, for every item.
    public var terminal: TerminalText { events.terminal }

    /// The one text for lost items, in the stream where they were lost.
    public static func droppedText(_ count: Int) -> String {
        "[eslsh: \(count) events or log lines dropped: output too slow]"
    }

    /// The total at the end of a stream that lost items (a diagnostic, for stderr).
    public static func droppedInAll(_ count: Int) -> String {
        "\(count) events or log lines were dropped in all: output too slow"
    }

    /// A disconnect notice as a diagnostic line: its first line.
    public static func notice(_ notice: DisconnectNotice) -> String {
        "server: \(notice.summary)"
    }

    /// The item's text.
    public func render(_ item: StreamItem) -> String {
        var out: [UInt8] = []
        render(item, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The item's bytes appended to an output buffer; nothing for a log line that is only a line break
    /// (fs_cli prints nothing for those).
    ///
    /// Every item of every mode passes here before any colour code is added, so this is where outside
    /// text is neutralised for a terminal (issue 14), by `terminal`'s rule for the item's kind: an
    /// event by its format's rule (`EventFormatter.append`), a log line and a reply as text for people,
    /// API output and a job's result as raw output. Clean text is scanned once and copied as it is;
    /// raw output that is not escaped (`--format plain` to a pipe) is not even scanned.
    public func render(_ item: StreamItem, to out: inout [UInt8]) {
        let terminal = events.terminal
        switch item {
        case .event(let event, let received):
            switch tag {
            case nil:
                events.append(event, received: received, to: &out)
            case .host(let host) where format.isStructured:
                events.append(event, received: received, host: host, to: &out)
            case .host, .call:
                var text: [UInt8] = []
                events.append(event, received: received, to: &text)
                appendTagged(text, to: &out)
            }
        case .log(let line):
            guard !line.text.isEmpty, line.text != "\n" else { return }
            if format == .ndjson { return appendObject(logMembers(line), to: &out) }
            var text = Renderer().terminated(terminal.lines(line.text))
            if let length = logUUID, !line.userData.isEmpty {
                text = terminal.field(length == 0 ? line.userData : String(line.userData.prefix(length))) + " " + text
            }
            appendTagged(Array(style.log(text, level: line.level).utf8), to: &out)
        case .dropped(let count):
            if format == .ndjson { return appendObject("\"_dropped\":\(count)", to: &out) }
            appendTagged(Array((style.paint(Self.droppedText(count), .red) + "\n").utf8), to: &out)
        case .reply(let reply):
            appendTagged(answer(terminal.lines(reply.text), failed: reply.isError), to: &out)
        case .api(let response):
            appendTagged(answer(terminal.rawLines(response.text), failed: response.isError), to: &out)
        case .jobResult(let body):
            appendTagged(answer(terminal.rawLines(body), failed: body.hasPrefix("-ERR")), to: &out)
        }
    }

    /// Text from elsewhere (a console's own line about the stream) with the stream's line tags.
    public func tagged(_ text: String) -> String {
        guard tag != nil else { return text }
        var out: [UInt8] = []
        appendTagged(Array(text.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// An answer ends in one line break; a failed one is red, the line breaks outside the colour codes.
    private func answer(_ text: String, failed: Bool) -> [UInt8] {
        let text = Renderer().terminated(text)
        return Array((failed ? style.paint(String(text.dropLast()), .red) + "\n" : text).utf8)
    }

    /// An NDJSON object of eslsh's own (a log line, a drop marker), the host first when tagged.
    private func appendObject(_ members: String, to out: inout [UInt8]) {
        guard case .host(let host)? = tag else {
            out.append(contentsOf: "{\(members)}\n".utf8)
            return
        }
        out.append(contentsOf: "{\"host\":".utf8)
        JSONText.appendQuoted(host, to: &out)
        out.append(contentsOf: ",\(members)}\n".utf8)
    }

    /// A log line in NDJSON: `_type` first, then its fields as an event's headers, the text as `_body`.
    private func logMembers(_ line: LogLine) -> String {
        let event = Event(headers: Headers([
            Header("Log-Level", String(line.level)), Header("Log-Level-Name", line.levelName), Header("Log-File", line.file),
            Header("Log-Func", line.function), Header("Log-Line", String(line.line)), Header("User-Data", line.userData),
        ]), body: line.text)
        return "\"_type\":\"log\"," + String(decoding: event.encoded(as: .json).dropFirst().dropLast(), as: UTF8.self)
    }

    /// `bytes` with the tag before every line; an empty line gets the tag without its trailing space.
    private func appendTagged(_ bytes: [UInt8], to out: inout [UInt8]) {
        guard let tag else { return out.append(contentsOf: bytes) }
        let full = Array(tag.prefix(style: style).utf8)
        let bare = full.dropLast()
        var start = 0
        while start < bytes.count {
            let stop = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            out.append(contentsOf: stop == start ? bare : full[...])
            out.append(contentsOf: bytes[start..<stop])
            out.append(0x0A)
            start = stop + 1
        }
    }
}

extension EventOutputFormat {
    /// JSON, NDJSON and XML: a host goes into the structure, not before the lines.
    public var isStructured: Bool { self == .json || self == .ndjson || self == .xml }
}
