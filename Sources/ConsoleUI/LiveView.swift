import ESLProtocol

/// How the console shows what arrives on its own (events, log lines, drops), with the client-side
/// filters `/uuid` and `/logfilter`. Pure: the same item and settings give the same text.
public struct LiveView: Sendable {
    /// What arrives is written by the one stream renderer, as `--events` writes it.
    public var renderer: StreamRenderer
    public var events: EventFormatter {
        get { renderer.events }
        set { renderer.events = newValue }
    }
    public var style: Style
    /// `/uuid`: log lines of other calls are hidden (lines of no call are always shown), as in fs_cli.
    public var uuidFilter: String?
    /// `/logfilter`: only log lines whose text contains this (case-sensitive, as in fs_cli).
    public var logFilter: String?
    /// `-U`/`-S` (fs_cli): log lines of a call start with its UUID and a space; 0 the whole UUID, N its
    /// first N characters; nil none.
    public var logUUID: Int? {
        get { renderer.logUUID }
        set { renderer.logUUID = newValue }
    }

    public init(style: Style, format: EventOutputFormat = .summary, tag: StreamTag? = nil) {
        self.style = style
        renderer = StreamRenderer(format: format, style: style, tag: tag)
    }

    /// `/uuid` (and `-s`): a line of another call is hidden; lines of no call are always shown.
    public static func hides(_ line: LogLine, uuidFilter: String?) -> Bool {
        guard let uuidFilter, !line.userData.isEmpty else { return false }
        return !line.userData.equalsIgnoringASCIICase(uuidFilter)
    }

    /// The text for one inbound item; nil when it shows nothing (filtered, or handled elsewhere).
    public func render(_ item: Inbound) -> String? {
        switch item {
        case .message(let message): return render(message)
        case .dropped(let count):
            return renderer.render(.dropped(count))
        case .closed: return nil
        }
    }

    public func render(_ message: Message) -> String? {
        switch message {
        case .log(let line):
            if Self.hides(line, uuidFilter: uuidFilter) { return nil }
            if let logFilter, !line.text.contains(logFilter) { return nil }
            // fs_cli: a body that is only a line break prints nothing; a missing final line break is added.
            if line.text == "\n" || line.text.isEmpty { return nil }
            return renderer.render(.log(line))
        case .event(let event, _):
            return renderer.render(.event(event, received: nil))
        case .disconnect(let notice):
            // A closing notice is reported with the end of the connection; a linger notice is news.
            return notice.disposition == .linger ? renderer.tagged(Renderer().terminated(renderer.terminal.lines(notice.text))) : nil
        case .reply(let reply):
            return renderer.render(.reply(reply))
        case .apiResponse(let response):
            return renderer.render(.api(response))
        case .rudeRejection(let text):
            return renderer.tagged(style.paint(Renderer().terminated(renderer.terminal.lines(text)), .red))
        case .malformed(let frame, let reason):
            return renderer.tagged(style.paint("[malformed \(frame.contentType.map(renderer.terminal.field) ?? "frame"): \(reason)]", .red) + "\n")
        case .raw(let frame):
            let type = frame.contentType.map(renderer.terminal.field) ?? "frame without Content-Type"
            return renderer.tagged("[\(type)]\n" + Renderer().terminated(renderer.terminal.lines(frame.bodyText)))
        case .plainEvents(let run):
            return renderer.tagged(renderer.terminal.rawLines(String(decoding: run.bytes, as: UTF8.self)))
        case .authRequest:
            return nil
        }
    }

    /// A command's answer: API output as it is, `-ERR` in red.
    public func render(_ response: Response) -> String {
        switch response {
        case .api(let api): return renderer.render(.api(api))
        case .reply(let reply): return renderer.render(.reply(reply))
        case .apiStream:
            let text = renderer.terminal.rawLines(Renderer().render(response))
            return response.isError ? style.paint(String(text.dropLast()), .red) + "\n" : text
        }
    }
}
