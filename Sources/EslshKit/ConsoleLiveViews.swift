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
    func runTop() {
        guard let open = statsConnect else { return }
        let connection: Connection
        do {
            connection = try open()
        } catch {
            editor.show(style.paint("eslsh: /top: \(error.description)", .red) + "\n")
            return
        }
        var hidden = 0
        var view: TopMode?
        let top = TopMode(hosts: [TopMode.Host(name: connection.socket.peer, open: open, connection: connection)], replyTimeout: replyTimeout) {
            var stop = false
            for byte in self.wake.wait(milliseconds: 0) {
                switch Int32(byte) {
                case Int32(WakePipe.inbound):
                    let (text, ended) = self.drainInbound()
                    if ended { stop = true } else { hidden += text.split(separator: "\n").count }
                case SIGINT: stop = true
                case SIGTERM, SIGHUP: stop = true; self.wake.wake(byte)
                case SIGTSTP: view?.pause { WakePipe.suspend() }
                default: break
                }
            }
            return stop
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
        guard let open = statsConnect else { return }
        let connection: Connection
        do {
            connection = try open()
        } catch {
            editor.show(style.paint("eslsh: /trace: \(error.description)", .red) + "\n")
            return
        }
        defer { connection.close() }
        for command in [Command.event(.plain, ["ALL"]), .log("debug")] {
            do throws(ConnectionError) {
                let response = try connection.send(command, timeout: replyTimeout ?? .seconds(5))
                if response.isError { return editor.show(style.paint("eslsh: /trace: \(response.text.trimmingWhitespace)", .red) + "\n") }
            } catch {
                return editor.show(style.paint("eslsh: /trace: \(error.description)", .red) + "\n")
            }
        }
        editor.show(style.paint("Trace of \(TerminalText.visible(uuid)) until the call is gone; Ctrl-C or Enter stops.", .dim) + "\n")
        var follower = TraceFollower(uuid: uuid, format: TraceFormat(json: false, style: style))
        var stop = false
        var hidden = 0
        while !stop {
            for byte in wake.wait(milliseconds: 0) {
                switch Int32(byte) {
                case Int32(WakePipe.inbound):
                    let (text, ended) = drainInbound()
                    if ended { stop = true } else { hidden += text.split(separator: "\n").count }
                case SIGINT: stop = true
                case SIGTERM, SIGHUP: stop = true; wake.wake(byte)
                default: break
                }
            }
            var terminal = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            if poll(&terminal, 1, 0) > 0 {
                var discard = [UInt8](repeating: 0, count: 256)
                _ = read(0, &discard, discard.count)
                stop = true
            }
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
