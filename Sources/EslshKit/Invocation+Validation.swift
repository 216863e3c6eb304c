import ESLClient
import ESLProtocol

extension Invocation {
    /// A command line that cannot run: the option parser's usage error (exit 2) with this text.
    package struct UsageError: Error, Equatable, CustomStringConvertible {
        package var description: String
        init(_ description: String) { self.description = description }
    }

    /// The checks that need more than one option's value, or a range: the same for every way the
    /// command line is read (swift-argument-parser's `validate()` and the start-up fast path).
    package func validate() throws(UsageError) {
        if let port, !(1...65535).contains(port) { throw UsageError("port must be in the range 1-65535, not \(port)") }
        if let timeout, timeout.milliseconds == 0 { throw UsageError("--timeout must be more than 0") }
        if retry < 0 { throw UsageError("--retries must be 0 or more") }
        if let count, count < 1 { throw UsageError("--count must be 1 or more") }
        if let problem = buffer.problem { throw UsageError(problem) }
        if let debug, !(0...7).contains(debug) { throw UsageError("--debug must be 0-7") }
        if batch, file != nil || !execute.isEmpty { throw UsageError("-b reads standard input; it does not go with -f or -x") }
        if let events, events.trimmingWhitespace.isEmpty { throw UsageError("--events needs event names (or ALL)") }
        if events == nil, uuid != nil || !filters.isEmpty || (count != nil && !stats) { throw UsageError("--uuid, --filter and --count go with --events") }
        if stats, events != nil || !execute.isEmpty || file != nil || listen != nil { throw UsageError("--stats cannot be combined with --events, -x, -f or --listen") }
        for text in filters where EventStream.filter(text) == nil { throw UsageError("--filter takes Header=Value, not '\(text)'") }
        if events != nil, !execute.isEmpty || file != nil { throw UsageError("--events cannot be combined with -x or -f") }
        if !execute.isEmpty, file != nil { throw UsageError("-x and -f cannot be combined") }
        if password != nil, askPassword { throw UsageError("-p and --ask-password cannot be combined") }
        if listen != nil, events != nil || !execute.isEmpty { throw UsageError("--listen cannot be combined with --events or -x") }
        if listen != nil, record != nil { throw UsageError("--record goes with the console, --events, -x or -f, not --listen") }
        if listen == nil, !allow.isEmpty || calls != nil { throw UsageError("--allow and --calls go with --listen") }
        if listen != nil, prompt != nil { throw UsageError("--prompt is for the inbound console; with --listen the prompt names the current call") }
        for network in allow { do { _ = try AllowList([network]) } catch { throw UsageError(error.description) } }
        if output != nil, events != nil || listen != nil { throw UsageError("--output shapes command answers; it does not go with --events or --listen (use --format)") }
        if listen != nil, hosts.count > 1 || hostsFile != nil { throw UsageError("--listen waits for calls; it does not go with several hosts") }
        try validateLiveViews()
    }
}
