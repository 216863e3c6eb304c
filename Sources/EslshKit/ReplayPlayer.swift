import ConsoleUI
import ESLProtocol

/// Renders recorded frames the way `EventStream` renders live ones (kept in step with it; a test
/// compares a live stream with its replay byte for byte).
struct ReplayPlayer {
    let formatter: EventFormatter
    let style: Style
    let selection: EventSelection
    let replies: Bool
    let printer: Printer
    private(set) var events = 0

    init(formatter: EventFormatter, style: Style, selection: EventSelection, replies: Bool, printer: Printer) {
        self.formatter = formatter
        self.style = style
        self.selection = selection
        self.replies = replies
        self.printer = printer
    }

    mutating func play(_ recorded: RecordedFrame) {
        switch Message(frame: recorded.frame) {
        case .event(let event, _):
            guard selection.matches(event) else { return }
            printer.out(bytes: formatter.renderBytes(event, received: formatter.timestamps ? recorded.time : nil))
            events += 1
        case .log(let line):
            guard line.text != "\n", selection.matches(line) else { return }
            printer.out(formatter.format == .ndjson ? Self.logJSON(line) : style.log(Renderer().terminated(line.text), level: line.level))
        case .malformed(_, let reason):
            printer.error(reason)
        case .disconnect(let notice):
            printer.note("server: \(notice.text.split(separator: "\n").first.map(String.init) ?? "disconnect")")
        case .reply(let reply) where replies:
            printer.out(reply.isError ? style.paint(Renderer().terminated(reply.text), .red) : Renderer().terminated(reply.text))
        case .apiResponse(let response) where replies:
            printer.out(response.isError ? style.paint(Renderer().terminated(response.text), .red) : Renderer().terminated(response.text))
        default:
            break
        }
    }

    /// As `EventStream` writes a log line in ndjson.
    static func logJSON(_ line: LogLine) -> String {
        let event = Event(headers: Headers([
            Header("Log-Level", String(line.level)), Header("Log-Level-Name", line.levelName), Header("Log-File", line.file),
            Header("Log-Func", line.function), Header("Log-Line", String(line.line)), Header("User-Data", line.userData),
        ]), body: line.text)
        return "{\"_type\":\"log\"," + String(decoding: event.encoded(as: .json), as: UTF8.self).dropFirst() + "\n"
    }
}
