#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol

/// Samples a switch once a second for `--stats` and `/stats`: asks `status`, `show calls count` and
/// `show channels count`, and counts the events and log lines that arrived in between. It uses a
/// connection of its own, subscribed to ALL events and to log lines, so the console's subscriptions
/// are left alone.
package struct StatsMonitor {
    package let connection: Connection
    package let replyTimeout: Duration
    private(set) var accumulator = StatsAccumulator()
    private var last = Deadline.now()

    package init(connection: Connection, replyTimeout: Duration?) {
        self.connection = connection
        self.replyTimeout = replyTimeout ?? .seconds(5)
    }

    /// Subscribes quietly: nothing of this is shown.
    package func subscribe(logLevel: String) throws(ConnectionError) {
        for command in [Command.event(.plain, ["ALL"]), .log(logLevel)] {
            let response = try connection.send(command, timeout: replyTimeout)
            if response.isError { throw .refused(command: command.redactedLine, replyText: response.text.trimmingWhitespace) }
        }
    }

    /// Counts what arrives until `deadline` (or `interrupted`), then asks the switch and returns the
    /// line for the interval. Throws when the connection has ended.
    package mutating func sample(until deadline: Deadline, interrupted: () -> Bool) throws(ConnectionError) -> StatsAccumulator.Line {
        while !deadline.hasPassed, !interrupted() {
            let wait = Deadline.after(milliseconds: min(deadline.remainingMilliseconds, 100))
            for item in connection.inbound.nextBatch(limit: 1024, until: wait) {
                switch item {
                case .message(.event(let event, _)): accumulator.record(event)
                case .message(.log(let line)): accumulator.record(line)
                case .dropped(let count): accumulator.recordDropped(count)
                case .closed(let reason): throw reason
                case .message: break
                }
            }
        }
        accumulator.readStatus(try ask("status"))
        accumulator.readCallsCount(try ask("show calls count"))
        accumulator.readChannelsCount(try ask("show channels count"))
        let now = Deadline.now()
        let seconds = Double(now.nanoseconds - last.nanoseconds) / 1e9
        last = now
        return accumulator.take(seconds: seconds)
    }

    /// An API answer; a timeout or -ERR leaves the figure as it was (an empty answer parses to nothing).
    private func ask(_ command: String) throws(ConnectionError) -> String {
        do throws(ConnectionError) {
            let response = try connection.send(.api(command), timeout: replyTimeout)
            return response.isError ? "" : response.text
        } catch {
            if case .timedOut = error { return "" }
            throw error
        }
    }

    /// Starts the clock of the first interval.
    package mutating func start() { last = .now() }
}
