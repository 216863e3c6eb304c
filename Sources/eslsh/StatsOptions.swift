import EslshKit
import ArgumentParser

/// `--stats`: the live view (see `StatsMode`).
struct StatsOptions: ParsableArguments {
    @Flag(name: .customLong("stats"), help: "Live view: a line a second with calls, channels, sessions/s, idle CPU, events/s (top five names) and log lines/s by level; with --count, that many lines.")
    var enabled = false
}
