#if canImport(Glibc)
import Glibc
#endif
import ESLProtocol

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

    public init(format: EventOutputFormat = .summary, style: Style = .plain, timestamps: Bool = false) {
        self.format = format
        self.style = style
        self.timestamps = timestamps
    }

    /// The event's text, ending in a line break. `received` is microseconds since the epoch.
    public func render(_ event: Event, received: Int? = nil) -> String {
        let stamp = timestamps ? received.map { Self.clock($0, date: true) + " " } ?? "" : ""
        switch format {
        case .summary:
            return stamp + summary(event) + "\n"
        case .headers:
            var out = stamp.isEmpty ? "" : stamp + "\n"
            for header in event.headers { out += style.paint(header.name, .cyan) + ": " + header.value + "\n" }
            if let body = event.body {
                out += "\n" + body
                if !body.hasSuffix("\n") { out += "\n" }
            }
            return out + "\n"
        case .plain:
            return stamp + String(decoding: event.encoded(as: .plain), as: UTF8.self) + "\n"
        case .xml:
            return stamp + String(decoding: event.encoded(as: .xml), as: UTF8.self)
        case .ndjson:
            var line = String(decoding: event.encoded(as: .json), as: UTF8.self)
            if timestamps, let received { line = "{\"_received\":\"\(Self.clock(received, date: true))\"," + line.dropFirst() }
            return line + "\n"
        case .json:
            return stamp + prettyJSON(event) + "\n"
        }
    }

    /// The same text as bytes, without a detour through `String` for the wire formats (the event
    /// stream's hot path: a plain event is the bytes the switch sent).
    public func renderBytes(_ event: Event, received: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        append(event, received: received, to: &out)
        return out
    }

    /// `renderBytes` appended to an output buffer (one copy of the event's bytes, no more).
    public func append(_ event: Event, received: Int? = nil, to out: inout [UInt8]) {
        switch format {
        case .plain where !timestamps:
            event.append(as: .plain, to: &out)
            out.append(0x0A)
        case .ndjson where !timestamps:
            event.append(as: .json, to: &out)
            out.append(0x0A)
        default:
            out.append(contentsOf: render(event, received: received).utf8)
        }
    }

    /// `12:00:01.234 CHANNEL_ANSWER loopback/9196-a Outbound Call <0000000000> → 9196 [uuid]`.
    public func summary(_ event: Event) -> String {
        var parts: [String] = []
        if let micros = event["Event-Date-Timestamp"].flatMap(Int.init) { parts.append(style.paint(Self.clock(micros, date: false), .dim)) }
        var name = style.paint(event.name, .bold)
        if let subclass = event.subclass { name += " " + subclass }
        parts.append(name)
        // CUSTOM events say who and what in headers of their own (sofia registrations, conferences).
        if let custom = CustomEventSummary.parts(event) {
            parts += custom
            if let uuid = event.uniqueID { parts.append(style.paint("[\(uuid)]", .dim)) }
            return parts.joined(separator: " ")
        }
        let named = parts.count
        if let channel = event["Channel-Name"] { parts.append(channel) }
        if let state = event["Channel-State"], event.name == "CHANNEL_STATE" { parts.append(state) }
        if let callState = event["Channel-Call-State"], event.name == "CHANNEL_CALLSTATE" { parts.append(callState) }
        if let app = event["Application"] {
            parts.append(app + (event["Application-Data"].map { $0.isEmpty ? "" : "(\($0))" } ?? ""))
        }
        if let cause = event["Hangup-Cause"], event.name.hasPrefix("CHANNEL_HANGUP") { parts.append(cause) }
        let caller = [event["Caller-Caller-ID-Name"], event["Caller-Caller-ID-Number"].map { "<\($0)>" }].compactMap { $0 }
        if let destination = event["Caller-Destination-Number"] {
            parts.append((caller.isEmpty ? "" : caller.joined(separator: " ") + " → ") + destination)
        }
        if let command = event["API-Command"] { parts.append(command + (event["API-Command-Argument"].map { " " + $0 } ?? "")) }
        if let job = event["Job-Command"] { parts.append(job + (event["Job-Command-Arg"].map { " " + $0 } ?? "")) }
        if event.name == "CUSTOM", parts.count == named { parts += CustomEventSummary.tellingHeaders(event) }
        if let uuid = event.uniqueID ?? event.jobUUID { parts.append(style.paint("[\(uuid)]", .dim)) }
        if event.name == "BACKGROUND_JOB", let body = event.body {
            let firstLine = body.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            parts.append("→ " + firstLine)
        }
        return parts.joined(separator: " ")
    }

    private func prettyJSON(_ event: Event) -> String {
        // The compact form is FreeSWITCH's; indent it one member per line (values never hold raw newlines).
        var lines: [String] = []
        var grouped: [(String, [String])] = []
        for header in event.headers {
            if let last = grouped.last, last.0 == header.name { grouped[grouped.count - 1].1.append(header.value) } else { grouped.append((header.name, [header.value])) }
        }
        for (name, values) in grouped {
            let value = values.count == 1 ? Self.quoted(values[0]) : "[" + values.map(Self.quoted).joined(separator: ", ") + "]"
            lines.append("  " + style.paint(Self.quoted(name), .cyan) + ": " + value)
        }
        if let body = event.body { lines.append("  " + style.paint("\"_body\"", .cyan) + ": " + Self.quoted(body)) }
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }

    static func quoted(_ text: String) -> String {
        String(decoding: Event(headers: Headers([Header("x", text)])).encoded(as: .json), as: UTF8.self)
            .dropFirst(5).dropLast()  // {"x":"…"} → "…"
            .description
    }

    /// `HH:MM:SS.mmm` (local time), with the date in front when asked.
    public static func clock(_ microseconds: Int, date: Bool) -> String {
        var seconds = microseconds / 1_000_000
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &parts)
        let text = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let millis = (microseconds / 1000) % 1000
        return text + "." + (millis < 10 ? "00" : millis < 100 ? "0" : "") + String(millis)
    }
}
