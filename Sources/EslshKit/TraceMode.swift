#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol

/// `eslsh --trace UUID`: subscribes to every event and to log lines (DEBUG, or the `--log` level),
/// keeps what is about the call and its legs, and ends with a summary once they are all gone (exit 0).
/// The switch cannot filter by a set of UUIDs that grows, so the filtering is done here.
package struct TraceMode {
    package let connection: Connection
    package let printer: Printer
    package let uuid: String
    package let format: TraceFormat
    package let logLevel: String
    package let replyTimeout: Duration?
    /// Ctrl-C or SIGTERM: the trace ends with its summary so far.
    package var interruption = Interruption.signals

    package func run() -> ExitStatus {
        interruption.install()
        for command in [Command.event(.plain, ["ALL"]), .log(logLevel)] {
            do throws(ConnectionError) {
                let response = try connection.send(command, timeout: replyTimeout ?? .seconds(5))
                if response.isError {
                    printer.error("\(command.redactedLine): \(response.text.trimmingWhitespace.escapedForDisplay)")
                    return .commandFailed
                }
            } catch {
                printer.error(error.description)
                if case .timedOut = error { return .timedOut }
                return .connectionLost
            }
        }
        var follower = TraceFollower(uuid: uuid, format: format)
        var dropped = 0
        defer { printer.flush() }
        while !interruption.isRequested() {
            let batch = connection.inbound.nextBatch(limit: 512, until: .after(milliseconds: 100))
            for item in batch {
                switch item {
                case .message(let message):
                    let text = follower.offer(message, at: Self.now())
                    if !text.isEmpty { printer.out(text) }
                case .dropped(let count):
                    dropped += count
                    printer.note("\(count) events or log lines were dropped (output too slow): the trace may miss some")
                case .closed(let reason):
                    printer.out(follower.summary)
                    printer.error(reason.description)
                    return .connectionLost
                }
            }
            printer.flush()
            if follower.isOver(at: Self.now()) { break }
        }
        printer.out(follower.summary)
        if dropped > 0 { printer.note("\(dropped) events or log lines were dropped in all") }
        return .ok
    }

    /// Wall-clock microseconds: the same clock a recording's times use.
    static func now() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1000
    }
}
