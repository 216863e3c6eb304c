import EslshKit
import ArgumentParser
import ConsoleUI
import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

extension ColorMode: ExpressibleByArgument {}
extension EscapeMode: ExpressibleByArgument {}
extension EventOutputFormat: ExpressibleByArgument {}

/// The command line. Options are declared once here; help, the man page and completions come from them.
struct ESLShell: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eslsh",
        abstract: "A console for FreeSWITCH's event socket (mod_event_socket).",
        discussion: """
            A bare line is an API command (`status` = `api status`); `api CMD` and `bgapi CMD` are explicit; \
            `/event plain ALL`, `/log info`, `/filter HEADER VALUE` and the other slash words are ESL commands; `#` starts \
            a comment. The same rules hold for -x, -f FILE and lines on standard input.

            Settings come from the command line, then the environment (ESL_HOST, ESL_PORT, ESL_USER, \
            ESL_PASSWORD), then the profile (~/.config/eslsh/config, else ~/.fs_cli_conf or /etc/fs_cli.conf; \
            ESLSH_CONFIG names another file), then the defaults (127.0.0.1:8021, ClueCon).

            \(ExitStatus.summary)
            """,
        version: "eslsh 0.9.0",
        subcommands: [ReplayCommand.self],
        // fs_cli's -? too.
        helpNames: [.short, .long, .customShort("?")]
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

    @Flag(name: [.customShort("r"), .customLong("retry")], help: "Retry the first connection as fs_cli does: up to 120 more attempts, 1 s apart.")
    var retry = false

    @Option(name: .customLong("retries"), help: ArgumentHelp("Retry the first connection this many times, 1 s apart (-r: 120).", valueName: "n"))
    var retries: Int?

    @Flag(name: [.customShort("R"), .long], help: "After a lost connection, reconnect (1 s doubling to 30 s) and restore subscriptions.")
    var reconnect = false

    @Option(name: .long, help: "Give up reconnecting after this many attempts (default: never).")
    var reconnectMax: Int?

    @Flag(name: .long, help: "List the profiles of the config file and exit.")
    var listProfiles = false

    @Option(name: [.customShort("d"), .long], help: "Protocol trace on standard error (0-7): 1 commands and frames (passwords masked), 7 also every item received. (default: 0)")
    var debug: Int?

    @Option(name: .long, help: "Subscribe to these events (\"CHANNEL_CREATE CHANNEL_HANGUP_COMPLETE\", ALL, \"CUSTOM sofia::register\") and print them until the server disconnects.")
    var events: String?

    @OptionGroup var view: EventViewOptions

    @Option(name: .long, help: "With --events: a server-side filter Header=Value (repeatable).")
    var filter: [String] = []

    @Option(name: [.customShort("l"), .customLong("loglevel"), .customLong("log")], help: ArgumentHelp(
        "Log lines up to this level (console, alert, crit, err, warning, notice, info, debug or 0-7): sent with `log` when the console starts (default: the switch's, DEBUG); with --events, also receive them.",
        valueName: "level"))
    var log: String?

    @Flag(name: [.customShort("q"), .customLong("quiet")], help: "Send no `log` at start: the console shows no log lines until /log (fs_cli's -q).")
    var quietLogs = false

    @Flag(name: [.customShort("b"), .customLong("batchmode")], help: "Batch mode: run the lines of standard input without the line editor, even at a terminal; ends at the end of input.")
    var batch = false

    @Option(name: .long, help: ArgumentHelp(
        "What is held for a slow output before the oldest events are dropped (and counted): a size (64M, 512K, 1G) or, as before, a number of events (the 64M bound then still holds); default 10000 events within 64M.",
        valueName: "size|n"), transform: BufferSize.parse)
    var buffer = BufferSize.standard

    @Option(name: .long, help: "Outbound mode: wait for FreeSWITCH's socket application on [ip:]port (default 127.0.0.1:8084) and run the script (-f or standard input) on each call; at a terminal without -f, a shell bound to the calls.")
    var listen: String?

    @Option(name: .long, help: "With --listen: accept connections only from this network (CIDR, repeatable; default loopback).")
    var allow: [String] = []

    @Option(name: .long, help: "With --listen: stop after this many calls.")
    var calls: Int?

    @OptionGroup var console: ConsoleOptions
    @OptionGroup var record: RecordOptions
    @OptionGroup var stats: StatsOptions
    @OptionGroup var top: TopOptions
    @OptionGroup var trace: TraceOptions
    @OptionGroup var fleet: FleetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        // fs_cli's options, checked here because Invocation holds their result, not the flags.
        if retries != nil, retry { throw ValidationError("-r and --retries cannot be combined") }
        if let retries, retries < 0 { throw ValidationError("--retries must be 0 or more") }
        do { try invocation.validate() } catch { throw ValidationError(error.description) }
    }

    /// Parses the arguments and runs, mapping every outcome to an `ExitStatus`.
    static func runFromCommandLine(asFsCli: Bool = false) -> ExitStatus {
        if let status = ReplayCommand.runIfNamed(Array(CommandLine.arguments.dropFirst())) { return status }
        let command: ESLShell
        do {
            command = try parse()
        } catch {
            return UsageError.report(error, Self.self, name: "eslsh")
        }
        var invocation = command.invocation
        invocation.asFsCli = asFsCli
        return invocation.run()
    }

    /// The options as plain values, for the modes (EslshKit).
    var invocation: Invocation {
        var run = Invocation()
        run.profile = profile
        run.hosts = host
        run.port = port
        run.user = user
        run.password = password
        run.askPassword = askPassword
        run.execute = execute
        run.file = file
        run.bail = bail
        run.quiet = terminal.errorsOnly
        run.color = terminal.noColor ? .never : terminal.color
        run.escape = terminal.escape
        run.connectTimeout = connectTimeout
        run.timeout = timeout
        run.retry = retries ?? (retry ? 120 : 0)
        run.reconnect = reconnect
        run.reconnectMax = reconnectMax
        run.listProfiles = listProfiles
        run.debug = debug
        run.quietLogs = quietLogs
        run.batch = batch
        run.logUUID = console.logUUID ? 0 : console.logUUIDShort ? 8 : nil
        run.interrupt = console.interrupt
        run.setLogUUID = console.setLogUUID
        run.events = events
        run.format = view.format
        run.uuid = view.uuid
        run.count = view.count
        run.timestamps = view.timestamps
        run.filters = filter
        run.log = log
        run.buffer = buffer
        run.listen = listen
        run.allow = allow
        run.calls = calls
        run.prompt = console.prompt
        run.noHistory = console.noHistory
        run.record = record.path
        run.stats = stats.enabled
        run.top = top.enabled
        run.trace = trace.uuid
        run.hostsFile = fleet.hostsFile
        run.output = output.format
        run.wide = output.wide
        run.yes = output.yes
        return run
    }
}

extension TimeSpan: ExpressibleByArgument {}
extension BufferSize {
    /// A value that does not parse names what would.
    static func parse(_ text: String) throws -> BufferSize {
        guard let size = BufferSize(argument: text) else {
            throw ValidationError("use a size (64M, 512K, 1G) or a number of events")
        }
        return size
    }
}
