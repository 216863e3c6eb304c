import ConsoleUI
import ESLClient
import ESLProtocol

/// A script's background jobs and `/execute`s, followed through a `Watcher` (opened at the first need):
/// an `/execute` is followed to its CHANNEL_EXECUTE_COMPLETE (or the end of the call, or `-t`) before
/// the next line runs, as `--listen` scripts do; job results are printed at the end in the order the
/// jobs were started. One reader of the watcher keeps job results that arrive while an execute is followed.
package final class ScriptCallControl {
    package let session: Session
    package let printer: Printer
    package let style: Style
    /// Which outside text is escaped (`--escape`, resolved for standard output).
    package let terminal: TerminalText
    private var watcher: Watcher?
    private var watcherFailed = false
    private var tracker = CallTracker()
    private var jobOrder: [CallTracker.Job] = []
    private var jobResults: [String: String] = [:]

    package init(session: Session, printer: Printer, style: Style, terminal: TerminalText) {
        self.session = session
        self.printer = printer
        self.style = style
        self.terminal = terminal
    }

    package func close() { watcher?.close() }

    private func ensureWatcher(_ purpose: String) -> Watcher? {
        // After a reconnect (-R) the old watcher may be gone too: open another.
        if let old = watcher, old.connection.endReason != nil {
            watcher = nil
            for job in tracker.jobs { tracker.forget(job.uuid) }  // their results went with it
        }
        if watcher == nil, !watcherFailed {
            switch Watcher.open(session.settings.connect) {
            case .success(let opened): watcher = opened
            case .failure(let error):
                watcherFailed = true
                printer.note("\(purpose) cannot be followed: \(error.description)")
            }
        }
        return watcher
    }

    /// Sends the execute with `send` and waits for its outcome; nil when it cannot be followed (the
    /// caller then just sends it).
    package func follow(_ execute: CallTracker.Execute, send: () -> (ExitStatus, Bool)) -> (ExitStatus, Bool)? {
        guard let watcher = ensureWatcher("application outcomes") else { return nil }
        do throws(WatcherError) { try watcher.follow(application: execute.uuid) } catch {
            printer.note("the outcome of \(execute.name) cannot be followed: \(error.description)")
            return nil
        }
        defer { watcher.unfollow(application: execute.uuid) }
        tracker.started(execute, at: Deadline.now().nanoseconds)
        let sent = send()
        guard sent.0 == .ok else {
            tracker.forget(execute.uuid)
            return sent
        }
        var outcome: CallTracker.Outcome?
        switch pump(watcher, until: session.settings.replyTimeout.map(Deadline.after), { candidate in
            guard candidate.isFinal, candidate.application?.uuid == execute.uuid else { return false }
            outcome = candidate
            return true
        }) {
        case .done:
            if let outcome { printer.out(CallTracker.render(outcome, style: style, terminal: terminal)) }
            return (.ok, false)
        case .timedOut:
            tracker.forget(execute.uuid)
            printer.error("\(execute.name) on \(execute.call) still running after the reply timeout; not waiting for it")
            return (.timedOut, false)
        case .closed(let reason):
            printer.error("the outcome of \(execute.name) is unknown: \(reason)")
            return (.connectionLost, false)
        }
    }

    /// `bgapi` with a Job-UUID chosen here; nil when there is no watcher (the caller's own way then).
    package func startJob(_ command: String, failure: (ConnectionError) -> (ExitStatus, Bool)) -> (ExitStatus, Bool)? {
        guard ensureWatcher("background job results") != nil else { return nil }
        let uuid = UUIDText.random()
        tracker.started(job: uuid, command: command, at: Deadline.now().nanoseconds)
        do throws(ConnectionError) {
            let response = try session.send(.bgapi(command, jobUUID: uuid))
            StreamPrinter(renderer: StreamRenderer(style: style, terminal: terminal), printer: printer).answer(response)
            if response.isError {
                tracker.forget(uuid)
                return (.commandFailed, false)
            }
            jobOrder.append(tracker.jobs.last!)
            return (.ok, false)
        } catch {
            tracker.forget(uuid)
            return failure(error)
        }
    }

    /// Waits for the jobs' results (at most `-t`) and prints them in the order the jobs were started.
    package func waitForJobs() -> ExitStatus {
        guard let watcher, !jobOrder.isEmpty else { return .ok }
        var status = ExitStatus.ok
        if !tracker.jobs.isEmpty {
            switch pump(watcher, until: session.settings.replyTimeout.map(Deadline.after), { [self] _ in tracker.jobs.isEmpty }) {
            case .done: break
            case .timedOut: status = .timedOut
            case .closed: status = .connectionLost
            }
        }
        for job in jobOrder {
            guard let body = jobResults[job.uuid] else {
                printer.error("job \(job.uuid) (\(job.command)): " + (status == .timedOut ? "no result within the reply timeout" : "no result: the connection ended"))
                if status != .timedOut { status = max(status, .connectionLost) }
                continue
            }
            printer.out(StreamRenderer(style: style, terminal: terminal).render(.jobResult(body)))
            if body.hasPrefix("-ERR") { status = max(status, .commandFailed) }
        }
        jobOrder = []
        return status
    }

    private enum PumpEnd { case done, timedOut, closed(String) }

    /// Reads the watcher until `done` accepts an outcome; job results are kept for the end.
    private func pump(_ watcher: Watcher, until deadline: Deadline?, _ done: (CallTracker.Outcome) -> Bool) -> PumpEnd {
        while true {
            guard let item = watcher.connection.inbound.next(until: deadline) else {
                // An ended queue answers nil once its `.closed` was taken.
                return watcher.connection.endReason.map { .closed($0.description) } ?? .timedOut
            }
            switch item {
            case .message(.event(let event, _)):
                // A destroyed call may end several applications: ask until nothing is left.
                while let outcome = tracker.outcome(of: event, at: Deadline.now().nanoseconds) {
                    if case .jobDone(let job, let body, _) = outcome { jobResults[job.uuid] = body }
                    if done(outcome) { return .done }
                    if event.name != "CHANNEL_DESTROY" { break }
                }
            case .closed(let reason):
                return .closed(reason.description)
            default:
                continue
            }
        }
    }
}
