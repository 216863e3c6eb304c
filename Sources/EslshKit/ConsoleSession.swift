import ConsoleUI
import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// What the console does with each line, and how it shows what arrives. Main thread only.
package final class ConsoleSession {
    package let connection: Connection
    package let wake: WakePipe
    package let editor: LineEditor
    package let style: Style
    package let replyTimeout: Duration?
    package var view: LiveView
    /// `/debug N`: 0 off; 1+ commands and replies on stderr; 7 also every inbound item.
    package var debugLevel = 0
    /// fs_cli's `output-text-color` (or a reset after a coloured input), put before each command's output.
    package var outputColor: String?
    /// Opens the second connection `/stats` samples on (nil: /stats is not available).
    package var statsConnect: (() throws(ConnectError) -> Connection)?
    /// How `show` tables are shown (`--output`, `/output`, `/wide`).
    package var tables = TableFormatter(format: .table)
    /// Ask before commands that drop calls or stop the switch (off with `--yes`).
    package var confirmDangerous = true
    /// Set when the session must end (connection lost, SIGTERM), with the exit status.
    private(set) var finished: ExitStatus?
    package let control = ConsoleCallControl()
    /// CUSTOM subclasses seen in the stream (for Tab after `/event … CUSTOM`); at most 1000 kept.
    private var seenSubclasses: [String] = []

    package init(connection: Connection, wake: WakePipe, editor: LineEditor, style: Style, replyTimeout: Duration?) {
        self.connection = connection
        self.wake = wake
        self.editor = editor
        self.style = style
        self.replyTimeout = replyTimeout
        self.view = LiveView(style: style)
    }

    /// Runs one typed line; returns an exit status when the console must end.
    package func run(line: String) -> ExitStatus? {
        let action: LineAction
        do {
            action = try LineGrammar.parse(line)
        } catch {
            editor.show(style.paint(error.description, .red) + "\n")
            return nil
        }
        return run(action)
    }

    package func run(_ action: LineAction) -> ExitStatus? {
        switch action {
        case .skip:
            return nil
        case .local("exit", _):
            return .ok
        case .local(let name, let arguments):
            runLocal(name, arguments)
            return finished
        case .entry(let entry):
            return enter(entry)
        case .send(let command):
            if confirmDangerous, let danger = DangerousCommand.classify(command), !confirmed(danger) { return finished }
            // fs_cli: `console loglevel X` also sets this connection's log level.
            if case .api(let text, _) = command {
                let words = text.split(separator: " ")
                if words.count == 3, words[0].lowercased() == "console", words[1].lowercased() == "loglevel" {
                    send(.log(String(words[2])))
                }
            }
            if case .bgapi(let text, nil) = command {
                startJob(text)
            } else if let execute = CallTracker.execute(in: command) {
                startExecute(execute, command)
            } else {
                send(command)
            }
            return finished
        }
    }

    // MARK: - Local commands

    private func runLocal(_ name: String, _ arguments: [String]) {
        let argument = arguments.isEmpty ? nil : arguments.joined(separator: " ")
        switch name {
        case "help":
            editor.show(SlashCommands.help)
        case "jobs":
            editor.show(drainWatcher() + control.tracker.listing(at: Deadline.now().nanoseconds))
        case "uuid":
            view.uuidFilter = argument
            editor.show(argument == nil ? "UUID filtering disabled\n" : "UUID filtering enabled for \(argument!)\n")
        case "logfilter":
            view.logFilter = argument
            editor.show(argument == nil ? "Logfilter disabled\n" : "Logfilter enabled: \(argument!)\n")
        case "debug":
            guard let argument else { return editor.show("Debug level \(debugLevel) (use /debug 0-7)\n") }
            guard let level = Int(argument), (0...7).contains(level) else {
                return editor.show(style.paint("The debug level must be 0-7.", .red) + "\n")
            }
            debugLevel = level
            editor.show("Debug level set to \(level)\n")
        case "stats":
            runStats()
        case "top":
            runTop()
        case "trace":
            guard let argument, arguments.count == 1 else { return editor.show(style.paint("Use /trace UUID.", .red) + "\n") }
            runTrace(argument)
        case "format":
            guard let argument else { return editor.show("Events are shown as \(view.events.format.rawValue)\n") }
            guard let format = EventOutputFormat(rawValue: argument.lowercased()) else {
                let names = EventOutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
                return editor.show(style.paint("Unknown format \(argument): use \(names).", .red) + "\n")
            }
            view.events.format = format
            editor.show("Events are shown as \(format.rawValue)\n")
        case "wide", "output":
            runTableCommand(name, argument)
        default:
            editor.show(style.paint(SlashCommands.unknown(name), .red) + "\n")
        }
    }

    /// The question for a dangerous command, through the line editor; anything but yes (an empty line,
    /// Ctrl-C, Ctrl-D) is no.
    private func confirmed(_ danger: DangerousCommand) -> Bool {
        switch editor.ask(danger.question) {
        case .line(let answer) where DangerousCommand.isYes(answer): return true
        case .stopped: finished = finished ?? .ok
        default: break
        }
        editor.show(style.paint("Not sent.", .dim) + "\n")
        return false
    }

    // MARK: - Commands

    /// Sends a command and waits for its answer on a helper thread, while this thread keeps showing what
    /// arrives and listens for Ctrl-C, which abandons the wait (the late reply is then discarded).
    package func send(_ command: Command) {
        _ = sendWaiting(command)
    }

    /// As `send`, with the outcome (nil when no thread could wait for it).
    package func sendWaiting(_ command: Command) -> Result<Response, ConnectionError>? {
        trace("> " + command.redactedLine)
        let outcome = ReplyWait.run(command, on: connection, wake: wake, timeout: replyTimeout,
                                    // The watcher's news waits until the reply is shown: "+OK" before "done".
                                    showInbound: { editor.show(drainInbound(watcher: false).text) },
                                    terminated: { finished = finished ?? .ok })
        guard let outcome else {
            editor.show(style.paint("eslsh: cannot start a thread to wait for the reply", .red) + "\n")
            return nil
        }
        report(outcome, command)
        return outcome
    }

    private func report(_ outcome: Result<Response, ConnectionError>, _ command: Command) {
        switch outcome {
        case .success(.apiStream(let stream)):
            // Read here, within the budget of an answer shaped whole (see `showWhole`).
            switch showWhole(stream, command.redactedLine) {
            case .success(let whole?): report(.success(.api(whole)), command)
            case .success(nil): break
            case .failure(let error): report(.failure(error), command)
            }
        case .success(let response):
            trace("< " + (response.text.split(separator: "\n").first.map(String.init) ?? ""))
            editor.show((outputColor ?? "") + present(response))
        case .failure(.cancelled):
            editor.showCancelledWait(style: style)
        case .failure(.timedOut(let command, let milliseconds)):
            editor.show(style.paint("No reply to \(command) within \(milliseconds) ms; it will be discarded.", .red) + "\n")
        case .failure(.encoding(let error)):
            editor.show(style.paint(error.description, .red) + "\n")
        case .failure(let error):
            editor.show(drainInbound().text)
            if finished == nil {
                editor.show(style.paint("eslsh: \(error.description)", .red) + "\n")
                finished = .connectionLost
            }
        }
    }

    // MARK: - Inbound

    /// Renders everything queued (and, with `watcher`, the outcomes of jobs and applications); `stop`
    /// when the connection has ended (its reason is in the text).
    package func drainInbound(watcher: Bool = true) -> (text: String, stop: Bool) {
        var text = ""
        while let item = connection.inbound.poll() {
            if debugLevel >= 7 { trace("< " + Self.describe(item)) }
            if case .closed(let reason) = item {
                text += style.paint("eslsh: \(reason.description)", .red) + "\n"
                // As every other mode: a lost connection is exit 6.
                finished = finished ?? .connectionLost
                continue
            }
            if case .message(.event(let event, _)) = item {
                if event.name == "CHANNEL_CREATE" || event.name == "CHANNEL_DESTROY" { control.channelsChanged() }
                if event.name == "CUSTOM", let subclass = event["Event-Subclass"], !subclass.isEmpty, seenSubclasses.count < 1000,
                   !seenSubclasses.contains(subclass) {
                    seenSubclasses.append(subclass)
                }
            }
            if let shown = view.render(item) { text += shown }
        }
        if watcher { text += drainWatcher() }
        return (text, finished != nil)
    }

    private static func describe(_ item: Inbound) -> String {
        switch item {
        case .message(.log(let line)): return "log/data level \(line.level)"
        case .message(.event(let event, let format)): return "event \(format) \(event.name)"
        case .message(let other): return "\(other)".prefix(80).description
        case .dropped(let count): return "dropped \(count)"
        case .closed(let reason): return "closed: \(reason.description)"
        }
    }

    /// The protocol trace on stderr (`/debug`); commands are shown redacted, so never a password.
    private func trace(_ line: String) {
        guard debugLevel > 0 else { return }
        editor.show(style.paint("[debug] " + line, .dim) + "\n", fd: 2)
    }

    // MARK: - Completion

    /// Tab: local names where the console knows them, otherwise the switch's `console_complete`.
    package func complete(_ before: String, after: String = "") -> Completion? {
        switch Completer.complete(before) {
        case .local(let completion):
            return completion
        case .channel(let stem):
            // Channel news already queued first: it may make the cached list stale.
            let news = drainInbound()
            if !news.text.isEmpty { editor.show(news.text) }
            return .from(stem: stem, words: control.channelUUIDs(connection))
        case .application(let stem):
            return .from(stem: stem, words: control.applicationNames(connection))
        case .subclass(let stem):
            return .from(stem: stem, words: CustomSubclasses.known + seenSubclasses)
        case .server(let line):
            let argument = ServerCompletion.argument(line: line, cursorOffset: before.utf8.count, cursorAtEnd: after.isEmpty)
            let command = Command.api("console_complete " + argument)
            trace("> " + command.redactedLine)
            guard let response = try? connection.send(command, timeout: .seconds(3)), !response.isError else { return nil }
            return ServerCompletion(body: response.text).completion(line: line)
        }
    }
}
