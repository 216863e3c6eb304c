import ESLProtocol

/// How the console shows what arrives on its own (events, log lines, drops), with the client-side
/// filters `/uuid` and `/logfilter`. Pure: the same item and settings give the same text.
public struct LiveView: Sendable {
    public var events: EventFormatter
    public var style: Style
    /// `/uuid`: log lines of other calls are hidden (lines of no call are always shown), as in fs_cli.
    public var uuidFilter: String?
    /// `/logfilter`: only log lines whose text contains this (case-sensitive, as in fs_cli).
    public var logFilter: String?
    /// `-U`/`-S` (fs_cli): log lines of a call start with its UUID and a space; 0 the whole UUID, N its
    /// first N characters; nil none.
    public var logUUID: Int?

    public init(style: Style, format: EventOutputFormat = .summary) {
        self.style = style
        self.events = EventFormatter(format: format, style: style)
    }

    /// The text for one inbound item; nil when it shows nothing (filtered, or handled elsewhere).
    public func render(_ item: Inbound) -> String? {
        switch item {
        case .message(let message): return render(message)
        case .dropped(let count):
            return style.paint("[\(count) events or log lines dropped: output too slow]", .red) + "\n"
        case .closed: return nil
        }
    }

    public func render(_ message: Message) -> String? {
        switch message {
        case .log(let line):
            if let uuidFilter, !line.userData.isEmpty, !line.userData.equalsIgnoringASCIICase(uuidFilter) { return nil }
            if let logFilter, !line.text.contains(logFilter) { return nil }
            // fs_cli: a body that is only a line break prints nothing; a missing final line break is added.
            if line.text == "\n" || line.text.isEmpty { return nil }
            var text = line.text.hasSuffix("\n") ? line.text : line.text + "\n"
            if let length = logUUID, !line.userData.isEmpty {
                text = (length == 0 ? line.userData : String(line.userData.prefix(length))) + " " + text
            }
            return style.log(text, level: line.level)
        case .event(let event, _):
            return events.render(event)
        case .disconnect(let notice):
            // A closing notice is reported with the end of the connection; a linger notice is news.
            return notice.disposition == .linger ? Renderer().terminated(notice.text) : nil
        case .reply(let reply):
            return Renderer().terminated(reply.text)
        case .apiResponse(let response):
            return Renderer().terminated(response.text)
        case .rudeRejection(let text):
            return style.paint(Renderer().terminated(text), .red)
        case .malformed(let frame, let reason):
            return style.paint("[malformed \(frame.contentType ?? "frame"): \(reason)]", .red) + "\n"
        case .raw(let frame):
            return "[\(frame.contentType ?? "frame without Content-Type")]\n" + Renderer().terminated(frame.bodyText)
        case .authRequest:
            return nil
        }
    }

    /// A command's answer: API output as it is, `-ERR` in red.
    public func render(_ response: Response) -> String {
        let text = Renderer().render(response)
        return response.isError ? style.paint(String(text.dropLast()), .red) + "\n" : text
    }
}
