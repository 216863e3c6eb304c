import ArgumentParser
import ConsoleUI

extension ColorMode: ExpressibleByArgument {}

/// Options of the interactive console (used when stdin and stdout are terminals and no -x is given).
struct ConsoleOptions: ParsableArguments {
    @Option(name: .customLong("color"), help: "Colour: auto (terminals only, not with NO_COLOR), always or never.")
    var color: ColorMode = .auto

    @Option(name: .customLong("prompt"), help: ArgumentHelp(
        "Prompt, with fs_cli's escapes: %s switch name, %h local host, %H switch host, %p profile, %o host, %P port, %%; '> ' is appended (default: freeswitch@%s).",
        valueName: "template"))
    var prompt: String?

    @Flag(name: .customLong("no-history"), help: "Neither read nor write the history file ($XDG_STATE_HOME/eslsh/history).")
    var noHistory = false
}
