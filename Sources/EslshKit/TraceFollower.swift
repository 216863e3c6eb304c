import ConsoleUI
import ESLClient
import ESLProtocol

/// The part of `--trace` that live and replay share, so the two print the same for the same frames:
/// each message is offered with its arrival time (the clock for live, the recorded time for a
/// replay); the trace ends once every leg was destroyed and no item of the call came for `linger`
/// — the switch logs a call's last lines just after its CHANNEL_DESTROY.
package struct TraceFollower {
    package private(set) var trace: CallTrace
    package let format: TraceFormat
    package var linger = 1_000_000
    /// Arrival time (microseconds) of the latest item, once the trace is done.
    private var lastItem: Int?
    package private(set) var items = 0

    package init(uuid: String, format: TraceFormat) {
        trace = CallTrace(uuid: uuid)
        self.format = format
    }

    /// The text for one message (empty when it is not about the call).
    package mutating func offer(_ message: Message, at time: Int) -> String {
        guard let item = trace.take(message) else { return "" }
        items += 1
        lastItem = time
        return format.render(item)
    }

    /// Whether the trace is over at `time`: every leg destroyed and nothing of it for `linger`.
    package func isOver(at time: Int) -> Bool {
        guard trace.isDone, let lastItem else { return false }
        return time - lastItem > linger
    }

    package var summary: String { format.summary(trace) }
}
