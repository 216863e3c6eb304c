#if canImport(Glibc)
import Glibc
#endif
import ESLProtocol
import Synchronization

/// How events are shown: `/format` in the console, `--format` for `--events`.
public enum EventOutputFormat: String, CaseIterable, Sendable {
    /// One line: time, name, subclass, channel, caller → destination, uuid.
    case summary
    /// Decoded `Name: value` headers, then the body.
    case headers
    /// As FreeSWITCH sends a plain event (values URL-encoded).
    case plain
    /// One JSON object, indented.
    case json
    /// One JSON object per line, for `jq`.
    case ndjson
    /// As FreeSWITCH sends an XML event.
    case xml
}

/// Renders events to text. Pure: the same event and settings always give the same text.
public struct EventFormatter: Sendable {
    public var format: EventOutputFormat
    public var style: Style
    /// Prefix each event with the time it was received (summary already shows the event's own time).
    public var timestamps: Bool

    /// Which outside text is shown escaped (`--escape`); everything unless told otherwise.
    public var terminal: TerminalText

    public init(format: EventOutputFormat = .summary, style: Style = .plain, timestamps: Bool = false, terminal: TerminalText = .safe) {
        self.format = format
        self.style = style
        self.timestamps = timestamps
        self.terminal = terminal
    }

