import ArgumentParser
import ConsoleUI
import EslshKit

/// `--top`: the full-screen calls view (see `TopMode`).
struct TopOptions: ParsableArguments {
    @Flag(name: .customLong("top"), help: "Full-screen live table of the calls (with several -H, of every host); q leaves, Enter traces the selected call, h hangs it up.")
    var enabled = false
}

/// `--trace UUID`, live and in `eslsh replay`: one call's timeline (see `TraceMode`).
struct TraceOptions: ParsableArguments {
    @Option(name: .customLong("trace"), help: ArgumentHelp("One call's timeline: its events, its other legs' and their log lines, then a summary; ends when the call is gone. --format ndjson for JSON.", valueName: "uuid"))
    var uuid: String?

    /// The checks `eslsh replay` makes (eslsh's own go through `Invocation.validate`).
    func check(format: EventOutputFormat?) throws {
        do { try Invocation.checkTrace(uuid, format: format) } catch { throw ValidationError(error.description) }
    }
}
