import ConsoleUI
import ESLProtocol

/// Plays recorded frames through the same `StreamPrinter` as a live `--events` stream, so a replay
/// prints what the live stream printed (a test compares the two byte for byte).
struct ReplayPlayer {
    let output: StreamPrinter
    let selection: EventSelection
    private(set) var events = 0

    init(formatter: EventFormatter, selection: EventSelection, replies: Bool, printer: Printer) {
        output = StreamPrinter(renderer: StreamRenderer(events: formatter), printer: printer, replies: replies)
        self.selection = selection
    }

    mutating func play(_ recorded: RecordedFrame) {
        let message = Message(frame: recorded.frame)
        switch message {
        case .event(let event, _) where !selection.matches(event): return
        case .log(let line) where !selection.matches(line): return
        default: break
        }
        if output.show(message, received: recorded.time) { events += 1 }
    }
}
