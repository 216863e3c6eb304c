#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol

/// Several switches at once (`-H a -H b`, `--hosts-file`, a profile's `hosts`): the same commands or
/// event subscription on every host, each on its own thread and connection, so a slow or unreachable
/// host (bounded by the connect timeout, -T) holds up nobody. Every line a host prints is tagged
/// `[host] `, on stdout and on stderr; with `--output table|json|csv` the answers are gathered into one
/// document per command instead. The exit status is the highest of the hosts' (see `ExitStatus`).
package final class Fleet: @unchecked Sendable {
    package let shell: Invocation
    package let settings: Settings
    package let printer: Printer
    /// `--record`: each host's own recorder, by label.
    package let recorders: [String: FrameRecorder]

    package init(shell: Invocation, settings: Settings, printer: Printer, recorders: [String: FrameRecorder] = [:]) {
        self.shell = shell
        self.settings = settings
        self.printer = printer
        self.recorders = recorders
    }

    package var hosts: [FleetHost] { settings.fleet }

    package func run() -> ExitStatus {
        if shell.events != nil { return FleetEvents(fleet: self).run() }
        let lines: [String]
        if !shell.execute.isEmpty {
            lines = shell.execute
        } else if let file = shell.file, file != "-" {
            guard let read = LineFile(path: file) else {
                printer.error("cannot read \(file): \(String(cString: strerror(errno)))")
                return .usage
            }
            lines = Array(read)
        } else if shell.file == "-" || isatty(0) == 0 {
            // Every host runs every line, so standard input is read to its end first.
            lines = Array(LineFile.standardInput)
        } else {
            printer.error("the console talks to one switch; with \(hosts.count) hosts give commands (-x, -f, standard input) or --events")
            return .usage
        }
        return runScript(lines)
    }

    /// The settings for one host: its address, and a protocol trace tagged with its name.
    package func settings(for host: FleetHost) -> Settings {
        var one = settings
        one.connect = settings.connect(to: host)
        one.connect.queueBytes = Self.share(settings.connect.queueBytes, hosts: hosts.count)
        if let recorder = recorders[host.label] { one.connect.onFrame = { part in recorder.record(part) } }
        one.fleet = []
        if settings.connect.trace != nil {
            let tag = "[\(host.label)] "
            one.connect.trace = { line in Printer.write(2, Array("\(tag)eslsh: trace: \(line)\n".utf8)) }
        }
        return one
    }

    /// One host's part of a byte budget: the fleet's hosts share it, so ten hosts stalled on one stdout
    /// hold what one would (each at least 1 MiB, room for a few large events).
    package static func share(_ budget: Int, hosts: Int) -> Int { max(min(budget, 1 << 20), budget / max(1, hosts)) }

    /// Connects to one host (with -r retries); on failure its one-line error, tagged, and the status.
    package func connect(_ host: FleetHost, printer: Printer) -> Connected {
        let one = settings(for: host)
        do {
            let connection = try Session.connect(one, retries: shell.retry, printer: printer)
            return .session(Session(settings: one, printer: printer, connection: connection))
        } catch {
            printer.error(error.description)
            return .failed(error.isRejection ? .rejected : .connectFailed)
        }
    }

    package enum Connected {
        case session(Session)
        case failed(ExitStatus)
    }

    /// Runs `body` for every host on a thread of its own and returns the worst status.
    package func everywhere(_ body: @escaping @Sendable (FleetHost) -> ExitStatus) -> ExitStatus {
        let statuses = Locked([ExitStatus](repeating: .ok, count: hosts.count))
        var threads: [pthread_t] = []
        for (index, host) in hosts.enumerated() {
            let work: @Sendable () -> Void = {
                let status = body(host)
                statuses.withLock { $0[index] = status }
            }
            if let thread = startThread(joinable: true, work) { threads.append(thread) } else { work() }
        }
        for thread in threads { pthread_join(thread, nil) }
        return statuses.withLock { $0.max() ?? .ok }
    }

    private func runScript(_ lines: [String]) -> ExitStatus {
        let style = Style.forStandardOutput(settings.color)
        let events = EventFormatter(format: settings.format ?? .summary, style: style, timestamps: shell.timestamps,
                                    terminal: .forStandardOutput(settings.escape))
        let format = shell.output ?? .raw
        let document = format == .raw ? nil : FleetDocument(hosts: hosts.map(\.label), lines: lines)
        let status = everywhere { [self] host in
            let hostPrinter = printer.tagged("[\(host.label)] ")
            defer { hostPrinter.finish() }
            let session: Session
            switch connect(host, printer: hostPrinter) {
            case .session(let connected): session = connected
            case .failed(let status): return status
            }
            defer { session.connection.close() }
            let runner = ScriptRunner(session: session, printer: hostPrinter, bail: shell.bail, reconnect: shell.reconnect,
                                      reconnectMax: shell.reconnectMax, showInbound: shell.execute.isEmpty, formatter: events, style: style)
            if let document {
                // Every host may be reading an answer at once: they share the bound of one.
                runner.shapeBudget = Self.share(ScriptRunner.shapeLimit, hosts: hosts.count)
                runner.shape = { line, text in
                    document.add(host: host.label, line: line, output: text)
                    return ""
                }
            }
            return runner.run(lines)
        }
        if let document {
            let formatter = shell.tables.formatter(style: style)
            printer.out(document.render(formatter))
            printer.flush()
            if document.leftOut > 0 {
                printer.error("\(document.leftOut) answers were left out of the document: the fleet's answers are over \(document.budget >> 20) MiB")
            }
        }
        return status
    }
}
