#if canImport(Glibc)
import Glibc
#endif
import ESLProtocol
import Synchronization

/// One client connection to the simulator, answering as mod_event_socket does (reply texts from the
/// captures, including their typos).
final class SimulatorSession: @unchecked Sendable {
    private let fd: Int32
    private let simulator: Simulator
    private let state = Locked(State())
    private let writeLock = Lock()

    struct State {
        var authenticated = false
        var subscription = Subscription()
        var logLevel: Int?
        /// While a command runs, events and logs wait (the server sends nothing during a command).
        var busy = false
        var deferred: [[UInt8]] = []
        var closeAfterFlush = false
        /// Outbound: seconds to keep sending the call's events after it ends (`linger`).
        var linger: Int?
        var closed = false
    }

    /// The call this session controls in outbound mode (FreeSWITCH connected out for it).
    private let call: SimulatedCall?
    /// Keeps an outbound session's socket open as long as the session.
    private let socket: Socket?

    init(fd: Int32, simulator: Simulator) {
        self.fd = fd
        self.simulator = simulator
        self.call = nil
        self.socket = nil
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

    func close() {
        let wasOpen = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        if wasOpen { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func run() {
        defer {
            close()
            if socket == nil { Glibc.close(fd) }  // an outbound session's Socket closes itself
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
                let keepGoing = handle(command)
                flushDeferred()
                if !keepGoing { return }
            }
        }
    }

    // MARK: - Output

    private func write(_ bytes: [UInt8]) {
        writeLock.withLock { rawWrite(bytes) }
    }

    private func rawWrite(_ bytes: [UInt8]) {
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 { offset += sent } else if sent < 0, errno == EINTR { continue } else { return }
            }
        }
    }

    private func reply(_ text: String, _ extra: [Header] = []) {
        write(Frame(headers: Headers([Header("Content-Type", "command/reply"), Header("Reply-Text", text)] + extra)).bytes)
    }

    private static let goodbye: [UInt8] = {
        let body = Array(DisconnectNotice.goodbyeText.utf8)
        return Frame(headers: ["Content-Type": "text/disconnect-notice", "Content-Length": String(body.count)], body: body).bytes
    }()

    private func sendGoodbye() { write(Self.goodbye) }

    /// The notice an outbound session gets when its call ends while lingering.
    private static func lingerNotice(uuid: String, channel: String, seconds: Int) -> [UInt8] {
        Frame(headers: ["Content-Type": "text/disconnect-notice", "Controlled-Session-UUID": uuid, "Content-Disposition": "linger",
                        "Channel-Name": channel, "Linger-Time": String(seconds), "Content-Length": "0"]).bytes
    }