    /// The event's text, ending in a line break. `received` is microseconds since the epoch.
    public func render(_ event: Event, received: Int? = nil, host: String? = nil) -> String {
        var out: [UInt8] = []
        append(event, received: received, host: host, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The event's text appended to an output buffer (the event stream's hot path: a plain event is the
    /// bytes the switch sent, NDJSON is written from them, one copy and no `String`).
    ///
    /// `host` (a fleet's): written as the first member of the JSON object, or the first element of
    /// XML's `<headers>`, while the event is written. The line formats get no host here: their
    /// `[host] ` tags are the stream renderer's, on every line.
    ///
    /// Outside text is escaped by its format's rule (`terminal`): summary and headers escape each
    /// value (one line each: a value with a line break must not fake a line), plain and XML escape
    /// what they wrote only when `terminal.raw` (a pipe gets the switch's bytes; nothing is scanned),
    /// JSON and NDJSON are escaped by their encoding.
    public func append(_ event: Event, received: Int? = nil, host: String? = nil, to out: inout [UInt8]) {
        let stamp = timestamps ? received.map { Self.clock($0, date: true) } : nil
        switch format {
        case .summary:
            if let stamp { out.append(contentsOf: (stamp + " ").utf8) }
            out.append(contentsOf: summary(event).utf8)
            out.append(0x0A)
        case .headers:
            var text = stamp.map { $0 + " \n" } ?? ""
            for header in event.headers { text += style.paint(terminal.field(header.name), .cyan) + ": " + terminal.field(header.value) + "\n" }
            if let body = event.body.map(terminal.lines) {
                text += "\n" + body
                if !body.hasSuffix("\n") { text += "\n" }
            }
            out.append(contentsOf: (text + "\n").utf8)
        case .plain:
            if let stamp { out.append(contentsOf: (stamp + " ").utf8) }
            let start = out.count
            event.append(as: .plain, to: &out)
            if terminal.raw { VisibleText.escape(&out, from: start, .lines) }
            out.append(0x0A)
        case .xml:
            if let stamp { out.append(contentsOf: (stamp + " ").utf8) }
            let start = out.count
            if let host { out.append(contentsOf: event.encodedXML(leading: [("host", host)])) } else { event.append(as: .xml, to: &out) }
            if terminal.raw { VisibleText.escape(&out, from: start, .lines) }
        case .ndjson:
            // eslsh's own members go first, written into the object as it is opened.
            var leading: [String] = []
            if let host { leading.append("\"host\":" + JSONText.quoted(host)) }
            if let stamp { leading.append("\"_received\":" + JSONText.quoted(stamp)) }
            let start = out.count
            event.append(as: .json, to: &out)
            if !leading.isEmpty {
                let members = leading.joined(separator: ",") + (out.count - start > 2 ? "," : "")
                out.insert(contentsOf: members.utf8, at: start + 1)  // after the object's `{`
            }
            out.append(0x0A)
        case .json:
            if let stamp { out.append(contentsOf: (stamp + " ").utf8) }
            out.append(contentsOf: prettyJSON(event, host: host).utf8)
            out.append(0x0A)
        }
    }

    /// `12:00:01.234 CHANNEL_ANSWER loopback/9196-a Outbound Call <0000000000> → 9196 [uuid]`.
    public func summary(_ event: Event) -> String {
        // Every value from the event is escaped as one line before it is joined or painted.
        let field = terminal.field
        func value(_ name: String) -> String? { event[name].map(field) }
        var parts: [String] = []
        if let micros = event["Event-Date-Timestamp"].flatMap(Int.init) { parts.append(style.paint(Self.clock(micros, date: false), .dim)) }
        // The name once: each look-up of a header is a pass over the event's fields, and headers that
        // only some events' summaries show are looked up only for those events.
        let eventName = event.name
        var name = style.paint(field(eventName), .bold)
        if let subclass = event.subclass { name += " " + field(subclass) }
        parts.append(name)
        let uuid = (event.uniqueID ?? event.jobUUID).map(field)
        // CUSTOM events say who and what in headers of their own (sofia registrations, conferences).
        if let custom = CustomEventSummary.parts(event) {
            parts += custom.map(field)
            if let uuid = event.uniqueID.map(field) { parts.append(style.paint("[\(uuid)]", .dim)) }
            return parts.joined(separator: " ")
        }
        let named = parts.count
        if let channel = value("Channel-Name") { parts.append(channel) }
        if eventName == "CHANNEL_STATE", let state = value("Channel-State") { parts.append(state) }
        if eventName == "CHANNEL_CALLSTATE", let callState = value("Channel-Call-State") { parts.append(callState) }
        if let app = value("Application") {
            parts.append(app + (value("Application-Data").map { $0.isEmpty ? "" : "(\($0))" } ?? ""))
        }
        if eventName.hasPrefix("CHANNEL_HANGUP"), let cause = value("Hangup-Cause") { parts.append(cause) }
        let caller = [value("Caller-Caller-ID-Name"), value("Caller-Caller-ID-Number").map { "<\($0)>" }].compactMap { $0 }
        if let destination = value("Caller-Destination-Number") {
            parts.append((caller.isEmpty ? "" : caller.joined(separator: " ") + " → ") + destination)
        }
        if let command = value("API-Command") { parts.append(command + (value("API-Command-Argument").map { " " + $0 } ?? "")) }
        if let job = value("Job-Command") { parts.append(job + (value("Job-Command-Arg").map { " " + $0 } ?? "")) }
        if eventName == "CUSTOM", parts.count == named { parts += CustomEventSummary.tellingHeaders(event).map(field) }
        if let uuid { parts.append(style.paint("[\(uuid)]", .dim)) }
        if eventName == "BACKGROUND_JOB", let body = event.body {
            let firstLine = body.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            parts.append("→ " + field(firstLine))
        }
        return parts.joined(separator: " ")
    }

    private func prettyJSON(_ event: Event, host: String?) -> String {
        // The compact form is FreeSWITCH's; indent it one member per line (values never hold raw newlines).
        var lines: [String] = host.map { ["  \"host\": " + JSONText.quoted($0)] } ?? []
        var grouped: [(String, [String])] = []
        for header in event.headers {
            if let last = grouped.last, last.0 == header.name { grouped[grouped.count - 1].1.append(header.value) } else { grouped.append((header.name, [header.value])) }
        }
        for (name, values) in grouped {
            let value = values.count == 1 ? JSONText.quoted(values[0]) : "[" + values.map(JSONText.quoted).joined(separator: ", ") + "]"
            lines.append("  " + style.paint(JSONText.quoted(name), .cyan) + ": " + value)
        }
        if let body = event.body { lines.append("  " + style.paint("\"_body\"", .cyan) + ": " + JSONText.quoted(body)) }
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }

    /// `HH:MM:SS.mmm` (local time), with the date in front when asked.
    public static func clock(_ microseconds: Int, date: Bool) -> String {
        let seconds = microseconds / 1_000_000
        let millis = (microseconds / 1000) % 1000
        return secondText(seconds, date: date) + "." + (millis < 10 ? "00" : millis < 100 ? "0" : "") + String(millis)
    }

    /// The last second written, per form: a stream's events mostly share their second, and
    /// `localtime_r` with `strftime` for each was a twentieth of a summary's time (issue 16).
    private static let lastSecond = Mutex<LastSecond>(LastSecond())
    private struct LastSecond {
        var time: (seconds: Int, text: String)?
        var dateAndTime: (seconds: Int, text: String)?
        subscript(date: Bool) -> (seconds: Int, text: String)? {
            get { date ? dateAndTime : time }
            set { if date { dateAndTime = newValue } else { time = newValue } }
        }
    }

    private static func secondText(_ seconds: Int, date: Bool) -> String {
        if let last = lastSecond.withLock({ $0[date] }), last.seconds == seconds { return last.text }
        var time = seconds
        var parts = tm()
        localtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &parts)
        let text = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        lastSecond.withLock { $0[date] = (seconds, text) }
        return text
    }
}
