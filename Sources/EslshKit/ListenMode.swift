#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol

/// `--listen` with a script: outbound mode. FreeSWITCH's `socket` application connects here once per
/// call; each call is introduced (`CallIntroduction`) and then gets the script's lines (`OutboundLine`),
/// run against that call, each application followed to its CHANNEL_EXECUTE_COMPLETE. Results are
/// printed per call, every line prefixed with the start of its uuid (`[cbb44022] `), so that calls
/// running at once stay apart.
package final class ListenMode: @unchecked Sendable {
    package let listener: Listener
    package let allow: AllowList
    package let script: [String]
    package let printer: Printer
    package let replyTimeout: Duration?
    package let calls: Int?
    private let worst = Locked(ExitStatus.ok)
    /// `--debug 1`: each call's commands and frames on stderr, as the other modes trace theirs.
    package var trace: (@Sendable (String) -> Void)?
    /// `--escape` for the answers printed (the call's banner and eslsh's own lines always escape).
    package var terminal = TerminalText.safe

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
        var traced = ConnectOptions()
        traced.trace = trace
        let options = traced
        var threads: [pthread_t] = []
        CallIntroduction.accept(from: listener, allow: allow, limit: calls, refused: { address in
            printer.note("refused a connection from \(address): not in --allow")
        }, accepted: { socket, _ in
            if let thread = startThread(joinable: true, { [self] in serve(Connection.outbound(socket, options: options)) }) { threads.append(thread) }
        })
        for thread in threads { pthread_join(thread, nil) }
        printer.flush()
        return worst.withLock { $0 }
    }

    private func record(_ status: ExitStatus) { worst.withLock { $0 = max($0, status) } }

    private func serve(_ connection: Connection) {
        defer { connection.close() }
        let call: OutboundCall
        let subscription: Result<Response, ConnectionError>
        switch CallIntroduction.introduce(connection, replyTimeout: replyTimeout) {
        case .call(let channel, let subscribed):
            call = OutboundCall(number: 0, channel: channel, arrived: .now())
            subscription = subscribed
        case .noCall(let reply):
            printer.error("the connecting peer did not describe a call (reply: \(reply.text.escapedForDisplay))")
            return record(.commandFailed)
        case .failed(let error):
            // An unanswered `connect` is a reply timeout (5), as any other command's in the script.
            printer.error("connect: \(error.description)")
            return record(error.isTimeout ? .timedOut : .connectionLost)
        }
        let tag = "[\(TerminalText.visible(String(call.uuid.prefix(8))))] "
        printer.out("\(tag)\(call.announcement)\n")
        if case .failure(let error) = subscription {
            printer.error("\(tag)myevents: \(error.description)")
            return record(error.isTimeout ? .timedOut : .connectionLost)
        }
        for line in script {
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            printer.out("\(tag)> \(trimmed)\n")
            do {
                guard case .command(let command, let eventUUID) = try OutboundLine.parse(trimmed, consoleLines: false) else { break }
                let response = try connection.send(command, timeout: replyTimeout)
                printer.out(Self.prefixed(terminal.lines(Renderer().render(response)), with: tag))
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

    /// Waits for the application's CHANNEL_EXECUTE_COMPLETE (or the call's end) and shows its outcome.
    private func waitForCompletion(_ eventUUID: String, on connection: Connection, tag: String) {
        let deadline = replyTimeout.map(Deadline.after)
        while let item = connection.inbound.next(until: deadline) {
            switch item {
            case .message(.event(let event, _)) where event.name == "CHANNEL_EXECUTE_COMPLETE" && event["Application-UUID"] == eventUUID:
                let response = event["Application-Response"].map { $0 == "_none_" ? "" : " → \($0)" } ?? ""
                printer.out(tag + TerminalText.visible("\(event["Application"] ?? "application") done\(response)") + "\n")
                return
            // Not CHANNEL_HANGUP: the application may still complete after it (outbound-session capture).
            case .message(.event(let event, _)) where event.name == "CHANNEL_HANGUP_COMPLETE":
                printer.out("\(tag)hung up: \(TerminalText.visible(event["Hangup-Cause"] ?? "?"))\n")
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
