import ConsoleUI
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// The interactive console: connects, builds the prompt, then reads lines with libedit until /exit,
/// Ctrl-D, a signal or the end of the connection. Everything it writes to the terminal is written from
/// the main thread; the reader thread only queues and wakes it through a pipe.
struct InteractiveConsole {
    let connect: ConnectOptions
    let options: ConsoleOptions
    let replyTimeout: Duration?
    /// The `log` level sent at start, as fs_cli does (empty: the server's default, DEBUG); nil: none.
    var startupLogLevel: String? = ""
    var profileName = "default"

    func run() -> ExitStatus {
        let wake = WakePipe()
        let connection: Connection
        do {
            connection = try Connection.open(connect, onInbound: { wake.wake() })
        } catch {
            Output.error(error.description)
            return error.isRejection ? .rejected : .connectFailed
        }
        defer { connection.close() }

        let style = Style.forStandardOutput(options.color)
        let switchName = Self.ask(connection, "switchname") ?? connect.host
        let values = PromptFormat(
            switchName: switchName, localHostname: Self.localHostname(),
            switchHostname: Self.ask(connection, "hostname") ?? switchName,
            profile: profileName, host: connect.host, port: connect.port)
        let prompt = Self.colored(values.expand(options.prompt), style: style)
        let historyPath = options.noHistory ? nil : HistoryPolicy.path(stateHome: environment("XDG_STATE_HOME"), home: environment("HOME"))

        wake.installSignalHandlers()
        defer { WakePipe.restoreSignals() }
        let editor = LineEditor(prompt: prompt, historyPath: historyPath, wake: wake)
        let session = ConsoleSession(connection: connection, wake: wake, editor: editor, style: style, replyTimeout: replyTimeout)
        editor.onWake = { session.drainInbound() }
        editor.complete = { session.complete($0) }

        Terminal.write(style.paint("Connected to \(connect.host):\(connect.port) (\(switchName)).", .dim)
                       + " Type /help for the commands, Ctrl-D or /exit to leave.\n")
        if let startupLogLevel {
            _ = session.run(.send(.log(startupLogLevel.isEmpty ? nil : startupLogLevel)))
        }
        return loop(editor: editor, session: session)
    }

    private func loop(editor: LineEditor, session: ConsoleSession) -> ExitStatus {
        while true {
            if let status = session.finished { return status }
            switch editor.readLine() {
            case .line(let line):
                editor.remember(line)
                if let status = session.run(line: line) { return status }
            case .interrupted:
                continue
            case .endOfInput:
                Terminal.write("/exit\n")
                return .ok
            case .stopped:
                return session.finished ?? .ok
            }
        }
    }

    /// A short API answer (switchname, hostname), nil when it fails or takes more than 5 s.
    static func ask(_ connection: Connection, _ command: String) -> String? {
        guard let response = try? connection.send(.api(command), timeout: .seconds(5)), !response.isError else { return nil }
        var text = response.text
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text.isEmpty ? nil : text
    }

    static func localHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The prompt in bold blue; the codes sit between `\u{1}` markers so libedit gives them no width.
    /// The reset goes before the trailing space: libedit drops an invisible sequence at the very end.
    static func colored(_ prompt: String, style: Style) -> String {
        guard style.enabled else { return prompt }
        var text = Substring(prompt)
        var trailing = ""
        while text.last == " " { text.removeLast(); trailing += " " }
        return "\u{1}\u{1B}[1;34m\u{1}" + text + "\u{1}\u{1B}[0m\u{1}" + trailing
    }
}
