#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import Synchronization

/// One client connection to the simulator, answering as mod_event_socket does (reply texts from the
/// captures, including their typos).
final class SimulatorSession: @unchecked Sendable {
    let fd: Int32
    let simulator: Simulator
    let state = Locked(State())
    private let writeLock = Lock()

    struct State {
        var authenticated = false
        /// Who `userauth` let in, with their restrictions (nil: `auth`, no restrictions).
        var user: SimulatorUser?
        var subscription = Subscription()
        var logLevel: Int?
        /// While a command runs, events and logs wait (the server sends nothing during a command).
        var busy = false
        var deferred: [[UInt8]] = []
        var closeAfterFlush = false
        /// Outbound: keep sending the call's events after it ends (`linger`); `.forever` without a time.
        var linger: Linger?
        var closed = false
        /// A recording is being served to this client (`SimulatorConfiguration.replay`).
        var replayStarted = false
    }

    /// The call this session controls in outbound mode (FreeSWITCH connected out for it).
    let call: SimulatedCall?
    /// Owns the descriptor: it closes when the session goes.
    private let socket: Socket

    init(socket: Socket, simulator: Simulator) {
        self.fd = socket.descriptor
        self.simulator = simulator
        self.call = nil
        self.socket = socket
    }

    /// An outbound session: no authentication; `connect`, `myevents`, `linger`, `getvar` and a
    /// uuid-less `sendmsg` all mean this call.
    init(socket: Socket, simulator: Simulator, call: SimulatedCall) {
        self.fd = socket.descriptor
        self.simulator = simulator
        self.call = call
        self.socket = socket
        state.withLock { $0.authenticated = true }
    }

    func start() { Background.start { [self] in run() } }

    var isLogging: Bool { state.withLock { !$0.closed && $0.logLevel != nil } }

    var isListening: Bool { state.withLock { !$0.closed && ($0.subscription.isListening || $0.logLevel != nil) } }

    func close() {
        let wasOpen = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        if wasOpen { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Busy-waits, as a switch that is working does: a sleep this short would add the scheduler's
    /// wake-up latency, which a benchmark must not count against the client.
    private static func spin(_ delay: Duration) {
        let end = Deadline.after(delay)
        while !end.hasPassed {}
    }

    private func run() {
        defer {
            close()

            simulator.remove(self)
        }
        if simulator.configuration.rejectByACL {
            write(Frame(headers: ["Content-Type": "text/rude-rejection", "Content-Length": "24"], body: Array("Access Denied, go away.\n".utf8)).bytes)
            sendGoodbye()
            return
        }
        if call == nil { write(Array("Content-Type: auth/request\n\n".utf8)) }
        var reader = CommandReader()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while !state.withLock({ $0.closed }) {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            reader.feed(chunk[0..<count])
            while true {
                let command: ReceivedCommand
                do throws(CommandReader.Failure) {
                    guard let next = try reader.next() else { break }
                    command = next
                } catch {
                    return  // the server drops connections with an out-of-range Content-Length
                }
                state.withLock { $0.busy = true }
                if let delay = simulator.configuration.answerDelay { Self.spin(delay) }
                let keepGoing = handle(command)
                flushDeferred()
                if !keepGoing { return }
            }
        }
    }

    // MARK: - Output

    func write(_ bytes: [UInt8]) {
        writeLock.withLock { rawWrite(bytes) }
    }

    func rawWrite(_ bytes: [UInt8]) {
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 { offset += sent } else if sent < 0, errno == EINTR { continue } else { return }
            }
        }
    }

    func reply(_ text: String, _ extra: [Header] = []) {
        write(Frame(headers: Headers([Header("Content-Type", "command/reply"), Header("Reply-Text", text)] + extra)).bytes)
    }

    private static let goodbye: [UInt8] = {
        let body = Array(DisconnectNotice.goodbyeText.utf8)
        return Frame(headers: ["Content-Type": "text/disconnect-notice", "Content-Length": String(body.count)], body: body).bytes
    }()

    func sendGoodbye() { write(Self.goodbye) }

    /// The notice an outbound session gets when its call ends while lingering.
    /// No capture shows a notice after a `linger` without a time: it leaves Linger-Time out rather than invent one.
    private static func lingerNotice(uuid: String, channel: String, linger: Linger) -> [UInt8] {
        var headers = [Header("Content-Type", "text/disconnect-notice"), Header("Controlled-Session-UUID", uuid),
                       Header("Content-Disposition", "linger"), Header("Channel-Name", channel)]
        if case .seconds(let seconds) = linger { headers.append(Header("Linger-Time", String(seconds))) }
        return Frame(headers: Headers(headers + [Header("Content-Length", "0")])).bytes
    }

    func flushDeferred() {
        let closing = writeLock.withLock {
            let (pending, closing) = state.withLock { state in
                defer { state.deferred = []; state.busy = false }
                return (state.deferred, state.closeAfterFlush)
            }
            for bytes in pending { rawWrite(bytes) }
            return closing
        }
        if closing { close() }
    }

