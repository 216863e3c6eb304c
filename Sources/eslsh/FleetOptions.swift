import EslshKit
import ArgumentParser

/// Where the hosts of a fleet come from besides `-H` (repeatable) and a profile's `hosts` key.
struct FleetOptions: ParsableArguments {
    @Option(name: .customLong("hosts-file"), help: ArgumentHelp(
        "Also run on the hosts listed in this file: one host[:port] a line, # starts a comment.",
        valueName: "file"))
    var hostsFile: String?
}
