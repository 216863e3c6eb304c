#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol

/// `eslsh --stats`: a line a second, as `redis-cli --stat` does; on a terminal the column titles come
/// again every 20 lines, elsewhere (a pipe, a file) there are only lines.
package struct StatsMode {
    package let connection: Connection
    package let printer: Printer
    package let replyTimeout: Duration?
    package let logLevel: String
    package let count: Int?
    /// Ctrl-C or SIGTERM: the view ends cleanly.
    package var interruption = Interruption.signals

    package func run() -> ExitStatus {
        interruption.install()
        var monitor = StatsMonitor(connection: connection, replyTimeout: replyTimeout)
        let terminal = isatty(1) == 1
        do throws(ConnectionError) {
            try monitor.subscribe(logLevel: logLevel)
            monitor.start()
            var printed = 0
            var next = Deadline.after(milliseconds: 1000)
            while !interruption.isRequested() {
                let line = try monitor.sample(until: next, interrupted: interruption.isRequested)
                if interruption.isRequested() { break }
                if terminal, printed % 20 == 0 { printer.out(StatsAccumulator.header + "\n") }
                printer.out((terminal ? StatsAccumulator.format(line, width: TerminalSize.columns() ?? 0) : StatsAccumulator.format(line)) + "\n")
                printer.flush()
                printed += 1
                if let count, printed >= count { break }
                next = Deadline(after: next)
            }
        } catch {
            printer.error(error.description)
            if case .timedOut = error { return .timedOut }
            return .connectionLost
        }
        printer.flush()
        return .ok
    }
}

extension Deadline {
    /// A second after `previous`, or a second from now when the sampling fell behind: lines stay a
    /// second apart without drifting, and a slow answer does not cause a burst of lines.
    package init(after previous: Deadline) {
        let now = Deadline.now()
        self = previous.nanoseconds + 1_000_000_000 > now.nanoseconds ? .after(milliseconds: Int((previous.nanoseconds + 1_000_000_000 - now.nanoseconds) / 1_000_000)) : .after(milliseconds: 1000)
    }
}
