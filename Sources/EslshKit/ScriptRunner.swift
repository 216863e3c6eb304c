#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol
import Synchronization

/// Runs lines — `-x` commands, a `-f` file or standard input — in order on one session, printing each
/// result as it arrives, and works out the exit status. Events and log lines the script subscribed to
/// are printed as they come, from a second thread, through the same printer.
package final class ScriptRunner: @unchecked Sendable {
    package let session: Session
    package let printer: Printer
    package let bail: Bool
    package let reconnect: Bool
    package let reconnectMax: Int?
    package let showInbound: Bool
    /// Invoked as fs_cli with -x: an API output that ends in a line break is followed by a blank line,
    /// as fs_cli prints every body with a line break after it (a script's output does not change).
    package var blankLineAfterOutput = false
    /// Log lines as the console shows them: `-U`/`-S` prefixes (0 the whole UUID, N its first N
    /// characters), the `-s UUID` filter.
    package var logUUID: Int?
    package var logUUIDFilter: String?
    package let renderer = Renderer()
    package let formatter: EventFormatter
    package let style: Style
    /// Shapes each command's output before it is printed (`--output`), or takes it for a fleet's
    /// document (returning ""); nil: printed as it came.
    package var shape: ((_ line: String, _ output: String) -> String)?
    /// The most of a streamed answer read whole for `shape` (a fleet's hosts share `shapeLimit`).
    package var shapeBudget = ScriptRunner.shapeLimit
    private var jobs: [Job] = []
    private var subscribedToJobs = false
    /// Whether the script itself asked for BACKGROUND_JOB events (else other clients' jobs are hidden).
    private let wantsJobEvents = Atomic<Bool>(false)
    private var wireFormat = EventFormat.plain
    /// Jobs and `/execute`s followed through the watcher connection.
    private lazy var control = ScriptCallControl(session: session, printer: printer, style: style, terminal: formatter.terminal)
    private let stopping = Atomic<Bool>(false)

    package init(session: Session, printer: Printer, bail: Bool, reconnect: Bool, reconnectMax: Int?, showInbound: Bool, formatter: EventFormatter, style: Style) {
        self.session = session
        self.printer = printer
        self.bail = bail
        self.reconnect = reconnect
        self.reconnectMax = reconnectMax
        self.showInbound = showInbound
        self.formatter = formatter
        self.style = style
    }

    package func run(_ lines: some Sequence<String>) -> ExitStatus {
        var printerThread: pthread_t?
        if showInbound { printerThread = startThread(joinable: true) { [self] in printInbound() } }
        var status = ExitStatus.ok
        var lines = lines.makeIterator()
        while let line = lines.next() {
            let (result, stop) = runLine(line, rest: &lines)
            status = max(status, result)
            printer.flush()
            // Nowhere to write: the rest of the script would run unseen.
            if stop || (bail && result != .ok) || Printer.outputEnded { break }
        }
        // Jobs followed through the watcher still report after this connection was lost.
        status = max(status, status != .connectionLost ? waitForJobs() : control.waitForJobs())
        control.close()
        // Give lines already on their way a moment to be printed, then stop the printer.
        if showInbound { usleep(100_000) }
        stopping.store(true, ordering: .relaxed)
        if let printerThread { pthread_join(printerThread, nil) }
        printer.flush()
        return status
    }

    /// One line (and, for `/sendevent` and `/sendmsg`, the lines of its headers and body): its status,
    /// and whether the run must end.
    private func runLine(_ line: String, rest: inout some IteratorProtocol<String>) -> (ExitStatus, Bool) {
        let action: LineAction
        do {
            action = try LineGrammar.parse(line)
        } catch {
            printer.error(error.description)
            return (.commandFailed, false)
        }
        switch action {
        case .skip:
            return (.ok, false)
        case .local(let name, _):
            if name == "exit" { return (.ok, true) }
            printer.error("/\(name) is a console command; it does nothing in a script")
            return (.commandFailed, false)
        case .entry(var entry):
            do throws(EntryError) {
                return send(try entry.readScript(from: &rest), line: line)
            } catch {
                // Where the entry ends is now unknown: its remaining lines must not run as commands.
                printer.error("\(error.description); the rest of the script is not run")
                return (.commandFailed, true)
            }
        case .send(.bgapi(let command, nil)):
            return startJob(command)
        case .send(let command):
            return send(command, line: line)
        }
    }

    /// `line`: the line as typed (the first of a multi-line entry), for `--output` shaping.
    private func send(_ command: Command, line: String) -> (ExitStatus, Bool) {
        if let execute = CallTracker.execute(in: command) {
            return control.follow(execute) { send(plain: command, line: line) } ?? send(plain: command, line: line)
        }
        return send(plain: command, line: line)
    }

    package func send(plain command: Command, line: String) -> (ExitStatus, Bool) {
        noteSubscription(command)
        do {
            let response = try session.send(command)
            if case .apiStream(let stream) = response {
                if let shape { return (try collect(stream, line, shape), false) }
                return (try copy(stream), false)
            }
            if let shape {
                let text = shape(line, formatter.terminal.rawLines(renderer.render(response)))
                printer.out(response.isError ? style.paint(text, .red) : text)
            } else {
                output.answer(response)
            }
            if blankLineAfterOutput, case .api(let api) = response, api.text.hasSuffix("\n") { printer.out("\n") }
            return (response.isError ? .commandFailed : .ok, false)
        } catch {
            return failure(error)
        }
    }

    /// A streamed API output goes to stdout as it arrives; it failed if it starts with -ERR.
    private func copy(_ stream: any BodyStream) throws(ConnectionError) -> ExitStatus {
        var first: [UInt8] = []
        var last: UInt8?
        var escaping = formatter.terminal.raw ? VisibleText.Stream(.lines) : nil
        while let chunk = try stream.next() {
            if first.count < 4 { first += chunk.prefix(4 - first.count) }
            last = chunk.last ?? last
            printer.out(bytes: escaping?.escape(chunk) ?? chunk)
        }
        if let rest = escaping?.finish() { printer.out(bytes: rest) }
        if let last, last != 0x0A { printer.out("\n") }
        if blankLineAfterOutput, last == 0x0A { printer.out("\n") }
        return first.starts(with: "-ERR".utf8) ? .commandFailed : .ok
    }

    package func failure(_ error: ConnectionError) -> (ExitStatus, Bool) {
        printer.error(error.description)
        switch error {
        case .timedOut: return (.timedOut, false)
        case .encoding, .cancelled, .refused: return (.commandFailed, false)
        case .closed, .protocolError:
            if reconnect, session.reconnect(maxAttempts: reconnectMax) { return (.connectionLost, false) }
            return (.connectionLost, true)
        }
    }

    /// `bgapi`: the job's result is printed at the end of the run. It is followed through the watcher
    /// connection; when that cannot be opened, this session subscribes to BACKGROUND_JOB itself, in the
    /// format the script uses.
    private func startJob(_ command: String) -> (ExitStatus, Bool) {
        if let started = control.startJob(command, failure: failure) { return started }
        do {
            if !subscribedToJobs {
                _ = try session.send(.event(wireFormat, ["BACKGROUND_JOB"]))
                subscribedToJobs = true
            }
            let job = try session.connection.bgapi(command, timeout: session.settings.replyTimeout)
            let reply = job.reply ?? .reply(Reply(text: "+OK Job-UUID: \(job.uuid)"))
            printer.out(formatter.terminal.lines(renderer.render(reply)))
            if reply.isError { return (.commandFailed, false) }
            jobs.append(job)
            return (.ok, false)
        } catch {
            return failure(error)
        }
    }

    private func waitForJobs() -> ExitStatus {
        var status = ExitStatus.ok
        for job in jobs {
            do {
                let event = try job.wait(timeout: session.settings.replyTimeout)
                let body = event.body ?? ""
                printer.out(output.renderer.render(.jobResult(body)))
                if body.hasPrefix("-ERR") { status = max(status, .commandFailed) }
            } catch {
                printer.error("job \(job.uuid) (\(job.command)): \(error.description)")
                status = max(status, error == .cancelled ? .commandFailed : (error.isTimeout ? .timedOut : .connectionLost))
            }
        }
        jobs = []
        return max(status, control.waitForJobs())
    }

    /// Remembers the format and whether BACKGROUND_JOB events were asked for, from the typed command.
    private func noteSubscription(_ command: Command) {
        guard case .event(let format, let names) = command else { return }
        if let format { wireFormat = format }
        if names.contains(where: { $0.equalsIgnoringASCIICase("BACKGROUND_JOB") || $0.equalsIgnoringASCIICase("ALL") }) {
            wantsJobEvents.store(true, ordering: .relaxed)
        }
    }

    /// Events and log lines go the way of `--events`: the same renderer, the same bytes.
    private var output: StreamPrinter {
        var renderer = StreamRenderer(events: formatter)
        renderer.logUUID = logUUID
        return StreamPrinter(renderer: renderer, printer: printer)
    }

    private func printInbound() {
        while true {
            let connection = session.connection
            guard let item = connection.inbound.next(until: .after(milliseconds: 50)) else {
                printer.flush()
                if stopping.load(ordering: .relaxed) { return }
                // An ended queue answers at once; wait for a reconnect (or the end) without spinning.
                if connection.endReason != nil { usleep(20_000) }
                continue
            }
            switch item {
            case .message(.log(let line)) where LiveView.hides(line, uuidFilter: logUUIDFilter):
                continue
            case .message(.event(let event, _)) where event.name == "BACKGROUND_JOB" && !wantsJobEvents.load(ordering: .relaxed):
                continue
            case .message(.reply(let reply)):
                printer.note("unexpected reply from the server: \(reply.text.escapedForDisplay)")
            case .message(.raw(let frame)):
                printer.note("unknown frame from the server: \(frame.contentType?.escapedForDisplay ?? "no Content-Type"), \(frame.body.count) bytes")
            case .message(let message):
                output.show(message, received: formatter.timestamps ? WallClock.microseconds() : nil)
            case .dropped(let count):
                output.dropped(count)
            case .closed:
                continue
            }
        }
    }
}

extension ConnectionError {
    package var isTimeout: Bool { if case .timedOut = self { true } else { false } }
}
