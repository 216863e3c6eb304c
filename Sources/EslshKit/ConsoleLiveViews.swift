#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol

/// `/top` and `/trace UUID` in the console. Both use a second connection (as `/stats` does), so the
/// console's own subscriptions stay as they are; what arrives on the console's connection meanwhile is
/// counted and not shown. The line editor is idle while they run (they run between two lines), and
/// the full-screen view hands terminfo's terminal back to it when it ends.
extension ConsoleSession {
    /// What came through the wake pipe (and, with `keyStops`, the terminal) while a live view runs:
    /// true when it should end. Ctrl-C ends it; SIGTERM and SIGHUP end it and go back to the pipe, so
    /// the console then ends as it does at the prompt; the console's own inbound items are counted in
    /// `hidden`, not shown; Ctrl-Z runs `suspend`.
    func liveViewShouldStop(hidden: inout Int, keyStops: Bool, suspend: (() -> Void)? = nil) -> Bool {
        var stop = false
        for byte in wake.wait(milliseconds: 0) {
            switch Int32(byte) {
            case Int32(WakePipe.inbound):
                let (text, ended) = drainInbound()
                if ended { stop = true; editor.show(text) } else { hidden += text.split(separator: "\n").count }
            case SIGINT: stop = true
            case SIGTERM, SIGHUP: stop = true; wake.wake(byte)
            case SIGTSTP: suspend?()
            default: break
            }
        }
        // A key (Enter, in cooked mode) on the terminal.
        var terminal = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        if keyStops, poll(&terminal, 1, 0) > 0 {
            var discard = [UInt8](repeating: 0, count: 256)
            _ = read(0, &discard, discard.count)
            stop = true
        }
        return stop
    }

    /// The second connection a live view uses; nil (and the error shown) when it cannot be had.
    func liveViewConnection(_ view: String) -> Connection? {
        guard let open = statsConnect else { return nil }
        do {
            return try open()
        } catch {
            editor.show(style.paint("eslsh: \(view): \(error.description)", .red) + "\n")
            return nil
        }
    }

    func runTop() {
        guard let open = statsConnect, let connection = liveViewConnection("/top") else { return }
        var hidden = 0
        var view: TopMode?
        let top = TopMode(hosts: [TopMode.Host(name: connection.socket.peer, open: open, connection: connection)], replyTimeout: replyTimeout) {
            // Keys belong to the view.
            self.liveViewShouldStop(hidden: &hidden, keyStops: false) { view?.pause { WakePipe.suspend() } }
        }
        view = top
        if case .failure(let error) = top.run(installHandlers: false) {
            editor.show(style.paint("eslsh: /top: \(error.description)", .red) + "\n")
        }
        view = nil
        if hidden > 0 { editor.show(style.paint("\(hidden) lines of events or log output arrived during /top and were not shown.", .dim) + "\n") }
    }

    func runTrace(_ uuid: String) {
        guard uuid.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            return editor.show(style.paint("eslsh: /trace takes a call's UUID", .red) + "\n")
        }
        guard let connection = liveViewConnection("/trace") else { return }
        defer { connection.close() }
        for command in [Command.event(.plain, ["ALL"]), .log("debug")] {
            do throws(ConnectionError) {
                let response = try connection.send(command, timeout: replyTimeout ?? .seconds(5))
                if response.isError { return editor.show(style.paint("eslsh: /trace: \(response.text.trimmingWhitespace.escapedForDisplay)", .red) + "\n") }
            } catch {
                return editor.show(style.paint("eslsh: /trace: \(error.description)", .red) + "\n")
            }
        }
        editor.show(style.paint("Trace of \(TerminalText.visible(uuid)) until the call is gone; Ctrl-C or Enter stops.", .dim) + "\n")
        var follower = TraceFollower(uuid: uuid, format: TraceFormat(json: false, style: style))
        var stop = false
        var hidden = 0
        while !stop {
            if liveViewShouldStop(hidden: &hidden, keyStops: true) { stop = true }
            var text = ""
            for item in connection.inbound.nextBatch(limit: 512, until: .after(milliseconds: 100)) {
                switch item {
                case .message(let message): text += follower.offer(message, at: TraceMode.now())
                case .dropped(let count): text += style.paint("[\(count) events or log lines dropped: the trace may miss some]", .red) + "\n"
                case .closed(let reason): text += style.paint("eslsh: /trace: \(reason.description)", .red) + "\n"; stop = true
                }
            }
            if !text.isEmpty { editor.show(text) }
            if follower.isOver(at: TraceMode.now()) { break }
        }
        Terminal.write("\r\u{1B}[K")
        editor.show(follower.summary)
        if hidden > 0 { editor.show(style.paint("\(hidden) lines of events or log output arrived during /trace and were not shown.", .dim) + "\n") }
    }
}
