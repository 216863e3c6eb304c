#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

/// The inbound commands of a simulated session, each answered with the captures' reply texts.
extension SimulatorSession {
    func filter(_ arguments: [String]) {
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

    func myevents(_ arguments: [String]) {
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

    func sendmsg(_ command: ReceivedCommand) {
        let argument = String(command.line.dropFirst(7)).trimmingSpaces
        let uuid = argument.isEmpty ? (command.headers["Session-ID"] ?? "") : argument
        let headers = command.headers
        let callCommand = headers["call-command"]?.lowercasedASCII ?? ""
        // An unknown call-command gets the unknown call's answer (the call-control-replies capture).
        guard let call = simulator.call(uuid), Self.callCommands.contains(callCommand) else {
            reply("-ERR invalid session id [\(uuid)]")
            return
        }
        reply("+OK")
        switch callCommand {
        case "hangup":
            call.hangup(cause: headers["hangup-cause"] ?? "NORMAL_CLEARING")
        case "execute":
            let data = headers["execute-app-arg"] ?? command.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
            call.execute(headers["execute-app-name"] ?? "", data, applicationUUID: headers["Event-UUID"])
        default:
            break
        }
    }

    static let callCommands: Set = ["execute", "hangup", "unicast", "nomedia", "xferext"]

    func sendevent(_ command: ReceivedCommand) {
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

    func api(_ text: String, consoleExecute: Bool) {
        simulator.configuration.onAPI?(text)
        let commands = consoleExecute ? text.splitOnDoubleSemicolon() : [text]
        // Trailing spaces stay: console_complete reads them (`show ` completes show's arguments).
        let output = commands.map { SimulatorAPI(simulator: simulator).run(String($0.drop { $0 == " " })) }.joined()
        let body = Array(output.utf8)
        write(Frame(headers: ["Content-Type": "api/response", "Content-Length": String(body.count)], body: body).bytes)
        for command in commands { fireAPIEvent(command.trimmingSpaces) }
    }

    func bgapi(_ text: String, jobUUID: String?) {
        simulator.configuration.onAPI?(text)
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
    func fireAPIEvent(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        var headers = simulator.coreHeaders(name: "API", file: "switch_loadable_module.c", function: "switch_api_execute", line: 3140)
        headers.append(Header("API-Command", parts.first ?? ""))
        if parts.count > 1 { headers.append(Header("API-Command-Argument", parts[1])) }
        simulator.fire(Event(headers: Headers(headers)))
    }

    func log(_ level: String) {
        let value = level.isEmpty ? 7 : Names.logLevel(level)
        guard let value else { reply("-ERR invalid log level"); return }
        if state.withLock({ $0.user?.allowedLog == false }) { reply("-ERR permission denied"); return }
        state.withLock { $0.logLevel = value < 0 ? nil : value }
        reply("+OK log level \(level) [\(value)]")
        startReplayOnce()
    }

    func nolog() {
        let was = state.withLock { state in
            defer { state.logLevel = nil }
            return state.logLevel != nil
        }
        reply(was ? "+OK no longer logging" : "-ERR not loging")
    }

    func event(_ arguments: [String]) {
        if let allowed = state.withLock({ $0.user?.allowedEvents }) {
            let names = arguments.compactMap { Names.eventName($0) }
            if names.contains(where: { !allowed.contains($0) }) { reply("-ERR permission denied"); return }
        }
        let (ok, format) = state.withLock { state in (state.subscription.add(arguments), state.subscription.format) }
        reply(ok ? "+OK event listener enabled \(format.rawValue)" : "-ERR no keywords supplied")
        if ok, let count = simulator.configuration.floodEvents { flood(count, format: format) }
        if ok { startReplayOnce() }
    }

    /// Benchmark flood: the recorded call's events, renumbered, as fast as the socket takes them.
    func flood(_ count: Int, format: EventFormat) {
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

    func nixevent(_ arguments: [String]) {
        let ok = state.withLock { $0.subscription.remove(arguments) }
        reply(ok ? "+OK events nixed" : "-ERR no keywords supplied")
    }

    func noevents() {
        let was = state.withLock { state in
            defer { state.subscription.clear() }
            return state.subscription.isListening
        }
        reply(was ? "+OK no longer listening for events" : "-ERR not listening for events")
    }

    func words(_ line: String) -> [String] { line.split(separator: " ").map(String.init) }
}
