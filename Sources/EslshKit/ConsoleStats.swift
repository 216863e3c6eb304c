#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol

/// `/stats` in the console: the `--stats` line, once a second, until Ctrl-C or a key. It prints a
/// line per second rather than refreshing one line in place: libedit owns the terminal's modes and
/// redraws the prompt after every output, and a line rewritten underneath it is not safe. Sampling
/// uses a second connection, so the console's own subscriptions stay as they are; what arrives on the
/// console's connection meanwhile is counted and not shown.
extension ConsoleSession {
    package func runStats() {
        guard let stats = liveViewConnection("/stats") else { return }
        defer { stats.close() }
        var monitor = StatsMonitor(connection: stats, replyTimeout: replyTimeout)
        var stop = false
        var hidden = 0
        // Ctrl-C and SIGTERM come through the wake pipe; a key (Enter, in cooked mode) on the terminal.
        func interrupted() -> Bool {
            if liveViewShouldStop(hidden: &hidden, keyStops: true) { stop = true }
            return stop
        }
        do throws(ConnectionError) {
            try monitor.subscribe(logLevel: "debug")
            editor.show(style.paint("Live stats, a line a second; Ctrl-C or Enter stops.", .dim) + "\n")
            monitor.start()
            var printed = 0
            var next = Deadline.after(milliseconds: 1000)
            while !stop {
                let line = try monitor.sample(until: next, interrupted: interrupted)
                if stop { break }
                if printed % 20 == 0 { editor.show(style.paint(StatsAccumulator.header, .bold) + "\n") }
                editor.show(StatsAccumulator.format(line, width: TerminalSize.columns() ?? 0) + "\n")
                printed += 1
                next = Deadline(after: next)
            }
        } catch {
            editor.show(style.paint("eslsh: /stats: \(error.description)", .red) + "\n")
        }
        // The terminal echoed ^C (or the key) where the next line starts: clear it for the prompt.
        Terminal.write("\r\u{1B}[K")
        if hidden > 0 { editor.show(style.paint("\(hidden) lines of events or log output arrived during /stats and were not shown.", .dim) + "\n") }
    }
}
