import ConsoleUI
import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// `eslsh --listen` at a terminal without a script: a shell bound to one call at a time.
///
/// Threads: `CallArrivals` accepts and introduces calls on its own threads, each call's `Connection`
/// has its reader thread; all of them only queue and write a byte to the wake pipe. This (main) thread
/// alone touches the terminal: from inside libedit's read function (`onWake`) while the user types, or
/// from `awaitReply` while a command waits for its answer.
package final class OutboundConsole {
    package let address: String
    package let replyTimeout: Duration?
    package let historyPath: String?
    package let style: Style
    private let view: OutboundView
    private let wake = WakePipe()
    private let arrivals: CallArrivals
    private var table = CallTable()
    private var connections: [Int: Connection] = [:]
    private var editor: LineEditor!
    /// The prompt as last handed to the editor (with colour codes).
    private var shownPrompt = ""
    private var noMoreCalls = false
    /// Set when the console must end (/exit, SIGTERM, the last call of `--calls N`).
    private var finished: ExitStatus?

    package init(listener: Listener, address: String, allow: AllowList, calls: Int?, replyTimeout: Duration?, color: ColorMode, history: Bool) {
        self.address = address
        self.replyTimeout = replyTimeout
        style = Style.forStandardOutput(color)
        view = OutboundView(style: style)
        historyPath = history ? HistoryPolicy.path(stateHome: environment("XDG_STATE_HOME"), home: environment("HOME")).map { $0 + "-outbound" } : nil
        arrivals = CallArrivals(listener: listener, allow: allow, limit: calls, replyTimeout: replyTimeout, wake: wake)
    }

    package func run() -> ExitStatus {
        wake.installSignalHandlers()
        defer { WakePipe.restoreSignals() }
        ForegroundGroup.take()
        defer { ForegroundGroup.release() }
        shownPrompt = prompt
        let editor = LineEditor(prompt: shownPrompt, historyPath: historyPath, wake: wake)
        self.editor = editor
        editor.onWake = { [unowned self] in presentInbound() }
        editor.complete = { [unowned self] before, _ in OutboundView.complete(before, callNumbers: table.calls.map(\.number)) }
        guard arrivals.start() else {
            Terminal.write("eslsh: cannot start the listener's thread\n", fd: 2)
            return .connectFailed
        }
        defer { release() }
        Terminal.write(style.paint("Listening on \(address) for FreeSWITCH's socket application.", .dim)
                       + " Type /help for the commands, Ctrl-D or /exit to leave.\n")
        while true {
            if let finished { return finished }
            if prompt != shownPrompt {
                shownPrompt = prompt
                editor.setPrompt(shownPrompt)
            }
            switch editor.readLine() {
            case .line(let line):
                editor.remember(line)
                run(line: line)
            case .interrupted:
                continue
            case .endOfInput:
                Terminal.write("/exit\n")
                return .ok
            case .stopped:
                return finished ?? .ok
            }
        }
    }

    private var prompt: String { InteractiveConsole.colored(table.prompt, style: style) }

    /// Stops listening and lets the calls go (FreeSWITCH then follows the dialplan or hangs up, as
    /// it does when any socket application ends).
    private func release() {
        arrivals.stop()
        if !connections.isEmpty {
            let count = connections.count
            Terminal.write(style.paint("Released \(count) call\(count == 1 ? "" : "s").", .dim) + "\n")
        }
        for connection in connections.values { connection.close() }
        connections = [:]
    }

    // MARK: - Lines

    package func run(line: String) {
        let parsed: OutboundLine
        do {
            parsed = try OutboundLine.parse(line, consoleLines: true)
        } catch {
            // Without a call, that is said first, as for every line meant for a call.
            guard let number = table.current, connections[number] != nil else { return noCall() }
            return editor.show(style.paint(error.description, .red) + "\n")
        }
        switch parsed {
        case .skip: return
        case .exit: finished = .ok
        case .console("help", _): editor.show(OutboundView.help)
        case .console("calls", _): editor.show(table.listing(now: .now()))
        case .console("call", let rest): select(rest)
        case .console("events", _):
            guard let number = table.current else { return noCall() }
            let shown = table.toggleEvents(number)
            editor.show(view.tag(number) + (shown ? "events shown" : "events hidden") + "\n")
        case .console(_, let rest):  // vars
            guard let call = table.currentCall else { return noCall() }
            editor.show(view.variables(call, matching: rest.isEmpty ? nil : rest))
        case .command(let command, let applicationUUID):
            send(command, applicationUUID: applicationUUID, typed: line.trimmingWhitespace)
        }
    }

    private func select(_ text: String) {
        guard let number = Int(text) else { return editor.show(style.paint("Which call? /call N (/calls lists them)", .red) + "\n") }
        guard table.select(number) else { return editor.show(style.paint("No call \(number); /calls lists them.", .red) + "\n") }
        if let call = table.currentCall { editor.show("Now on " + call.label + ": " + call.announcement + "\n") }
    }

    private func noCall() {
        editor.show(style.paint("No call: waiting for FreeSWITCH to connect to \(address).", .dim) + "\n")
    }

    /// An application (sendmsg execute, followed to its completion) or a command for the current call.
    private func send(_ command: Command, applicationUUID: String?, typed line: String) {
        guard let number = table.current, let connection = connections[number] else { return noCall() }
        // Noted before sending, so that a completion can never arrive unmatched.
        if let applicationUUID { table.started(line, applicationUUID: applicationUUID, on: number) }
        guard let outcome = awaitReply(command, on: connection) else { return }
        switch outcome {
        case .success(let response):
            if response.isError, let applicationUUID { table.forget(applicationUUID, on: number) }
            // An accepted application says nothing now: its outcome follows when it completes.
            if applicationUUID == nil || response.isError { editor.show(view.reply(response)) }
        case .failure(let error):
            if let applicationUUID { table.forget(applicationUUID, on: number) }
            switch error {
            case .cancelled: editor.showCancelledWait(style: style)
            default: editor.show(style.paint("eslsh: \(error.description)", .red) + "\n")
            }
            editor.show(collectInbound())
        }
    }

    /// Waits for a command's answer on a helper thread while this thread keeps showing what arrives;
    /// Ctrl-C abandons the wait (the connection discards the late reply). nil: no thread to wait with.
    private func awaitReply(_ command: Command, on connection: Connection) -> Result<Response, ConnectionError>? {
        let outcome = ReplyWait.run(command, on: connection, wake: wake, timeout: replyTimeout,
                                    showInbound: { editor.show(collectInbound()) },
                                    terminated: { finished = finished ?? .ok })
        if outcome == nil { editor.show(style.paint("eslsh: cannot start a thread to wait for the reply", .red) + "\n") }
        return outcome
    }

    // MARK: - What arrives

    /// `onWake`: shows what arrived above the line being typed, with the prompt redrawn when the
    /// current call changed.
    private func presentInbound() -> (text: String, stop: Bool) {
        let text = collectInbound()
        if finished != nil { return (text, true) }
        if prompt != shownPrompt {
            shownPrompt = prompt
            editor.show(text, prompt: shownPrompt)
            return ("", false)
        }
        return (text, false)
    }

    /// New calls, notices and every call's events, as text; calls whose socket closed leave the table.
    private func collectInbound() -> String {
        var text = ""
        for arrival in arrivals.take() {
            switch arrival {
            case .call(let connection, let channel):
                let call = table.add(channel: channel, arrived: .now())
                connections[call.number] = connection
                text += view.arrival(call, isCurrent: table.current == call.number)
            case .notice(let message):
                text += style.paint("eslsh: \(message)", .yellow) + "\n"
            case .limitReached(let count):
                noMoreCalls = true
                text += style.paint("--calls \(count): no more calls are accepted; the console ends with the last of them.", .dim) + "\n"
            }
        }
        for number in connections.keys.sorted() {
            guard let connection = connections[number] else { continue }
            while let item = connection.inbound.poll() {
                text += describe(item, call: number, connection: connection)
            }
        }
        if noMoreCalls, connections.isEmpty, finished == nil {
            finished = .ok
            text += style.paint("All calls have ended.", .dim) + "\n"
        }
        return text
    }

    private func describe(_ item: Inbound, call number: Int, connection: Connection) -> String {
        switch item {
        case .message(.event(let event, _)):
            return table.observe(event, on: number).map { view.render($0, call: number) }.joined()
        case .message(.disconnect(let notice)):
            // A closing notice is followed by the end of the connection, reported there.
            return notice.disposition == .linger ? view.lingering(number, seconds: notice.lingerSeconds) : ""
        case .closed(let reason):
            connection.close()
            connections[number] = nil
            table.remove(number)
            // Here eslsh is the server: the peer that said goodbye is FreeSWITCH, ending the call's socket.
            guard case .closed(.goodbye(let notice)) = reason else { return view.removed(number, reason: reason.description) }
            return view.removed(number, reason: "FreeSWITCH closed the socket: \(notice.summary)")
        case .dropped, .message:
            return LiveView(style: style, tag: .call(number)).render(item) ?? ""
        }
    }
}
