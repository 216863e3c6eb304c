import EslshKit
import ArgumentParser
import ConsoleUI
import ESLClient
import ESLProtocol
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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

    // Unconditional: `--speed -1` is a (refused) speed, not an unknown option -1.
    @Option(name: .long, parsing: .unconditional, help: "Play this many times faster than recorded (0.5: half speed; 0.001 to 1000000).")
    var speed: Double?

    @Flag(name: .long, help: "No pauses: as fast as the output takes it.")
    var fast = false

    @OptionGroup var trace: TraceOptions

    @OptionGroup var terminal: TerminalOptions

    func validate() throws {
        try trace.check(format: view.format)
        if trace.uuid != nil, events != nil || view.uuid != nil || view.count != nil || replies {
            throw ValidationError("--trace chooses what is shown: not with --events, --uuid, --count or --replies")
        }
        if let speed, !ReplayPace.speeds.contains(speed) {
            // NaN is in no range, so it lands here too.
            throw ValidationError("--speed must be a number from 0.001 to 1000000 (times the recorded pace; --fast for no pauses)")
        }
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
            return UsageError.report(error, Self.self, name: "eslsh replay")
        }
        return command.start()
    }

    func start() -> ExitStatus {
        var replay = Replay(file: file, selection: (try? selection()) ?? EventSelection(), format: view.format ?? .summary, timestamps: view.timestamps,
                            replies: replies, pace: fast ? nil : (speed ?? 1), count: view.count, quiet: terminal.errorsOnly,
                            color: terminal.noColor ? .never : terminal.color ?? .auto)
        replay.escape = terminal.escape ?? .auto
        replay.trace = trace.uuid
        return replay.run()
    }
}
