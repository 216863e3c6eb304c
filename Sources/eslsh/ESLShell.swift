import ArgumentParser
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// The command line. Options are declared once here; help, the man page and completions come from them.
struct ESLShell: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eslsh",
        abstract: "A console for FreeSWITCH's event socket (mod_event_socket).",
        discussion: """
            A bare line is an API command (`status` = `api status`); `/event plain ALL`, `/log info` and the \
            other slash words are ESL commands. Without -x, lines are read from standard input.

            The password comes from -p, the ESL_PASSWORD environment variable, or the default ClueCon.

            \(ExitStatus.summary)
            """
    )

    @Option(name: [.customShort("H"), .long], help: "Host to connect to (name, IPv4, IPv6 or [IPv6]).")
    var host = "127.0.0.1"

    @Option(name: [.customShort("P"), .long], help: "Event socket port.")
    var port = 8021

    @Option(name: [.customShort("u"), .long], help: "Authenticate as user@domain (userauth) instead of with the socket password.")
    var user: String?

    @Option(name: [.customShort("p"), .long], help: "Password (prefer ESL_PASSWORD: the command line is visible to other users).")
    var password: String?

    @Option(name: [.customShort("x"), .customLong("execute")], help: "Run this command and exit; repeat for several, run in order on one connection.")
    var execute: [String] = []

    @Option(name: [.customShort("T"), .customLong("connect-timeout")], help: "Connect and authentication timeout (ms, or with a unit: 2s).")
    var connectTimeout = TimeSpan(milliseconds: 5000)

    @Option(name: [.customShort("t"), .customLong("timeout")], help: "Reply timeout (ms, or with a unit: 2s); none by default.")
    var timeout: TimeSpan?

    @OptionGroup var console: ConsoleOptions

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("port must be in the range 1-65535, not \(port)") }
        if let timeout, timeout.milliseconds == 0 { throw ValidationError("--timeout must be more than 0") }
    }

    /// Parses the arguments and runs, mapping every outcome to an `ExitStatus`.
    static func runFromCommandLine() -> ExitStatus {
        let command: ESLShell
        do {
            command = try parse()
        } catch {
            if exitCode(for: error) == .success {
                Output.out(fullMessage(for: error) + "\n")
                return .ok
            }
            Output.write(2, fullMessage(for: error) + "\n")
            Output.write(2, "Run 'eslsh --help' for the options.\n")
            return .usage
        }
        return command.start()
    }

    var connectOptions: ConnectOptions {
        ConnectOptions(
            host: host, port: port,
            password: password ?? environment("ESL_PASSWORD") ?? "ClueCon",
            user: user,
            connectTimeoutMilliseconds: connectTimeout.milliseconds
        )
    }

    func start() -> ExitStatus {
        if execute.isEmpty && isatty(0) == 1 && isatty(1) == 1 {
            return InteractiveConsole(connect: connectOptions, options: console, replyTimeout: timeout?.duration).run()
        }
        let connection: Connection
        do {
            connection = try Connection.open(connectOptions)
        } catch {
            Output.error(error.description)
            return error.isRejection ? .rejected : .connectFailed
        }
        defer { connection.close() }
        let runner = LineRunner(connection: connection, replyTimeout: timeout?.duration, showInbound: execute.isEmpty)
        if !execute.isEmpty {
            return runner.run(lines: execute)
        }
        return runner.run(reader: StandardInputLines())
    }
}

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
