import EslshKit
import ArgumentParser
import ConsoleUI

/// Options of the interactive console (used when stdin and stdout are terminals and no -x is given;
/// colour is the shared --color).
struct ConsoleOptions: ParsableArguments {
    @Option(name: .customLong("prompt"), help: ArgumentHelp(
        "Prompt, with fs_cli's escapes: %s switch name, %h local host, %H switch host, %p profile, %o host, %P port, %%; '> ' is appended (default: freeswitch@%s).",
        valueName: "template"))
    var prompt: String?

    @Flag(name: .customLong("no-history"), help: "Neither read nor write the history file ($XDG_STATE_HOME/eslsh/history).")
    var noHistory = false
}
