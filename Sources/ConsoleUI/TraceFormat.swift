import ESLProtocol

/// How `--trace` writes a trace item: a line of text (`+0.039 B CHANNEL_ANSWER`, `+0.040 A [DEBUG] …`)
/// or, with `--format ndjson`, one JSON object. Every field from the switch is neutralised for the
/// terminal in text; JSON escapes control characters itself.
public struct TraceFormat: Sendable {
    public var json: Bool
    public var style: Style

    public init(json: Bool, style: Style = .plain) {
        self.json = json
        self.style = style
    }

    public func render(_ item: CallTrace.Item) -> String {
        let time = "+" + CallTrace.seconds(item.offset)
        if json {
            var out = "{\"t\":\(CallTrace.seconds(item.offset)),\"leg\":\(JSONText.quoted(item.leg)),\"uuid\":\(JSONText.quoted(item.uuid)),"
            switch item.kind {
            case .event(let name, let detail):
                out += "\"type\":\"event\",\"name\":\(JSONText.quoted(name)),\"detail\":\(JSONText.quoted(detail))}"
            case .log(let level, let text):
                out += "\"type\":\"log\",\"level\":\(JSONText.quoted(Self.levelName(level))),\"text\":\(JSONText.quoted(text))}"
            }
            return out + "\n"
        }
        switch item.kind {
        case .event(let name, let detail):
            let text = style.paint(TerminalText.visible(name), .bold) + (detail.isEmpty ? "" : " " + TerminalText.visible(detail))
            return "\(style.paint(time, .dim)) \(item.leg) \(text)\n"
        case .log(let level, let text):
            return "\(style.paint(time, .dim)) \(item.leg) " + style.log("[\(Self.levelName(level))] \(TerminalText.visible(text))", level: level) + "\n"
        }
    }

    public func summary(_ trace: CallTrace) -> String {
        json ? "{\"type\":\"summary\",\"done\":\(trace.isDone),\"text\":\(JSONText.quoted(trace.summary))}\n"
             : style.paint("— " + TerminalText.visible(trace.summary), .bold) + "\n"
    }

    static func levelName(_ level: Int) -> String {
        LogLine.levelNames.indices.contains(level) ? LogLine.levelNames[level] : String(level)
    }
}
