import ConsoleUI
import ESLClient
import ESLProtocol

/// The console's call control: multi-line `/sendevent` and `/sendmsg`, background jobs (`/bg`, `bgapi`,
/// `/jobs`) and `/execute`s followed to their outcome through the `Watcher`, and the cached lists of
/// live channels and dialplan applications that Tab completes from. Main thread only.
package final class ConsoleCallControl {
    package var tracker = CallTracker()
    /// Opens the watcher (nil: no way to, e.g. in tests of the session alone).
    package var openWatcher: (() -> Result<Watcher, WatcherError>)?
    private(set) var watcher: Watcher?
    /// Channel uuids from `show channels as json`, with when they were fetched; stale after a
    /// CHANNEL_CREATE/DESTROY or `channelsMaxAge`.
    private var channels: (uuids: [String], fetched: UInt64)?
    private var applications: (names: [String], fetched: UInt64)?
    package static let channelsMaxAge: UInt64 = 5_000_000_000
    package static let applicationsMaxAge: UInt64 = 60_000_000_000

    /// The watcher, opened on first use; the error explains why there is none.
    package func ensureWatcher() -> Result<Watcher, WatcherError>? {
        if let watcher, watcher.connection.endReason == nil { return .success(watcher) }
        // A watcher that went away (the switch restarted) is replaced; what it was following is lost.
        if watcher != nil { _ = watcherClosed() }
        guard let result = openWatcher?() else { return nil }
        if case .success(let opened) = result { watcher = opened }
        return result
    }

    /// The watcher's connection ended: nothing more will come for what is pending.
    package func watcherClosed() -> Int {
        watcher = nil
        let pending = tracker.jobs.count + tracker.applications.count
        tracker = CallTracker()
        return pending
    }

    package func close() { watcher?.close() }

    package func channelsChanged() { channels = nil }

    /// Live channel uuids for Tab (asks the switch when the list is stale).
    package func channelUUIDs(_ connection: Connection) -> [String] {
        let now = Deadline.now().nanoseconds
        if let channels, now &- channels.fetched < Self.channelsMaxAge { return channels.uuids }
        let uuids = Self.column("uuid", "show channels as json", connection)
        channels = uuids.map { ($0, now) }
        return uuids ?? []
    }

    /// Dialplan application names for Tab.
    package func applicationNames(_ connection: Connection) -> [String] {
        let now = Deadline.now().nanoseconds
        if let applications, now &- applications.fetched < Self.applicationsMaxAge { return applications.names }
        let names = Self.column("name", "show application as json", connection)
        applications = names.map { ($0, now) }
        return names ?? []
    }

    /// One column of a `show … as json`; nil when the switch did not answer (not cached then).
    private static func column(_ name: String, _ command: String, _ connection: Connection) -> [String]? {
        guard let response = try? connection.send(.api(command), timeout: .seconds(3)), !response.isError else { return nil }
        return ShowTable.column(name, in: response.text)
    }
}

extension ConsoleSession {
    // MARK: - Multi-line entries

    /// `/sendevent` and `/sendmsg`: header lines at their own prompt up to an empty line, then the body
    /// (lines up to a single `.`; an empty first line: none). Ctrl-C or Ctrl-D abandons the entry.
    package func enter(_ entry: MultiLineEntry) -> ExitStatus? {
        var entry = entry
        let mainPrompt = editor.prompt
        defer { editor.setPrompt(mainPrompt) }
        editor.show(style.paint("Headers as Name: value, one a line; an empty line ends them. Ctrl-C abandons.", .dim) + "\n")
        editor.setPrompt(entry.prompt)
        headers: while true {
            switch editor.readLine() {
            case .line(let line) where line.isEmpty:
                break headers
            case .line(let line):
                do throws(EntryError) { try entry.add(headerLine: line, lengthAllowed: false) } catch {
                    editor.show(style.paint("\(error.description); not added", .red) + "\n")
                }
            case .interrupted, .endOfInput: return abandoned()
            case .stopped: return finished ?? .ok
            }
        }
        editor.show(style.paint("Body lines, then a line with a single '.'; an empty line now sends without a body.", .dim) + "\n")
        editor.setPrompt("body> ")
        var body: [String] = []
        reading: while true {
            switch editor.readLine() {
            case .line(let line) where line.isEmpty && body.isEmpty: break reading
            case .line("."): break reading
            case .line(let line): body.append(line)
            case .interrupted, .endOfInput: return abandoned()
            case .stopped: return finished ?? .ok
            }
        }
        editor.setPrompt(mainPrompt)
        return run(.send(entry.command(body: MultiLineEntry.body(lines: body))))
    }

