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
        case .authRequest, .rudeRejection, .raw:
            break
        }
        return false
    }

    /// The marker where events or log lines were lost.
    package func dropped(_ count: Int) {
        printer.out { renderer.render(.dropped(count), to: &$0) }
    }
}
