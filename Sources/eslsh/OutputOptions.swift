import EslshKit
import ArgumentParser
import ConsoleUI

extension OutputFormat: ExpressibleByArgument {}

/// How answers that are tables are printed, and the console's confirmations.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("output"), help: ArgumentHelp(
        "How `show` tables are printed: raw (as the switch sent them), table (aligned), json (an array of objects) or csv. Default: table at a terminal, raw otherwise. Other answers are never changed.",
        valueName: "format"))
    var format: OutputFormat?

    @Flag(name: .customLong("wide"), help: "Tables keep every column and whole cells, however wide the terminal (the console's /wide).")
    var wide = false

    @Flag(name: .customLong("yes"), help: "Do not ask before commands that drop calls or stop the switch (hupall, shutdown, sofia profile stop and the like) in the console.")
    var yes = false
}
