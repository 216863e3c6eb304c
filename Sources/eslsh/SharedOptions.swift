import EslshKit
import ArgumentParser
import ConsoleUI

/// How events are shown: the live stream (`--events`) and `eslsh replay` print them with the same
/// formatter, so they take the same options, declared once here. (Which events, `--events`, is not
/// shared: live it is a subscription that starts the stream, in a replay a filter.)
struct EventViewOptions: ParsableArguments {
    @Option(name: .long, help: "How events are printed: summary (the default), headers, plain, json, ndjson, xml.")
    var format: EventOutputFormat?

    @Option(name: .long, help: "Only this call's events (its Unique-ID); in a replay, its log lines too.")
    var uuid: String?

    @Option(name: .long, help: "Stop after this many events (with eslsh --stats: after this many lines).")
    var count: Int?

    @Flag(name: .long, help: "Prefix each event with the time it was received (in a replay, the recorded time).")
    var timestamps = false
}

/// Colour, and how much eslsh says on standard error: the same for every mode and for `eslsh replay`.
struct TerminalOptions: ParsableArguments {
    @Flag(name: .customLong("errors-only"), help: "Only errors on standard error (no notices or warnings).")
    var errorsOnly = false

    @Option(name: .long, help: "Colour: auto (a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorMode?
    @Flag(name: [.customShort("n"), .customLong("no-color")], help: "No colour (--color never).")
    var noColor = false

    @Option(name: .long, help: ArgumentHelp(
        "Control characters from the switch (a caller name holding ESC, a log line's bare CR) shown as escapes such as \\x1B: auto (always in summary, headers, log lines and replies; in plain, xml and API output only when standard output is a terminal), always, or never (the bytes as they came, even at a terminal). JSON is escaped by its own encoding. The console always escapes.",
        valueName: "when"))
    var escape: EscapeMode?
}
