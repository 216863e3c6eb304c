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

    @Flag(name: [.customShort("Q"), .customLong("no-history-file"), .customLong("no-history")], help: "Neither read nor write the history file ($XDG_STATE_HOME/eslsh/history).")
    var noHistory = false
    @Flag(name: [.customShort("U"), .customLong("log-uuid")], help: "Prefix each log line with its call's UUID (the User-Data header).")
    var logUUID = false
    @Flag(name: [.customShort("S"), .customLong("log-uuid-short")], help: "Prefix each log line with the first 8 characters of its call's UUID.")
    var logUUIDShort = false
    @Option(name: [.customShort("s"), .customLong("set-log-uuid")], help: ArgumentHelp("Start with only this call's log lines shown (as /uuid UUID).", valueName: "uuid"))
    var setLogUUID: String?
    @Flag(name: [.customShort("i"), .customLong("interrupt")], help: "Ctrl-C at the prompt exits (status 130) instead of clearing the line.")
    var interrupt = false
}
