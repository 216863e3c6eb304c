import ConsoleUI

extension Invocation {
    /// `--top` and `--trace`: modes of their own, like `--stats`.
    func validateLiveViews() throws(UsageError) {
        try Self.checkTrace(trace, format: format)
        // Counted without an array: a `[Bool]` here was that array type's first use on every run's way in.
        if (stats ? 1 : 0) + (top ? 1 : 0) + (trace != nil ? 1 : 0) > 1 { throw UsageError("--stats, --top and --trace are modes of their own: choose one") }
        if top || trace != nil, events != nil || !execute.isEmpty || file != nil || listen != nil {
            throw UsageError("--top and --trace cannot be combined with --events, -x, -f or --listen")
        }
        if top, record != nil { throw UsageError("--record goes with the console, --events, --trace, -x or -f, not --top") }
        if top, format != nil { throw UsageError("--format goes with --events or --trace, not --top") }
    }

    /// What `--trace` takes, live and in `eslsh replay`: a UUID (no spaces or controls), and text or ndjson.
    package static func checkTrace(_ uuid: String?, format: EventOutputFormat?) throws(UsageError) {
        guard let uuid else { return }
        if uuid.isEmpty || uuid.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0.properties.isWhitespace }) {
            throw UsageError("--trace takes a call's UUID")
        }
        if let format, format != .summary, format != .ndjson { throw UsageError("--trace prints text, or ndjson with --format ndjson") }
    }
}