    private func abandoned() -> ExitStatus? {
        editor.show(style.paint("Abandoned; nothing was sent.", .dim) + "\n")
        return finished
    }

    // MARK: - Jobs and applications

    /// `/bg` and `bgapi`: the reply (with the Job-UUID) at once, the result when its BACKGROUND_JOB comes.
    package func startJob(_ text: String) {
        guard watcherOrNote("the job's result") != nil else { return send(.bgapi(text)) }
        let uuid = UUIDText.random()
        control.tracker.started(job: uuid, command: text, at: Deadline.now().nanoseconds)
        if !succeeded(sendWaiting(.bgapi(text, jobUUID: uuid))) { control.tracker.forget(uuid) }
        editor.show(drainWatcher())
    }

    /// `/execute`: followed through its Application-UUID; started/done lines come as the events do.
    package func startExecute(_ execute: CallTracker.Execute, _ command: Command) {
        guard let watcher = watcherOrNote("the application's outcome") else { return send(command) }
        do throws(WatcherError) { try watcher.follow(application: execute.uuid) } catch {
            editor.show(style.paint("The application's outcome will not be shown: \(error.description)", .dim) + "\n")
            return send(command)
        }
        control.tracker.started(execute, at: Deadline.now().nanoseconds)
        if !succeeded(sendWaiting(command)) {
            control.tracker.forget(execute.uuid)
            watcher.unfollow(application: execute.uuid)
        }
        editor.show(drainWatcher())
    }

    private func succeeded(_ outcome: Result<Response, ConnectionError>?) -> Bool {
        if case .success(let response)? = outcome { return !response.isError }
        return false
    }

    private func watcherOrNote(_ what: String) -> Watcher? {
        switch control.ensureWatcher() {
        case .success(let watcher)?: return watcher
        case .failure(let error)?:
            editor.show(style.paint("eslsh: \(what) will not be shown: \(error.description)", .dim) + "\n")
            return nil
        case nil: return nil
        }
    }

    /// Everything the watcher received, as outcomes of what was started here.
    package func drainWatcher() -> String {
        guard let watcher = control.watcher else { return "" }
        var text = ""
        while let item = watcher.connection.inbound.poll() {
            switch item {
            case .message(.event(let event, _)):
                if event.name == "CHANNEL_CREATE" || event.name == "CHANNEL_DESTROY" { control.channelsChanged() }
                // A destroyed call may end several applications: ask until nothing is left.
                while let outcome = control.tracker.outcome(of: event, at: Deadline.now().nanoseconds) {
                    text += CallTracker.render(outcome, style: style)
                    if outcome.isFinal, let app = outcome.application { watcher.unfollow(application: app.uuid) }
                    if event.name != "CHANNEL_DESTROY" { break }
                }
            case .message(let message):
                if let outcome = control.tracker.outcome(ofMalformed: message) { text += CallTracker.render(outcome, style: style) }
            case .closed(let reason):
                let pending = control.watcherClosed()
                if finished == nil, pending > 0 {
                    text += style.paint("eslsh: the results of \(pending) pending jobs or applications will not be shown: \(reason.description)", .red) + "\n"
                }
                return text
            default:
                continue
            }
        }
        return text
    }
}
