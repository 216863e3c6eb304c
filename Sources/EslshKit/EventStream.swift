#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol

/// `--events`: subscribe and print events until the server says goodbye, `--count` is reached or the
/// user interrupts. The reader drains the socket at full speed into the bounded inbound queue; this
/// loop only formats and writes, so a slow stdout costs dropped (and counted) events, never a stalled
/// switch.
package struct EventStream {
    package let session: Session
    package let printer: Printer
    package let names: [String]
    package let formatter: EventFormatter
    package let style: Style
    package let filters: [Header]
    package let logLevel: String?
    package let uuid: String?
    package let count: Int?
    package let reconnect: Bool
    package let reconnectMax: Int?
    /// In a fleet: the host whose events these are (the renderer writes it into every item).
    package var host: String?
    /// Ctrl-C or SIGTERM: the stream then ends cleanly with exit 0.
    package var interruption = Interruption.signals

    /// Parses `--filter Header=Value` (or `Header Value`).
    package static func filter(_ text: String) -> Header? {
        guard let split = text.firstIndex(where: { $0 == "=" || $0 == " " }) else { return nil }
        let name = String(text[..<split]).trimmingWhitespace
        let value = String(text[text.index(after: split)...]).trimmingWhitespace
        return name.isEmpty || value.isEmpty ? nil : Header(name, value)
    }

    package func run() -> ExitStatus {
        interruption.install()
        if let failure = subscribe() { return failure }
        var seen = 0
        var dropped = 0
        var malformed = 0
        defer {
            printer.flush()
            if dropped > 0 { printer.note(StreamRenderer.droppedInAll(dropped)) }
            // Each was named as it came; the total says how many at the end, where it is seen.
            if malformed > 0 { printer.note("\(malformed) malformed event\(malformed == 1 ? " was" : "s were") skipped in all") }
        }
        // Made once: it was made anew for every event.
        let output = self.output
        while true {
            if interruption.isRequested() { return .ok }
            let connection = session.connection
            var batch = connection.inbound.nextBatch(limit: 512, until: .now())
            if batch.isEmpty {
                printer.flush()  // about to wait: let what is formatted go out
                batch = connection.inbound.nextBatch(limit: 512, until: .after(milliseconds: 200))
            }
            for item in batch {
                if case .message(.malformed) = item { malformed += 1 }
                if let status = handle(item, output: output, seen: &seen, dropped: &dropped) { return status }
                if interruption.isRequested() { return .ok }
            }
        }
    }

    /// One item of the stream; a status when the stream is over.
    private func handle(_ item: Inbound, output: StreamPrinter, seen: inout Int, dropped: inout Int) -> ExitStatus? {
        switch item {
        case .message(let message):
            let received = formatter.timestamps ? WallClock.microseconds() : nil
            if output.show(message, received: received) {
                // A run of plain events counts its events (runs are not asked for with `--count`).
                seen += message.itemCount
                if let count, seen >= count { return .ok }
            }
        case .dropped(let lost):
            dropped += lost
            output.dropped(lost)
        case .closed(let reason):
            if case .closed(.goodbye) = reason {
                if !(reconnect && resubscribe()) { return .ok }
            } else {
                printer.error(reason.description)
                if !(reconnect && resubscribe()) { return .connectionLost }
            }
        }
        return nil
    }

    /// Where the stream is written: tagged with the host in a fleet.
    private var output: StreamPrinter {
        StreamPrinter(renderer: StreamRenderer(events: formatter, tag: host.map(StreamTag.host)), printer: printer)
    }

    private func resubscribe() -> Bool {
        session.reconnect(maxAttempts: reconnectMax, interrupted: interruption.isRequested)
    }

    /// Subscriptions go through the session, so a reconnect sends them again. Events travel as plain
    /// text on the wire whatever the output format: it is the cheapest to decode. Filters go first: the
    /// switch keeps them apart from subscriptions, and sent after `event` they would let through whatever
    /// a busy switch emits in between.
    private func subscribe() -> ExitStatus? {
        var commands: [Command] = filters.map { .filter(header: $0.name, value: $0.value) }
        if let uuid { commands.append(.myevents(uuid: uuid, format: .plain)) } else { commands.append(.event(.plain, names)) }
        if let logLevel { commands.append(.log(logLevel)) }
        for command in commands {
            do {
                let response = try session.send(command)
                if response.isError {
                    printer.error("\(command.redactedLine): \(response.text.escapedForDisplay)")
                    return .commandFailed
                }
            } catch {
                printer.error(error.description)
                if case .timedOut = error { return .timedOut }
                return error == .cancelled ? .commandFailed : .connectionLost
            }
        }
        return nil
    }
}
