import ArgumentParser
import ConsoleUI
import ESLClient
import ESLProtocol
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT/SIGTERM during a replay: it ends cleanly with what was printed so far.
let replayInterrupted = Atomic<Bool>(false)

/// `eslsh replay FILE`: a recording made with `--record`, shown as `--events` showed it live (same
/// formatter, formats and log rendering), with client-side filters in place of the server's.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        _superCommandName: "eslsh",
        abstract: "Play back a recording made with --record: events and log lines as --events shows them.",
        discussion: """
            At the recorded pace by default; --speed 10 plays ten times faster, --fast without pauses. \
            Command replies and API outputs in the recording are shown with --replies. \
            (The word 'replay' names this command: a profile of that name cannot be chosen on the command line.)
            """
    )

    @Argument(help: "The recording (NDJSON written by --record).")
    var file: String

    @Option(name: .long, help: "Only these events (\"CHANNEL_CREATE CHANNEL_HANGUP_COMPLETE\", ALL, \"CUSTOM sofia::register\"); default all.")
    var events: String?

    /// Format, --uuid, --count and --timestamps, as for the live stream.
    @OptionGroup var view: EventViewOptions

    @Flag(name: .long, help: "Also show command replies and API outputs.")
    var replies = false

    @Option(name: .long, help: "Play this many times faster than recorded (0.5: half speed).")
    var speed: Double?

    @Flag(name: .long, help: "No pauses: as fast as the output takes it.")
    var fast = false

    @OptionGroup var terminal: TerminalOptions

    func validate() throws {
        if let speed, !(speed > 0 && speed.isFinite) { throw ValidationError("--speed must be more than 0") }
        if speed != nil, fast { throw ValidationError("--speed and --fast cannot be combined") }
        if let count = view.count, count < 1 { throw ValidationError("--count must be 1 or more") }
        if let events, events.trimmingWhitespace.isEmpty { throw ValidationError("--events needs event names (or ALL)") }
        do { _ = try selection() } catch { throw ValidationError(error.description) }
    }

    private func selection() throws(EventSelection.SelectionError) -> EventSelection {
        guard let events else { return EventSelection(uuid: view.uuid) }
        return try EventSelection(words: events.split(separator: " ").map(String.init), uuid: view.uuid)
    }

    /// Runs when the arguments start with `replay` (or `help replay`); ArgumentParser would take the
    /// word for eslsh's positional profile before looking for a subcommand, so it is matched here.
    static func runIfNamed(_ arguments: [String]) -> ExitStatus? {
        if arguments.first == "replay" { return runFromCommandLine(Array(arguments.dropFirst())) }
        if arguments.count == 2, arguments == ["help", "replay"] { return runFromCommandLine(["--help"]) }
        return nil
    }

    static func runFromCommandLine(_ arguments: [String]) -> ExitStatus {
        let command: ReplayCommand
        do {
            command = try parse(arguments)
        } catch {
            if exitCode(for: error) == .success {
                Printer.write(1, Array((fullMessage(for: error) + "\n").utf8))
                return .ok
            }
            Printer.write(2, Array((fullMessage(for: error) + "\nRun 'eslsh replay --help' for the options.\n").utf8))
            return .usage
        }
        return command.start()
    }

    func start() -> ExitStatus {
        let printer = Printer(quiet: terminal.quiet)
        guard let reader = RecordingReader(path: file) else {
            printer.error("cannot read \(file): \(String(cString: strerror(errno)))")
            return .usage
        }
        installInterruptHandlers()
        let style = Style.forStandardOutput(terminal.color ?? .auto)
        var player = ReplayPlayer(formatter: EventFormatter(format: view.format ?? .summary, style: style, timestamps: view.timestamps), style: style,
                                  selection: (try? selection()) ?? EventSelection(), replies: replies, printer: printer)
        let pace = fast ? nil : (speed ?? 1)
        var first: (recorded: Int, clock: Deadline)?
        defer { printer.flush() }
        while !replayInterrupted.load(ordering: .relaxed) {
            let recorded: RecordedFrame
            do throws(RecordingError) {
                guard let next = try reader.next() else { break }
                recorded = next
            } catch {
                printer.error("\(file): \(error.message)")
                return .usage
            }
            if let pace {
                if let (start, clock) = first {
                    let offset = Double(max(0, recorded.time - start)) / pace
                    wait(until: clock.nanoseconds + UInt64(offset * 1000), printer)
                } else {
                    first = (recorded.time, .now())
                }
            }
            player.play(recorded)
            if let count = view.count, player.events >= count { return .ok }
        }
        if reader.truncated { printer.note("\(file): the last line was cut short and was left out") }
        return .ok
    }

    /// Sleeps in short steps so that Ctrl-C ends a long pause at once; what is printed goes out first.
    private func wait(until nanoseconds: UInt64, _ printer: Printer) {
        guard Deadline.now().nanoseconds < nanoseconds else { return }
        printer.flush()
        while !replayInterrupted.load(ordering: .relaxed) {
            let now = Deadline.now().nanoseconds
            guard now < nanoseconds else { return }
            usleep(UInt32(min(nanoseconds - now, 100_000_000) / 1000))
        }
    }

    private func installInterruptHandlers() {
        let handler: @convention(c) (Int32) -> Void = { _ in replayInterrupted.store(true, ordering: .relaxed) }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
    }
}

/// Renders recorded frames the way `EventStream` renders live ones (kept in step with it; a test
/// compares a live stream with its replay byte for byte).
struct ReplayPlayer {
    let formatter: EventFormatter
    let style: Style
    let selection: EventSelection
    let replies: Bool
    let printer: Printer
    private(set) var events = 0

    init(formatter: EventFormatter, style: Style, selection: EventSelection, replies: Bool, printer: Printer) {
        self.formatter = formatter
        self.style = style
        self.selection = selection
        self.replies = replies
        self.printer = printer
    }

    mutating func play(_ recorded: RecordedFrame) {
        switch Message(frame: recorded.frame) {
        case .event(let event, _):
            guard selection.matches(event) else { return }
            printer.out(bytes: formatter.renderBytes(event, received: formatter.timestamps ? recorded.time : nil))
            events += 1
        case .log(let line):
            guard line.text != "\n", selection.matches(line) else { return }
            printer.out(formatter.format == .ndjson ? Self.logJSON(line) : style.log(Renderer().terminated(line.text), level: line.level))
        case .malformed(_, let reason):
            printer.error(reason)
        case .disconnect(let notice):
            printer.note("server: \(notice.text.split(separator: "\n").first.map(String.init) ?? "disconnect")")
        case .reply(let reply) where replies:
            printer.out(reply.isError ? style.paint(Renderer().terminated(reply.text), .red) : Renderer().terminated(reply.text))
        case .apiResponse(let response) where replies:
            printer.out(response.isError ? style.paint(Renderer().terminated(response.text), .red) : Renderer().terminated(response.text))
        default:
            break
        }
    }

    /// As `EventStream` writes a log line in ndjson.
    static func logJSON(_ line: LogLine) -> String {
        let event = Event(headers: Headers([
            Header("Log-Level", String(line.level)), Header("Log-Level-Name", line.levelName), Header("Log-File", line.file),
            Header("Log-Func", line.function), Header("Log-Line", String(line.line)), Header("User-Data", line.userData),
        ]), body: line.text)
        return "{\"_type\":\"log\"," + String(decoding: event.encoded(as: .json), as: UTF8.self).dropFirst() + "\n"
    }
}