    /// Queues or writes an event this listener subscribed to.
    func offer(_ event: Event) {
        // A listener bound to a call with `myevents <uuid>` ends with that call's session.
        if event.name == "CHANNEL_DESTROY", let uuid = event.uniqueID, state.withLock({ $0.subscription.sessionUUID == uuid }) {
            let linger = state.withLock { $0.linger }
            let goodbye = linger.map { Self.lingerNotice(uuid: uuid, channel: call?.name ?? "", linger: $0) } ?? Self.goodbye
            let now = writeLock.withLock {
                state.withLock { state -> Bool in
                    guard state.busy else { return true }
                    state.deferred.append(goodbye)
                    state.closeAfterFlush = true
                    return false
                }
            }
            if now {
                write(goodbye)
                close()
            }
            return
        }
        writeLock.withLock {
            let bytes: [UInt8]? = state.withLock { state in
                guard state.authenticated, !state.closed, !state.closeAfterFlush, state.subscription.wants(event) else { return nil }
                let bytes = event.frame(as: state.subscription.format).bytes
                if state.busy { state.deferred.append(bytes); return nil }
                return bytes
            }
            if let bytes { rawWrite(bytes) }
        }
    }

    func offer(_ line: LogLine) {
        writeLock.withLock {
            let bytes: [UInt8]? = state.withLock { state in
                guard state.authenticated, !state.closed, !state.closeAfterFlush, let level = state.logLevel, level >= line.level else { return nil }
                if state.busy { state.deferred.append(line.frame.bytes); return nil }
                return line.frame.bytes
            }
            if let bytes { rawWrite(bytes) }
        }
    }

    // MARK: - Commands

    /// Answers one command; false ends the session.
    private func handle(_ command: ReceivedCommand) -> Bool {
        let line = command.line
        let lower = line.lowercasedASCII
        let authenticated = state.withLock { $0.authenticated }
        if !authenticated {
            return handleBeforeAuth(line, lower)
        }
        if let call, let handled = handleOutbound(command, lower, call) { return handled }
        if lower.hasPrefix("exit") || lower.hasPrefix("...") {
            reply("+OK bye")
            sendGoodbye()
            return false
        }
        if lower.hasPrefix("auth ") {
            reply(String(line.dropFirst(5)) == simulator.configuration.password ? "+OK accepted" : "-ERR invalid")
            return true
        }
        if lower.hasPrefix("filter ") { filter(Array(words(line).dropFirst())); return true }
        if lower.hasPrefix("myevents") { myevents(Array(words(line).dropFirst())); return true }
        if lower.hasPrefix("divert_events") { reply("-ERR not controlling a session."); return true }
        if lower.hasPrefix("sendmsg") { sendmsg(command); return true }
        if lower.hasPrefix("sendevent") { sendevent(command); return true }
        if lower.hasPrefix("api ") || lower.hasPrefix("bgapi "), let user = state.withLock({ $0.user }),
           !user.mayRun(String(line.drop { $0 != " " }.dropFirst())) {
            reply("-ERR permission denied")
            return true
        }
        if lower.hasPrefix("api ") { api(String(line.dropFirst(4)), consoleExecute: command.headers["console_execute"] == "true"); return true }
        if lower.hasPrefix("bgapi ") { bgapi(String(line.dropFirst(6)), jobUUID: command.headers["Job-UUID"]); return true }
        if lower.hasPrefix("log") && !lower.hasPrefix("logout") { log(String(line.dropFirst(3)).trimmingSpaces); return true }
        if lower.hasPrefix("linger") || lower.hasPrefix("nolinger") { reply("-ERR not controlling a session"); return true }
        if lower.hasPrefix("nolog") { nolog(); return true }
        if lower.hasPrefix("event") { event(Array(words(line).dropFirst())); return true }
        if lower.hasPrefix("nixevent") { nixevent(Array(words(line).dropFirst())); return true }
        if lower.hasPrefix("noevents") { noevents(); return true }
        reply("-ERR command not found")
        return true
    }

    private func handleBeforeAuth(_ line: String, _ lower: String) -> Bool {
        if lower.hasPrefix("auth ") {
            if String(line.dropFirst(5)) == simulator.configuration.password {
                state.withLock { $0.authenticated = true }
                reply("+OK accepted")
                return true
            }
            reply("-ERR invalid")
            sendGoodbye()
            return false
        }
        if lower.hasPrefix("userauth ") {
            let credentials = String(line.dropFirst(9))
            if let user = acceptedUser(credentials) {
                state.withLock { $0.authenticated = true; $0.user = user }
                reply("+OK accepted", user.replyHeaders.map { Header($0.0, $0.1) })
                return true
            }
            reply("-ERR invalid")
            sendGoodbye()
            return false
        }
        if lower.hasPrefix("exit") {
            reply("+OK bye")
            sendGoodbye()
            return false
        }
        reply("-ERR command not found")
        return true
    }

    /// `user@domain:pass` or `user:pass@domain`.
    private func acceptedUser(_ credentials: String) -> SimulatorUser? {
        guard let colon = credentials.firstIndex(of: ":") else { return nil }
        var user = String(credentials[..<colon])
        var password = String(credentials[credentials.index(after: colon)...])
        if !user.contains("@"), let at = password.firstIndex(of: "@") {
            user += String(password[at...])
            password = String(password[..<at])
        }
        guard let entry = simulator.configuration.users[user], entry.password == password else { return nil }
        return entry
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }

    func splitOnDoubleSemicolon() -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: ";;") {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
