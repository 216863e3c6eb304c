import ArgumentParser

/// `--top`: the full-screen calls view (see `TopMode`).
struct TopOptions: ParsableArguments {
    @Flag(name: .customLong("top"), help: "Full-screen live table of the calls (with several -H, of every host); q leaves, Enter traces the selected call, h hangs it up.")
    var enabled = false
}

/// `--trace UUID`, live and in `eslsh replay`: one call's timeline (see `TraceMode`).
struct TraceOptions: ParsableArguments {
    @Option(name: .customLong("trace"), help: ArgumentHelp("One call's timeline: its events, its other legs' and their log lines, then a summary; ends when the call is gone. --format ndjson for JSON.", valueName: "uuid"))
    var uuid: String?

    /// The checks both commands make.
    func check(format: String?) throws {
        guard let uuid else { return }
        if uuid.isEmpty || uuid.contains(where: { $0.isWhitespace || $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) {
            throw ValidationError("--trace takes a call's UUID")
        }
        if let format, format != "summary", format != "ndjson" { throw ValidationError("--trace prints text, or ndjson with --format ndjson") }
    }
}
