import ArgumentParser
import ConsoleUI
import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

extension ColorMode: ExpressibleByArgument {}
extension EventOutputFormat: ExpressibleByArgument {}

/// The command line. Options are declared once here; help, the man page and completions come from them.
struct ESLShell: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eslsh",
        abstract: "A console for FreeSWITCH's event socket (mod_event_socket).",
        discussion: """
            A bare line is an API command (`status` = `api status`); `api …` and `bgapi …` are explicit; \
            `/event plain ALL`, `/log info`, `/filter …` and the other slash words are ESL commands; `#` starts \
            a comment. The same rules hold for -x, -f FILE and lines on standard input.

            Settings come from the command line, then the environment (ESL_HOST, ESL_PORT, ESL_USER, \
            ESL_PASSWORD), then the profile (~/.config/eslsh/config, else ~/.fs_cli_conf or /etc/fs_cli.conf; \
            ESLSH_CONFIG names another file), then the defaults (127.0.0.1:8021, ClueCon).

            \(ExitStatus.summary)
            """,
        version: "eslsh 0.9.0",
        subcommands: [ReplayCommand.self]
    )

    @Argument(help: "A profile (a [section] of the config file); default: [default], else the first.")
    var profile: String?

    @Option(name: [.customShort("H"), .long], help: "Host to connect to (name, IPv4, IPv6 or [IPv6], optionally :port); repeat for a fleet: the commands or --events run on every host at once.")
    var host: [String] = []

    @Option(name: [.customShort("P"), .long], help: "Event socket port (default 8021).")
    var port: Int?

    @Option(name: [.customShort("u"), .long], help: "Authenticate as user@domain (userauth) instead of with the socket password.")
    var user: String?

    @Option(name: [.customShort("p"), .long], help: "Password (prefer ESL_PASSWORD or a profile: the command line is visible to other users).")
    var password: String?

    @Flag(name: .long, help: "Ask for the password on the terminal, without echo.")
    var askPassword = false

    @Option(name: [.customShort("x"), .customLong("execute")], help: "Run this command and exit; repeat for several, run in order on one connection.")
    var execute: [String] = []

    @Option(name: [.customShort("f"), .customLong("file")], help: "Run the lines of this file (- for standard input).")
    var file: String?

    @Flag(name: [.customShort("e"), .long], help: "Stop at the first command that fails.")
    var bail = false

    @OptionGroup var terminal: TerminalOptions

    @Option(name: [.customShort("T"), .customLong("connect-timeout")], help: "Connect and authentication timeout (ms, or with a unit: 2s); default 5s.")
    var connectTimeout: TimeSpan?

    @Option(name: [.customShort("t"), .customLong("timeout")], help: "Reply timeout (ms, or with a unit: 2s); none by default.")
    var timeout: TimeSpan?

    @Option(name: [.customShort("r"), .long], help: "Retry the first connection this many times, 1 s apart.")
    var retry = 0

    @Flag(name: [.customShort("R"), .long], help: "After a lost connection, reconnect (1 s doubling to 30 s) and restore subscriptions.")
    var reconnect = false

    @Option(name: .long, help: "Give up reconnecting after this many attempts (default: never).")
    var reconnectMax: Int?

    @Flag(name: .long, help: "List the profiles of the config file and exit.")
    var listProfiles = false

    @Option(name: [.customShort("d"), .long], help: "Protocol trace on standard error: 1 commands and frames (passwords masked).")
    var debug = 0

    @Option(name: .long, help: "Subscribe to these events (\"CHANNEL_CREATE CHANNEL_HANGUP_COMPLETE\", ALL, \"CUSTOM sofia::register\") and print them until the server disconnects.")
    var events: String?

    @OptionGroup var view: EventViewOptions

    @Option(name: .long, help: "With --events: a server-side filter Header=Value (repeatable).")
    var filter: [String] = []

    @Option(name: .long, help: "Also receive log lines up to this level (console, alert, crit, err, warning, notice, info, debug).")
    var log: String?

    @Option(name: .long, help: "Events held for a slow output before the oldest are dropped (and counted).")
    var buffer = 10_000

    @Option(name: .long, help: "Outbound mode: wait for FreeSWITCH's socket application on [ip:]port (default 127.0.0.1:8084) and run the script (-f or standard input) on each call; at a terminal without -f, a shell bound to the calls.")
    var listen: String?

    @Option(name: .long, help: "With --listen: accept connections only from this network (CIDR, repeatable; default loopback).")
    var allow: [String] = []

    @Option(name: .long, help: "With --listen: stop after this many calls.")
    var calls: Int?

    @OptionGroup var console: ConsoleOptions
    @OptionGroup var record: RecordOptions
    @OptionGroup var stats: StatsOptions
    @OptionGroup var fleet: FleetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let port, !(1...65535).contains(port) { throw ValidationError("port must be in the range 1-65535, not \(port)") }
        if let timeout, timeout.milliseconds == 0 { throw ValidationError("--timeout must be more than 0") }
        if retry < 0 { throw ValidationError("--retry must be 0 or more") }
        if let count = view.count, count < 1 { throw ValidationError("--count must be 1 or more") }
        if buffer < 1 { throw ValidationError("--buffer must be 1 or more") }
        if !(0...7).contains(debug) { throw ValidationError("--debug must be 0-7") }
        if let events, events.trimmingWhitespace.isEmpty { throw ValidationError("--events needs event names (or ALL)") }
        if events == nil, view.uuid != nil || !filter.isEmpty || (view.count != nil && !stats.enabled) { throw ValidationError("--uuid, --filter and --count go with --events") }
        if stats.enabled, events != nil || !execute.isEmpty || file != nil || listen != nil { throw ValidationError("--stats cannot be combined with --events, -x, -f or --listen") }
        for text in filter where EventStream.filter(text) == nil { throw ValidationError("--filter takes Header=Value, not '\(text)'") }
        if events != nil, !execute.isEmpty || file != nil { throw ValidationError("--events cannot be combined with -x or -f") }
        if !execute.isEmpty, file != nil { throw ValidationError("-x and -f cannot be combined") }
        if password != nil, askPassword { throw ValidationError("-p and --ask-password cannot be combined") }
        if listen != nil, events != nil || !execute.isEmpty { throw ValidationError("--listen cannot be combined with --events or -x") }
        if listen != nil, record.path != nil { throw ValidationError("--record goes with the console, --events, -x or -f, not --listen") }
        if listen == nil, !allow.isEmpty || calls != nil { throw ValidationError("--allow and --calls go with --listen") }
        if listen != nil, console.prompt != nil { throw ValidationError("--prompt is for the inbound console; with --listen the prompt names the current call") }
        for network in allow { do { _ = try AllowList([network]) } catch { throw ValidationError(error.description) } }
        if output.format != nil, events != nil || listen != nil { throw ValidationError("--output shapes command answers; it does not go with --events or --listen (use --format)") }
        if listen != nil, host.count > 1 || fleet.hostsFile != nil { throw ValidationError("--listen waits for calls; it does not go with several hosts") }
    }

    /// Parses the arguments and runs, mapping every outcome to an `ExitStatus`.
    static func runFromCommandLine() -> ExitStatus {
        if let status = ReplayCommand.runIfNamed(Array(CommandLine.arguments.dropFirst())) { return status }
        let command: ESLShell
        do {
            command = try parse()
        } catch {
            if exitCode(for: error) == .success {
                Printer.write(1, Array((fullMessage(for: error) + "\n").utf8))
                return .ok
            }
            Printer.write(2, Array((fullMessage(for: error) + "\nRun 'eslsh --help' for the options.\n").utf8))
            return .usage
        }
        return command.start()
    }

    func start() -> ExitStatus {
        let early = Printer(quiet: terminal.quiet)
        let config: ConfigFile?
        do {
            config = try ConfigFile.load(environment: environment)
        } catch {
            early.error(error.description)
            return .usage
        }
        if listProfiles { return Self.list(config, early) }
        if let listen { return startListening(listen, early) }
        var settings: Settings
        do {
            settings = try Settings.resolve(self, environment: environment, config: config) {
                try PasswordPrompt.ask("Password for \(host.count > 1 ? "the switches" : host.first ?? environment("ESL_HOST") ?? "the switch"): ")
            }
        } catch {
            early.error("\(error)")
            return .usage
        }
        let printer = Printer(quiet: settings.quiet)
        for warning in settings.warnings { printer.note("warning: \(warning)") }
        if debug > 0 { settings.connect.trace = { line in Printer.write(2, Array("eslsh: trace: \(line)\n".utf8)) } }
        if settings.fleet.count > 1, stats.enabled {
            printer.error("--stats takes one switch, not several hosts")
            return .usage
        }
        if settings.fleet.count > 1 {
            let recorders: [String: FrameRecorder]
            do { recorders = try record.startFleet(settings.fleet) } catch { printer.error(error.description); return .usage }
            defer { for recorder in recorders.values { if let failure = recorder.close() { printer.error(failure) } } }
            return Fleet(shell: self, settings: settings, printer: printer, recorders: recorders).run()
        }
        let recorder: FrameRecorder?
        do { recorder = try record.start(&settings.connect) } catch { printer.error(error.description); return .usage }
        defer { if let failure = recorder?.close() { printer.error(failure) } }

        // The console: when a person sits at a terminal and asked for no script, stream or command.
        if execute.isEmpty && file == nil && events == nil && !stats.enabled && isatty(0) == 1 && isatty(1) == 1 {
            var interactive = InteractiveConsole(connect: settings.connect)
            interactive.replyTimeout = settings.replyTimeout
            interactive.color = settings.color
            interactive.prompt = console.prompt ?? settings.prompt ?? PromptFormat.defaultTemplate
            interactive.history = settings.history && !console.noHistory
            interactive.startupLogLevel = settings.quietLogs ? nil : (settings.logLevel ?? "")
            interactive.profileName = settings.profileName ?? "default"
            interactive.functionKeys = settings.functionKeys
            interactive.tables = TableFormatter(format: output.format ?? .table, wide: output.wide, style: Style.forStandardOutput(settings.color))
            interactive.confirmDangerous = !output.yes
            let retries = retry
            interactive.open = { _, onInbound throws(ConnectError) in
                try Session.connect(settings, retries: retries, printer: printer, onInbound: onInbound)
            }
            return interactive.run()
        }
        // A plain event stream writes each event's received bytes and reads none of its headers: the
        // reader thread then leaves them unindexed (it still finds each event's body).
        if events != nil, settings.format == .plain, !view.timestamps { settings.connect.headerIndexing = .onFirstLook }
        let connection: Connection
        do {
            connection = try Session.connect(settings, retries: retry, printer: printer)
        } catch {
            printer.error(error.description)
            return error.isRejection ? .rejected : .connectFailed
        }
        let session = Session(settings: settings, printer: printer, connection: connection)
        defer { session.connection.close() }
        let style = Style.forStandardOutput(settings.color)
        let formatter = EventFormatter(format: settings.format ?? .summary, style: style, timestamps: view.timestamps)

        if stats.enabled {
            return StatsMode(connection: connection, printer: printer, replyTimeout: settings.replyTimeout, logLevel: settings.logLevel ?? "debug", count: view.count).run()
        }
        if let events {
            return EventStream(session: session, printer: printer, names: events.split(separator: " ").map(String.init),
                               formatter: formatter, style: style, filters: filter.compactMap(EventStream.filter),
                               logLevel: settings.logLevel, uuid: view.uuid, count: view.count, reconnect: reconnect, reconnectMax: reconnectMax).run()
        }
        let runner = ScriptRunner(session: session, printer: printer, bail: bail, reconnect: reconnect, reconnectMax: reconnectMax,
                                  showInbound: execute.isEmpty, formatter: formatter, style: style)
        if output.effectiveFormat != .raw { runner.shape = ScriptRunner.shaping(output.formatter(style: style), printer: printer) }
        if !execute.isEmpty { return runner.run(execute) }
        if let file, file != "-" {
            guard let lines = LineFile(path: file) else {
                printer.error("cannot read \(file): \(String(cString: strerror(errno)))")
                return .usage
            }
            return runner.run(lines)
        }
        return runner.run(LineFile.standardInput)
    }

    /// Outbound mode: no connection of our own; FreeSWITCH connects to us.
    private func startListening(_ address: String, _ printer: Printer) -> ExitStatus {
        var host = "127.0.0.1"
        var portText = address
        if let colon = address.lastIndex(of: ":") {
            host = String(address[..<colon])
            portText = String(address[address.index(after: colon)...])
        }
        guard let port = Int(portText.isEmpty ? "8084" : portText), (0...65535).contains(port) else {
            printer.error("--listen takes [ip:]port, not '\(address)'")
            return .usage
        }
        let listener: Listener
        do {
            listener = try Listener(host: host.isEmpty ? "127.0.0.1" : host, port: port)
        } catch {
            printer.error(error.description)
            return .connectFailed
        }
        let allowList = (try? AllowList(allow)).flatMap { allow.isEmpty ? nil : $0 } ?? .loopback
        // At a terminal without a script: the interactive outbound console.
        if file == nil && isatty(0) == 1 && isatty(1) == 1 {
            return OutboundConsole(listener: listener, address: "\(host.isEmpty ? "127.0.0.1" : host):\(listener.port)", allow: allowList,
                                   calls: calls, replyTimeout: timeout?.duration, color: terminal.color ?? .auto, history: !console.noHistory).run()
        }
        var lines: [String] = []
        if let file {
            guard let bytes = FileBytes.read(file) else {
                printer.error("cannot read \(file): \(String(cString: strerror(errno)))")
                return .usage
            }
            // "\r\n" is one Swift character: make CRLF files LF before splitting.
            lines = String(decoding: bytes, as: UTF8.self).replacing("\r\n", with: "\n")
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        } else if isatty(0) == 0 {
            lines = Array(LineFile.standardInput)
        }
        return ListenMode(listener: listener, allow: allowList, script: lines, printer: printer,
                          replyTimeout: timeout?.duration, calls: calls).run()
    }

    private static func list(_ config: ConfigFile?, _ printer: Printer) -> ExitStatus {
        guard let config else {
            printer.error("no config file (looked for \(ConfigFile.candidatePaths(environment: environment).joined(separator: ", ")))")
            return .usage
        }
        var out = "# \(config.path)\n"
        for profile in config.profiles {
            let user = profile["user"].map { " user \($0)" } ?? ""
            let address = profile["hosts"] ?? "\(profile["host"] ?? "127.0.0.1"):\(profile["port"] ?? "8021")"
            out += "\(profile.name)\t\(address)\(user)\n"
        }
        Printer.write(1, Array(out.utf8))
        return .ok
    }
}

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// Lines of a file or of standard input, read plainly (no line editor, no prompt).
struct LineFile: Sequence, IteratorProtocol {
    private let handle: UnsafeMutablePointer<FILE>

    /// fd 0 as a stream (Swift 6 rejects the C global `stdin`).
    static var standardInput: LineFile { LineFile(handle: fdopen(0, "r")) }

    private init(handle: UnsafeMutablePointer<FILE>) { self.handle = handle }

    init?(path: String) {
        guard let handle = fopen(path, "r") else { return nil }
        self.handle = handle
    }

    mutating func next() -> String? {
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        let count = getline(&line, &capacity, handle)
        guard count >= 0, let line else { return nil }
        // By bytes: Swift counts "\r\n" as one character, so `hasSuffix("\n")` misses a CRLF ending.
        var length = strlen(line)
        if length > 0, line[length - 1] == 0x0A { length -= 1 }
        return String(decoding: UnsafeRawBufferPointer(start: line, count: length), as: UTF8.self)
    }
}