    private func flushDeferred() {
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
            let goodbye = linger.map { Self.lingerNotice(uuid: uuid, channel: call?.name ?? "", seconds: $0) } ?? Self.goodbye
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

    /// Commands that mean something else when the session controls a call.
    private func handleOutbound(_ command: ReceivedCommand, _ lower: String, _ call: SimulatedCall) -> Bool? {
        let words = lower.split(separator: " ").map(String.init)
        switch words.first {
        case "connect":
            var lines = ""
            for header in call.channelData().headers { lines += "\(header.name): \(PercentCoding.encode(header.value))\n" }
            lines += "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n"
            write(Array(lines.utf8))
        case "myevents":
            state.withLock { state in
                state.subscription.sessionUUID = call.uuid
                if let format = words.dropFirst().first.flatMap({ EventFormat(rawValue: $0) }) { state.subscription.format = format }
            }
            reply("+OK Events Enabled")
        case "linger":
            let seconds = words.dropFirst().first.flatMap { Int($0) }
            state.withLock { $0.linger = seconds ?? 600 }
            reply(seconds.map { "+OK will linger \($0) seconds" } ?? "+OK will linger")
        case "nolinger":
            state.withLock { $0.linger = nil }
            reply("+OK will not linger")
        case "getvar":
            reply(call.variable(String(command.line.dropFirst(6)).trimmingSpaces))
        case "resume":
            reply("+OK")
        case "divert_events":
            reply(words.dropFirst().first == "on" ? "+OK events diverted" : "+OK events not diverted")
        case "sendmsg" where words.count == 1 && command.headers["Session-ID"] == nil:
            var headers = command.headers
            headers.append("Session-ID", call.uuid)
            sendmsg(ReceivedCommand(line: command.line, headers: headers, body: command.body))
        default:
            return nil
        }
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
                state.withLock { $0.authenticated = true }
                reply("+OK accepted", [Header("Allowed-Events", "all"), Header("Allowed-API", "all"), Header("Allowed-LOG", "true")])
                _ = user
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
    private func acceptedUser(_ credentials: String) -> String? {
        guard let colon = credentials.firstIndex(of: ":") else { return nil }
        var user = String(credentials[..<colon])
        var password = String(credentials[credentials.index(after: colon)...])
        if !user.contains("@"), let at = password.firstIndex(of: "@") {
            user += String(password[at...])
            password = String(password[..<at])
        }
        return simulator.configuration.users[user] == password ? user : nil
    }

    private func filter(_ arguments: [String]) {
        var arguments = arguments[...]
        if arguments.first?.lowercasedASCII == "delete" {
            arguments = arguments.dropFirst()
            guard let header = arguments.first else { reply("-ERR invalid syntax"); return }
            let value = arguments.dropFirst().joined(separator: " ")
            state.withLock { state in
                if header.lowercasedASCII == "all" {
                    state.subscription.filters = []
                } else {
                    state.subscription.filters.removeAll { $0.name.equalsIgnoringASCIICase(header) && (value.isEmpty || $0.value == value) }
                }
            }
            reply("+OK filter deleted. [\(header)][\(value)]")
            return
        }
        if arguments.first?.lowercasedASCII == "add" { arguments = arguments.dropFirst() }
        guard arguments.count >= 2, let header = arguments.first else { reply("-ERR invalid syntax"); return }
        let value = arguments.dropFirst().joined(separator: " ")
        state.withLock { $0.subscription.filters.append(Header(header, value)) }
        reply("+OK filter added. [\(header)]=[\(value)]")
    }

    private func myevents(_ arguments: [String]) {
        guard let uuid = arguments.first, simulator.call(uuid) != nil else { reply("-ERR invalid uuid"); return }
        let enabled = state.withLock { state -> Bool in
            if state.subscription.sessionUUID != nil { return false }
            state.subscription.sessionUUID = uuid
            if let word = arguments.dropFirst().first, let format = EventFormat(rawValue: word.lowercasedASCII) {
                state.subscription.format = format
            }
            return true
        }
        reply(enabled ? "+OK Events Enabled" : "-ERR aready enabled.")
    }

    private func sendmsg(_ command: ReceivedCommand) {
        let argument = String(command.line.dropFirst(7)).trimmingSpaces
        let uuid = argument.isEmpty ? (command.headers["Session-ID"] ?? "") : argument
        guard let call = simulator.call(uuid) else { reply("-ERR invalid session id [\(uuid)]"); return }
        reply("+OK")
        let headers = command.headers
        switch headers["call-command"]?.lowercasedASCII {
        case "hangup":
            call.hangup(cause: headers["hangup-cause"] ?? "NORMAL_CLEARING")
        case "execute":
            let data = headers["execute-app-arg"] ?? command.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
            call.execute(headers["execute-app-name"] ?? "", data, applicationUUID: headers["Event-UUID"])
        default:
            break
        }
    }

    private func sendevent(_ command: ReceivedCommand) {
        let argument = String(command.line.dropFirst(9)).trimmingSpaces
        let name = Names.eventName(argument.isEmpty ? (command.headers["Event-Name"] ?? "CUSTOM") : argument) ?? "CUSTOM"
        let eventUUID = UUIDText.random()
        var headers: [Header] = []
        let given = command.headers.filter { !$0.name.equalsIgnoringASCIICase("Event-Name") }
        if let subclass = given.first(where: { $0.name.equalsIgnoringASCIICase("Event-Subclass") }) { headers.append(subclass) }
        headers.append(Header("Command", command.line))
        headers += given.filter { !$0.name.equalsIgnoringASCIICase("Event-Subclass") }
        headers.append(Header("Event-UUID", eventUUID))
        headers += simulator.coreHeaders(name: name, file: "mod_event_socket.c", function: "parse_command", line: 2283)
        reply("+OK \(eventUUID)")
        simulator.fire(Event(headers: Headers(headers), body: command.body.map { String(decoding: $0, as: UTF8.self) }))
    }

    private func api(_ text: String, consoleExecute: Bool) {
        let commands = consoleExecute ? text.splitOnDoubleSemicolon() : [text]
        let output = commands.map { SimulatorAPI(simulator: simulator).run($0.trimmingSpaces) }.joined()
        let body = Array(output.utf8)
        write(Frame(headers: ["Content-Type": "api/response", "Content-Length": String(body.count)], body: body).bytes)
        for command in commands { fireAPIEvent(command.trimmingSpaces) }
    }

    private func bgapi(_ text: String, jobUUID: String?) {
        let uuid = jobUUID ?? UUIDText.random()
        reply("+OK Job-UUID: \(uuid)", [Header("Job-UUID", uuid)])
        let output = SimulatorAPI(simulator: simulator).run(text.trimmingSpaces)
        let parts = text.trimmingSpaces.split(separator: " ", maxSplits: 1).map(String.init)
        var headers = simulator.coreHeaders(name: "BACKGROUND_JOB", file: "mod_event_socket.c", function: "api_exec", line: 1580)
        headers.append(Header("Job-UUID", uuid))
        headers.append(Header("Job-Command", parts.first ?? ""))
        if parts.count > 1 { headers.append(Header("Job-Command-Arg", parts[1])) }
        simulator.fire(Event(headers: Headers(headers), body: output))
        fireAPIEvent(text.trimmingSpaces)
    }

    /// FreeSWITCH fires an API event for every API command it runs.
    private func fireAPIEvent(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        var headers = simulator.coreHeaders(name: "API", file: "switch_loadable_module.c", function: "switch_api_execute", line: 3140)
        headers.append(Header("API-Command", parts.first ?? ""))
        if parts.count > 1 { headers.append(Header("API-Command-Argument", parts[1])) }
        simulator.fire(Event(headers: Headers(headers)))
    }

    private func log(_ level: String) {
        let value = level.isEmpty ? 7 : Names.logLevel(level)
        guard let value else { reply("-ERR invalid log level"); return }
        state.withLock { $0.logLevel = value < 0 ? nil : value }
        reply("+OK log level \(level) [\(value)]")
    }

    private func nolog() {
        let was = state.withLock { state in
            defer { state.logLevel = nil }
            return state.logLevel != nil
        }
        reply(was ? "+OK no longer logging" : "-ERR not loging")
    }

    private func event(_ arguments: [String]) {
        let (ok, format) = state.withLock { state in (state.subscription.add(arguments), state.subscription.format) }
        reply(ok ? "+OK event listener enabled \(format.rawValue)" : "-ERR no keywords supplied")
        if ok, let count = simulator.configuration.floodEvents { flood(count, format: format) }
    }

    /// Benchmark flood: the recorded call's events, renumbered, as fast as the socket takes them.
    private func flood(_ count: Int, format: EventFormat) {
        var size = Int32(simulator.configuration.floodSendBuffer)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let frames = FloodCorpus.frames(format: format, hostname: simulator.configuration.hostname)
        let started = Deadline.now()
        var batch: [UInt8] = []
        batch.reserveCapacity(256 * 1024)
        for index in 0..<count {
            batch.append(contentsOf: frames[index % frames.count])
            if batch.count >= 128 * 1024 || index == count - 1 {
                rawWrite(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        let seconds = Double(Deadline.now().nanoseconds - started.nanoseconds) / 1e9
        simulator.configuration.floodReport?(count, seconds)
        sendGoodbye()
        close()
    }

    private func nixevent(_ arguments: [String]) {
        let ok = state.withLock { $0.subscription.remove(arguments) }
        reply(ok ? "+OK events nixed" : "-ERR no keywords supplied")
    }

    private func noevents() {
        let was = state.withLock { state in
            defer { state.subscription.clear() }
            return state.subscription.isListening
        }
        reply(was ? "+OK no longer listening for events" : "-ERR not listening for events")
    }

    private func words(_ line: String) -> [String] { line.split(separator: " ").map(String.init) }
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
