import ConsoleUI
import ESLProtocol

/// The one way a stream of messages reaches a printer: `--events` (one switch or a fleet's hosts),
/// `eslsh replay` and the events and log lines a script subscribed to. What is output goes through the
/// stream renderer into the printer's buffer; notices and malformed frames are diagnostics (stderr).
package struct StreamPrinter {
    package let renderer: StreamRenderer
    package let printer: Printer
    /// Replies and API output among the messages are printed (a replay's `--replies`), else passed over.
    package var replies = false

    package init(renderer: StreamRenderer, printer: Printer, replies: Bool = false) {
        self.renderer = renderer
        self.printer = printer
        self.replies = replies
    }

    /// Shows one message (`received`: when it arrived, for `--timestamps`); true when it was an event.
    @discardableResult
    package func show(_ message: Message, received: Int?) -> Bool {
        switch message {
        case .event, .log:
            if let item = StreamItem(message, received: received) { printer.out { renderer.render(item, to: &$0) } }
            if case .event = message { return true }
        case .reply, .apiResponse:
            if replies, let item = StreamItem(message, received: received) { printer.out { renderer.render(item, to: &$0) } }
        case .malformed(_, let reason):
            printer.error(reason)
        case .disconnect(let notice):
            printer.note(StreamRenderer.notice(notice))
        case .plainEvents(let run):
            // Runs are asked for only when raw output is not escaped; should one come anyway, it is.
            guard renderer.terminal.raw else {
                printer.out(bytes: run.bytes)
                return true
            }
            var bytes = run.bytes
            VisibleText.escape(&bytes, .lines)
            printer.out(bytes: bytes)
            return true
        case .authRequest, .rudeRejection, .raw:
            break
        }
        return false
    }

    /// A command's own answer (a script's line, a job's acceptance): the same rendering as the answers
    /// among the messages, so `-ERR` is coloured and tagged the same way everywhere.
    package func answer(_ response: Response) {
        switch response {
        case .reply(let reply): printer.out { renderer.render(.reply(reply), to: &$0) }
        case .api(let api): printer.out { renderer.render(.api(api), to: &$0) }
        // Callers copy a stream piece by piece; whole, as a fallback.
        case .apiStream: printer.out(Renderer().render(response))
        }
    }

    /// The marker where events or log lines were lost.
    package func dropped(_ count: Int) {
        printer.out { renderer.render(.dropped(count), to: &$0) }
    }
}
