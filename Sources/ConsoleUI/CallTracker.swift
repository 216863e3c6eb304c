import ESLProtocol

/// The background jobs and dialplan applications started from here, and what their events say about
/// them: a BACKGROUND_JOB is matched by its `Job-UUID`, CHANNEL_EXECUTE/CHANNEL_EXECUTE_COMPLETE by the
/// `Application-UUID` that echoes the `Event-UUID` sent with the execute. Events of anything else
/// (other clients' jobs, other applications) are not ours and give nothing. Pure: times are passed in
/// (monotonic nanoseconds), so tests need no clock.
public struct CallTracker: Sendable {
    public struct Job: Sendable, Equatable {
        public let uuid: String
        public let command: String
        public let started: UInt64

        public init(uuid: String, command: String, started: UInt64) {
            self.uuid = uuid
            self.command = command
            self.started = started
        }
    }

    public struct Application: Sendable, Equatable {
        public let uuid: String
        public let call: String
        public let name: String
        public let argument: String
        public let started: UInt64
        /// CHANNEL_EXECUTE seen (it may wait behind the call's earlier applications).
        public var running = false

        /// `[playback tone_stream://… on 1a2b3c4d]`
        public var label: String {
            let argument = self.argument.count > 40 ? String(self.argument.prefix(39)) + "…" : self.argument
            return "[\(name)\(argument.isEmpty ? "" : " " + argument) on \(call.prefix(8))]"
        }
    }

    public enum Outcome: Sendable, Equatable {
        case jobDone(Job, body: String, elapsed: UInt64)
        case applicationStarted(Application)
        case applicationDone(Application, response: String?, elapsed: UInt64)
        /// The call was destroyed before the application's CHANNEL_EXECUTE_COMPLETE.
        case callEnded(Application, elapsed: UInt64)

        /// Whether nothing more will come for it.
        public var isFinal: Bool {
            if case .applicationStarted = self { return false }
            return true
        }

        /// The application an outcome is about, if any.
        public var application: Application? {
            switch self {
            case .jobDone: return nil
            case .applicationStarted(let app), .applicationDone(let app, _, _), .callEnded(let app, _): return app
            }
        }

        /// A job whose output starts with -ERR.
        public var failed: Bool {
            if case .jobDone(_, let body, _) = self { return body.hasPrefix("-ERR") }
            return false
        }
    }

    public private(set) var jobs: [Job] = []
    public private(set) var applications: [Application] = []

    public init() {}

    public mutating func started(job uuid: String, command: String, at now: UInt64) {
        jobs.append(Job(uuid: uuid, command: command, started: now))
    }

    public mutating func started(application uuid: String, call: String, name: String, argument: String, at now: UInt64) {
        applications.append(Application(uuid: uuid, call: call, name: name, argument: argument, started: now))
    }

    /// The command was refused or abandoned: no event will come for it.
    public mutating func forget(_ uuid: String) {
        jobs.removeAll { $0.uuid == uuid }
        applications.removeAll { $0.uuid == uuid }
    }

    /// What an execute to follow looks like: a `sendmsg` with `call-command: execute` and an `Event-UUID`
    /// (which `/execute` always adds) for a call named by its uuid or a `Session-ID` header.
    public struct Execute: Sendable, Equatable {
        public let uuid: String
        public let call: String
        public let name: String
        public let argument: String

        public init(uuid: String, call: String, name: String, argument: String) {
            self.uuid = uuid
            self.call = call
            self.name = name
            self.argument = argument
        }
    }

    public static func execute(in command: Command) -> Execute? {
        guard case .sendmsg(let target, let message) = command else { return nil }
        let headers = Headers(message.headers)
        guard headers["call-command"]?.lowercasedASCII == "execute", let uuid = headers["Event-UUID"],
              let call = target ?? headers["Session-ID"] else { return nil }
        let argument = headers["execute-app-arg"] ?? message.body ?? ""
        return Execute(uuid: uuid, call: call, name: headers["execute-app-name"] ?? "?",
                       argument: argument.split(whereSeparator: \.isNewline).joined(separator: " "))
    }

