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
        guard let open = statsConnect else { return }
        let stats: Connection
        do {
            stats = try open()
        } catch {
            editor.show(style.paint("eslsh: /stats: \(error.description)", .red) + "\n")
            return
        }
        defer { stats.close() }
        var monitor = StatsMonitor(connection: stats, replyTimeout: replyTimeout)
        var stop = false
        var hidden = 0
        // Ctrl-C and SIGTERM come through the wake pipe; a key (Enter, in cooked mode) on the terminal.
        func interrupted() -> Bool {
            for byte in wake.wait(milliseconds: 0) {
                switch Int32(byte) {
                case Int32(WakePipe.inbound):
                    let (text, ended) = drainInbound()
                    if ended { stop = true; editor.show(text) } else { hidden += text.split(separator: "\n").count }
                case SIGINT: stop = true
                // Handed back to the pipe: the console ends as it does at the prompt.
                case SIGTERM, SIGHUP: stop = true; wake.wake(byte)
                default: break
                }
            }
            var terminal = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            if poll(&terminal, 1, 0) > 0 {
                var discard = [UInt8](repeating: 0, count: 256)
                _ = read(0, &discard, discard.count)
                stop = true
            }
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
