import ConsoleUI
import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// The interactive console: connects, builds the prompt, then reads lines with libedit until /exit,
/// Ctrl-D, a signal or the end of the connection. Everything it writes to the terminal is written from
/// the main thread; the reader thread only queues and wakes it through a pipe.
package struct InteractiveConsole {
    package let connect: ConnectOptions
    package var replyTimeout: Duration?
    package var color = ColorMode.auto
    /// fs_cli's prompt-string escapes; `> ` is appended.
    package var prompt = PromptFormat.defaultTemplate
    package var history = true
    /// The `log` level sent at start, as fs_cli does (empty: the server's default, DEBUG); nil: none.
    package var startupLogLevel: String? = ""
    package var profileName = "default"
    /// F1–F12 overrides (key number → line); the others keep fs_cli's defaults.
    package var functionKeys: [Int: String] = [:]
    /// fs_cli's `key_toggle_Fn`: presses of Fn alternate between its line and this one.
    package var functionKeyToggles: [Int: String] = [:]
    /// `-d`: the trace level the console starts with (as /debug N).
    package var debugLevel = 0
    /// `-U`/`-S`: log lines start with their call's UUID (0 whole, N its first N characters).
    package var logUUID: Int?
    /// `-s UUID`: start with this UUID's log filter (as /uuid UUID).
    package var uuidFilter: String?
    /// `-i`: Ctrl-C at the prompt exits (status 130).
    package var interruptExits = false
    /// fs_cli's colour keys (escape sequences): the prompt, the typed text, command output.
    package var colors: (prompt: String?, input: String?, output: String?) = (nil, nil, nil)
    /// `show` tables: the format (`--output`, table by default) and `--wide`.
    package var tables = TableFormatter(format: .table)
    /// Ask before commands that drop calls or stop the switch (`--yes` turns it off).
    package var confirmDangerous = true
    /// Opens the connection; `onInbound` must be passed on (it wakes the console).
    package var open: (ConnectOptions, @escaping @Sendable () -> Void) throws(ConnectError) -> Connection = { options, onInbound throws(ConnectError) in
        try Connection.open(options, onInbound: onInbound)
    }

    package init(connect: ConnectOptions) { self.connect = connect }

    package func run() -> ExitStatus {
        let wake = WakePipe()
        let connection: Connection
        do {
            connection = try open(connect, { wake.wake() })
        } catch {
            Terminal.write("eslsh: \(error.description)\n", fd: 2)
            return error.isRejection ? .rejected : .connectFailed
        }
        defer { connection.close() }

        let style = Style.forStandardOutput(color)
        let switchName = Self.ask(connection, "switchname") ?? connect.host
        let values = PromptFormat(
            switchName: switchName, localHostname: Self.localHostname(),
            switchHostname: Self.ask(connection, "hostname") ?? switchName,
            profile: profileName, host: connect.host, port: connect.port)
        let prompt = Self.colored(values.expand(self.prompt), style: style, color: colors.prompt, input: colors.input)
        let historyPath = history ? HistoryPolicy.path(stateHome: environment("XDG_STATE_HOME"), home: environment("HOME")) : nil

        wake.installSignalHandlers()
        defer { WakePipe.restoreSignals() }
        // Ctrl-C at the prompt is the console's, not also make's or a wrapper script's.
        ForegroundGroup.take()
        defer { ForegroundGroup.release() }
        let editor = LineEditor(prompt: prompt, historyPath: historyPath, wake: wake)
        for (key, line) in functionKeys where (1...12).contains(key) { editor.functionKeys[key - 1] = line }
        for (key, line) in functionKeyToggles where (1...12).contains(key) { editor.functionKeyToggles[key - 1] = line }
        let session = ConsoleSession(connection: connection, wake: wake, editor: editor, style: style, replyTimeout: replyTimeout)
        session.tables = tables
        session.debugLevel = debugLevel
        session.view.logUUID = logUUID
        session.view.uuidFilter = uuidFilter
        // Typed text in the input colour: output then starts in the output colour, as in fs_cli.
        if style.enabled, colors.output != nil || colors.input != nil { session.outputColor = colors.output ?? "\u{1B}[m" }
        session.confirmDangerous = confirmDangerous
        let watcherOptions = connect
        session.control.openWatcher = { Watcher.open(watcherOptions, onInbound: { wake.wake() }) }
        defer { session.control.close() }
        editor.onWake = { session.drainInbound() }
        editor.complete = { session.complete($0, after: $1) }
        // The closures hold the session, which holds the editor: let go of them so both are freed
        // (the leak checker of `make sanitize` counts a cycle left at exit as a leak).
        defer {
            editor.onWake = { ("", true) }
            editor.complete = { _, _ in nil }
        }
        var statsOptions = connect
        statsOptions.onFrame = nil  // the recording is of the console's own connection
        statsOptions.trace = nil
        session.statsConnect = { () throws(ConnectError) in try Connection.open(statsOptions) }

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
                // fs_cli's -i.
                if interruptExits {
                    Terminal.write("Interrupted.\n")
                    return .interrupted
                }
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
    package static func ask(_ connection: Connection, _ command: String) -> String? {
        guard let response = try? connection.send(.api(command), timeout: .seconds(5)), !response.isError else { return nil }
        var text = response.text
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text.isEmpty ? nil : text
    }

    package static func localHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The prompt in bold blue; the codes sit between `\u{1}` markers so libedit gives them no width.
    /// The reset goes before the trailing space: libedit drops an invisible sequence at the very end.
    /// fs_cli's `prompt-color` replaces the blue, `input-text-color` colours what is typed after it.
    package static func colored(_ prompt: String, style: Style, color: String? = nil, input: String? = nil) -> String {
        guard style.enabled else { return prompt }
        var text = Substring(prompt)
        var trailing = ""
        while text.last == " " { text.removeLast(); trailing += " " }
        return "\u{1}" + (color ?? "\u{1B}[1;34m") + "\u{1}" + text + "\u{1}\u{1B}[0m" + (input ?? "") + "\u{1}" + trailing
    }
}
