#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol

/// `eslsh --top` and `/top`: the calls of one or more switches in a full-screen table, built from a
/// `show channels as json` snapshot and kept current by the event stream; a snapshot again after a
/// reconnect or dropped events. Keys are `TopState`'s, the screen `TopLayout`'s, drawn with ncurses at
/// most four times a second (and at once after a key).
package final class TopMode {
    /// One switch: how to connect, and the connection while it is up.
    package struct Host {
        package var name: String
        package var open: () throws(ConnectError) -> Connection
        var connection: Connection?
        var retryAt = Deadline.now()
        var snapshotAt = Deadline.now()

        package init(name: String, open: @escaping () throws(ConnectError) -> Connection, connection: Connection? = nil) {
            self.name = name
            self.open = open
            self.connection = connection
        }
    }

    var hosts: [Host]
    let replyTimeout: Duration
    /// Asked between frames; true ends the view (the console passes its Ctrl-C check).
    var interrupted: () -> Bool
    private var calls = LiveCalls()
    private var activity = SwitchActivity()
    private var state = TopState()
    private var trace: CallTrace?
    private var traceLines: [String] = []
    private let screen = CursesScreen()
    private var dirty = true
    private var lastDraw: UInt64 = 0
    private var lastSecond = 0

    package init(hosts: [Host], replyTimeout: Duration?, interrupted: (() -> Bool)? = nil) {
        self.hosts = hosts
        self.replyTimeout = replyTimeout ?? .seconds(5)
        self.interrupted = interrupted ?? Interruption.signals.isRequested
        for host in hosts { calls.markStale(host: host.name) }
    }

    /// Runs until `q` or an interrupt; the terminal is restored on every way out.
    package func run(installHandlers: Bool) -> Result<Void, CursesScreen.Unavailable> {
        if installHandlers {
            // Ctrl-C and SIGTERM end the view through its normal way out, which restores the terminal.
            Interruption.signals.install()
            Self.hangUpEndsTheView()
        }
        do throws(CursesScreen.Unavailable) { try screen.start() } catch { return .failure(error) }
        defer {
            screen.stop()
            for host in hosts { host.connection?.close() }
        }
        for index in hosts.indices { connect(index) }
        while !interrupted() {
            if !pump() { break }
        }
        return .success(())
    }

    /// One turn: keys, then what arrived, then a frame when due. False when the user left.
    private func pump() -> Bool {
        let (rows, columns) = screen.size()
        let layout = TopLayout(width: columns, height: rows, showHost: hosts.count > 1)
        for key in screen.keys() {
            let action = state.handle(key, rows: currentRows(), visible: layout.visibleRows)
            dirty = true
            lastDraw = 0  // a key's effect is drawn at once
            switch action {
            case .none: break
            case .quit: return false
            case .hangUp(let uuid, let host): hangUp(uuid, host: host)
            case .openTrace(let uuid, let host): openTrace(uuid, host: host)
            case .closeTrace: closeTrace()
            }
        }
        var waited = false
        for index in hosts.indices {
            if hosts[index].connection == nil, hosts[index].retryAt.hasPassed { connect(index) }
            guard let connection = hosts[index].connection else { continue }
            // Wait a little on one queue only, so keys stay quick.
            let batch = connection.inbound.nextBatch(limit: 2048, until: waited ? .now() : .after(milliseconds: 50))
            waited = true
            for item in batch { take(item, host: index) }
            if calls.needsSnapshot(host: hosts[index].name), hosts[index].snapshotAt.hasPassed { snapshot(index) }
        }
        if !waited { usleep(50_000) }
        let now = TraceMode.now()
        activity.roll(now)
        if now / 1_000_000 != lastSecond { lastSecond = now / 1_000_000; dirty = true }  // durations tick
        if dirty, Deadline.now().nanoseconds >= lastDraw + 250_000_000 {
            draw(layout, now: now)
        }
        return true
    }

    /// Ctrl-Z while the view is up: the terminal is given back while stopped.
    package func pause(_ body: () -> Void) { screen.paused(body) }

    private func currentRows() -> [LiveCalls.Row] { calls.rows(sort: state.sort, filter: state.filter) }

    private func draw(_ layout: TopLayout, now: Int) {
        let lines: [TopLayout.Line]
        if case .tracing(let uuid, _) = state.mode {
            let summary = trace.map { $0.summary } ?? ""
            lines = layout.trace(title: "trace \(uuid): \(summary)", lines: traceLines, scroll: state.traceScroll)
        } else {
            let rows = currentRows()
            lines = layout.table(rows: rows, now: now, header: activity.header(calls: calls.rows().count, channels: calls.channelCount), state: state)
        }
        screen.draw(lines)
        dirty = false
        lastDraw = Deadline.now().nanoseconds
    }

    private func take(_ item: Inbound, host index: Int) {
        switch item {
        case .message(.event(let event, _)):
            activity.record(event, now: TraceMode.now())
            if calls.apply(event, host: hosts[index].name) { dirty = true }
            takeForTrace(.event(event, format: .plain), host: index)
        case .message(.log(let line)):
            takeForTrace(.log(line), host: index)
        case .message:
            break
        case .dropped(let count):
            activity.recordDropped(count)
            calls.markStale(host: hosts[index].name)
            dirty = true
        case .closed(let reason):
            hosts[index].connection?.close()
            hosts[index].connection = nil
            hosts[index].retryAt = .after(milliseconds: 2000)
            calls.markStale(host: hosts[index].name)
            state.message = "\(hosts[index].name): \(reason.description); reconnecting"
            dirty = true
        }
    }

    private func takeForTrace(_ message: Message, host index: Int) {
        guard trace != nil, case .tracing(_, let host) = state.mode, host == hosts[index].name,
              let item = trace!.take(message) else { return }
        traceLines.append(String(TraceFormat(json: false).render(item).dropLast()))
        if traceLines.count > 5000 { traceLines.removeFirst(traceLines.count - 5000) }
        dirty = true
    }

    /// Connects (or reconnects) and subscribes; the snapshot follows in the loop.
    private func connect(_ index: Int) {
        do throws(ConnectError) {
            if hosts[index].connection == nil { hosts[index].connection = try hosts[index].open() }
        } catch {
            state.message = "\(hosts[index].name): \(error.description)"
            hosts[index].retryAt = .after(milliseconds: 2000)
            dirty = true
            return
        }
        guard let connection = hosts[index].connection else { return }
        do throws(ConnectionError) {
            let reply = try connection.send(.event(.plain, ["ALL"]), timeout: replyTimeout)
            if reply.isError { state.message = "\(hosts[index].name): event: \(reply.text.trimmingWhitespace)" }
        } catch {
            take(.closed(error), host: index)
            return
        }
        calls.markStale(host: hosts[index].name)
    }

    /// Loads the calls of a host afresh; tried again two seconds later when the answer is not a table.
    private func snapshot(_ index: Int) {
        guard let connection = hosts[index].connection else { return }
        hosts[index].snapshotAt = .after(milliseconds: 2000)
        do throws(ConnectionError) {
            let response = try connection.send(.api("show channels as json"), timeout: replyTimeout)
            if calls.load(channelsJSON: response.text, host: hosts[index].name) { dirty = true }
        } catch {
            if case .timedOut = error { return }
            take(.closed(error), host: index)
        }
    }

    /// `uuid_kill`, after the y/n question; the answer goes to the status line.
    private func hangUp(_ uuid: String, host: String) {
        guard let index = hosts.firstIndex(where: { $0.name == host }), let connection = hosts[index].connection else {
            state.message = "\(host): not connected"
            return
        }
        // A UUID from the switch is hexadecimal and dashes; anything else is not sent as a command.
        guard !uuid.isEmpty, uuid.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || $0 == "-" }) else {
            state.message = "not a UUID: \(TerminalText.visible(uuid))"
            return
        }
        do throws(ConnectionError) {
            let response = try connection.send(.api("uuid_kill \(uuid)"), timeout: replyTimeout)
            let text = response.text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingWhitespace
            state.message = "uuid_kill \(uuid.prefix(8)): \(TerminalText.visible(text.isEmpty ? "done" : text))"
        } catch {
            state.message = "uuid_kill: \(error.description)"
        }
    }

    private func openTrace(_ uuid: String, host: String) {
        var trace = CallTrace(uuid: uuid)
        // The legs already known to be of this call are followed from the start.
        if let row = calls.rows().first(where: { $0.uuid == uuid && $0.host == host }) {
            for leg in row.legs.dropFirst() { trace.follow(leg.uuid) }
        }
        self.trace = trace
        traceLines = ["(from now on: events and DEBUG log lines of the call and its legs)"]
        if let index = hosts.firstIndex(where: { $0.name == host }) {
            _ = try? hosts[index].connection?.send(.log("debug"), timeout: replyTimeout)
        }
    }

    private func closeTrace() {
        if case .tracing = state.mode { return }
        trace = nil
        traceLines = []
        for host in hosts { _ = try? host.connection?.send(.nolog, timeout: replyTimeout) }
    }

    /// SIGHUP (the terminal went away) ends the view as SIGTERM does; left alone it would kill the
    /// process, and ignored it would leave the view reading a dead terminal.
    static func hangUpEndsTheView() {
        let handler: @convention(c) (Int32) -> Void = { _ in raise(SIGTERM) }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        sigaction(SIGHUP, &action, nil)
    }
}
