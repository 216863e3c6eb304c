#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLProtocol

/// `--listen`: outbound mode. FreeSWITCH's `socket` application connects here once per call; each call
/// gets `connect` (which describes it), `myevents`, and then the script's lines, run against that call:
/// a bare line is a dialplan application (`answer`, `playback /tmp/x.wav`), run with sendmsg execute and
/// followed to its CHANNEL_EXECUTE_COMPLETE; `/getvar name`, `/linger [s]`, `/nolinger`, `/resume`,
/// `/hangup [cause]` and `/exit` do what they say. Results are printed per call, every line prefixed with
/// the start of its uuid (`[cbb44022] `), so that calls running at once stay apart.
package final class ListenMode: @unchecked Sendable {
    package let listener: Listener
    package let allow: AllowList
    package let script: [String]
    package let printer: Printer
    package let replyTimeout: Duration?
    package let calls: Int?
    private let worst = Locked(ExitStatus.ok)

    package init(listener: Listener, allow: AllowList, script: [String], printer: Printer, replyTimeout: Duration?, calls: Int?) {
        self.listener = listener
        self.allow = allow
        self.script = script
        self.printer = printer
        self.replyTimeout = replyTimeout
        self.calls = calls
    }

    package func run() -> ExitStatus {
        printer.note("listening on port \(listener.port) for FreeSWITCH's socket application")
        var handled = 0
        var threads: [pthread_t] = []
        while calls.map({ handled < $0 }) ?? true, let (socket, address) = listener.accept() {
            guard allow.allows(address) else {
                printer.note("refused a connection from \(address): not in --allow")
                continue
            }
            handled += 1
            if let thread = startThread(joinable: true, { [self] in serve(Connection.outbound(socket)) }) { threads.append(thread) }
        }
        for thread in threads { pthread_join(thread, nil) }
        printer.flush()
        return worst.withLock { $0 }
    }

    private func record(_ status: ExitStatus) { worst.withLock { $0 = max($0, status) } }

    private func serve(_ connection: Connection) {
        defer { connection.close() }
        let channel: Event
        do {
            let reply = try connection.send(.connect, timeout: replyTimeout ?? .seconds(10))
            guard case .reply(let connected) = reply, let data = connected.channelData else {
                printer.error("the connecting peer did not describe a call (reply: \(reply.text))")
                return record(.commandFailed)
            }
            channel = data
        } catch {
            printer.error("connect: \(error.description)")
            return record(.connectionLost)
        }
        let uuid = channel["Unique-ID"] ?? channel["Channel-Unique-ID"] ?? "?"
        let tag = "[\(uuid.prefix(8))] "
        let caller = [channel["Channel-Caller-ID-Name"] ?? channel["Caller-Caller-ID-Name"], (channel["Channel-Caller-ID-Number"] ?? channel["Caller-Caller-ID-Number"]).map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ")
        let destination = channel["Channel-Destination-Number"] ?? channel["Caller-Destination-Number"] ?? "?"
        printer.out("\(tag)call \(uuid) from \(caller) to \(destination) on \(channel["Channel-Name"] ?? "?") (\(channel["Answer-State"] ?? "?"))\n")
        do {
            _ = try connection.send(.myevents(uuid: nil), timeout: replyTimeout)
        } catch {
            printer.error("\(tag)myevents: \(error.description)")
            return record(.connectionLost)
        }
        for line in script {
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            printer.out("\(tag)> \(trimmed)\n")
            do {
                guard let (command, eventUUID) = try Self.command(for: trimmed) else { break }
                let response = try connection.send(command, timeout: replyTimeout)
                printer.out(Self.prefixed(Renderer().render(response), with: tag))
                if response.isError { record(.commandFailed); continue }
                if let eventUUID { waitForCompletion(eventUUID, on: connection, tag: tag) }
            } catch let error as CommandError {
                printer.error("\(tag)\(error.description)")
                record(.commandFailed)
            } catch let error as ConnectionError {
                printer.error("\(tag)\(error.description)")
                record(error.isTimeout ? .timedOut : .connectionLost)
                return
            } catch {
                return
            }
        }
        printer.flush()
    }

    /// Every line of `text` behind the call's tag: with several calls at once, lines of different calls
    /// interleave, and each must still say whose it is.
    package static func prefixed(_ text: String, with tag: String) -> String {
        guard !text.isEmpty else { return "" }
        var out = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
            out += tag + line + "\n"
        }
        return out
    }

    /// A script line as a command on this call; nil for `/exit`. Executes carry an Event-UUID so that
    /// their completion can be found among the call's events.
    package static func command(for line: String) throws(CommandError) -> (Command, String?)? {
        if line.hasPrefix("/") {
            let words = line.dropFirst().split(separator: " ").map(String.init)
            switch words.first?.lowercased() {
            case "exit", "quit", "bye": return nil
            case "getvar":
                guard words.count == 2 else { throw .missing("variable name (/getvar name)") }
                return (.getvar(words[1]), nil)
            case "linger": return (.linger(seconds: words.dropFirst().first.flatMap { Int($0) }), nil)
            case "nolinger": return (.nolinger, nil)
            case "resume": return (.resume, nil)
            case "hangup": return (.sendmsg(uuid: nil, .hangup(cause: words.dropFirst().first)), nil)
            default:
                try Command.requireSingleLine(line, field: "command")
                return (.raw(String(line.dropFirst())), nil)
            }
        }
        let app = String(line.prefix { $0 != " " })
        let argument = line.dropFirst(app.count).drop { $0 == " " }
        let eventUUID = UUIDText.random()
        return (.sendmsg(uuid: nil, .execute(app, argument.isEmpty ? nil : String(argument), eventUUID: eventUUID, eventLock: true)), eventUUID)
    }

    /// Waits for the application's CHANNEL_EXECUTE_COMPLETE (or the call's end) and shows its outcome.
    private func waitForCompletion(_ eventUUID: String, on connection: Connection, tag: String) {
        let deadline = replyTimeout.map(Deadline.after)
        while let item = connection.inbound.next(until: deadline) {
            switch item {
            case .message(.event(let event, _)) where event.name == "CHANNEL_EXECUTE_COMPLETE" && event["Application-UUID"] == eventUUID:
                let response = event["Application-Response"].map { $0 == "_none_" ? "" : " → \($0)" } ?? ""
                printer.out("\(tag)\(event["Application"] ?? "application") done\(response)\n")
                return
            // Not CHANNEL_HANGUP: the application may still complete after it (outbound-session capture).
            case .message(.event(let event, _)) where event.name == "CHANNEL_HANGUP_COMPLETE":
                printer.out("\(tag)hung up: \(event["Hangup-Cause"] ?? "?")\n")
                return
            case .message(.disconnect(let notice)):
                printer.out("\(tag)\(notice.disposition == .linger ? "call ended; lingering \(notice.lingerSeconds ?? 0) s" : "disconnected")\n")
                return
            case .closed:
                return
            default:
                continue
            }
        }
    }
}