    public mutating func started(_ execute: Execute, at now: UInt64) {
        started(application: execute.uuid, call: execute.call, name: execute.name, argument: execute.argument, at: now)
    }

    /// What the event means for something started here; nil when it is not ours.
    public mutating func outcome(of event: Event, at now: UInt64) -> Outcome? {
        switch event.name {
        case "BACKGROUND_JOB":
            guard let uuid = event.jobUUID, let index = jobs.firstIndex(where: { $0.uuid == uuid }) else { return nil }
            let job = jobs.remove(at: index)
            return .jobDone(job, body: event.body ?? "", elapsed: now &- job.started)
        case "CHANNEL_EXECUTE":
            guard let index = applicationIndex(event) else { return nil }
            applications[index].running = true
            return .applicationStarted(applications[index])
        case "CHANNEL_EXECUTE_COMPLETE":
            guard let index = applicationIndex(event) else { return nil }
            let app = applications.remove(at: index)
            let response = event["Application-Response"].flatMap { $0 == "_none_" || $0.isEmpty ? nil : $0 }
            return .applicationDone(app, response: response, elapsed: now &- app.started)
        case "CHANNEL_DESTROY":
            guard let call = event.uniqueID, let index = applications.firstIndex(where: { $0.call.equalsIgnoringASCIICase(call) }) else { return nil }
            // One at a time: the caller asks again until nothing is left for this call.
            let app = applications.remove(at: index)
            return .callEnded(app, elapsed: now &- app.started)
        default:
            return nil
        }
    }

    private func applicationIndex(_ event: Event) -> Int? {
        guard let uuid = event["Application-UUID"] else { return nil }
        return applications.firstIndex { $0.uuid == uuid }
    }

    /// The text shown for an outcome.
    /// `terminal`: the job's output is raw output, the application's response text for people.
    public static func render(_ outcome: Outcome, style: Style, terminal: TerminalText = .safe) -> String {
        switch outcome {
        case .jobDone(let job, let body, let elapsed):
            let body = terminal.rawLines(body)
            let label = "[job \(job.uuid.prefix(8)) \(job.command)] done in \(duration(elapsed))"
            let text = body.isEmpty ? "(no output)\n" : (body.hasSuffix("\n") ? body : body + "\n")
            return style.paint(label + ":", .dim) + "\n" + (body.hasPrefix("-ERR") ? style.paint(text, .red) : text)
        case .applicationStarted(let app):
            return style.paint("\(app.label) started", .dim) + "\n"
        case .applicationDone(let app, let response, let elapsed):
            return "\(app.label) done in \(duration(elapsed))" + (response.map { ": Application-Response \(terminal.field($0))" } ?? "") + "\n"
        case .callEnded(let app, let elapsed):
            return style.paint("\(app.label) the call ended after \(duration(elapsed)), before the application completed", .red) + "\n"
        }
    }

    /// `/jobs`: what is still pending, oldest first, with its age.
    public func listing(at now: UInt64) -> String {
        if jobs.isEmpty && applications.isEmpty { return "No background jobs or applications pending.\n" }
        var out = ""
        for job in jobs { out += "job \(job.uuid)  \(duration(now &- job.started)) ago  \(job.command)\n" }
        for app in applications {
            out += "app \(app.uuid)  \(Self.duration(now &- app.started)) ago  \(app.label.dropFirst().dropLast())"
            out += app.running ? " (running)\n" : " (queued)\n"
        }
        return out
    }

    private func duration(_ nanoseconds: UInt64) -> String { Self.duration(nanoseconds) }

    /// `12 ms`, `3.4 s`, `2 min 5 s`.
    public static func duration(_ nanoseconds: UInt64) -> String {
        let milliseconds = nanoseconds / 1_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds < 60_000 { return "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s" }
        return "\(milliseconds / 60_000) min \(milliseconds % 60_000 / 1000) s"
    }
}
