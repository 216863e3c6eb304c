#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

/// A connection that can come back: it remembers the subscriptions, filters and log level that were
/// set, and after `-R` reconnects it sends them again. Commands pending when the connection was lost
/// fail; they are never re-sent behind the user's back.
package final class Session: @unchecked Sendable {
    package let settings: Settings
    package let printer: Printer
    private let current: Locked<Connection>
    /// The live connection (another after a reconnect); safe to read from any thread.
    package var connection: Connection { current.withLock { $0 } }
    /// State-setting commands that succeeded, in order, to replay after a reconnect.
    private var state: [Command] = []
    private let onInbound: (@Sendable () -> Void)?
    private let pacing: Pacing
    private let open: ConnectionOpener

    package init(settings: Settings, printer: Printer, connection: Connection, onInbound: (@Sendable () -> Void)? = nil,
                 pacing: Pacing = .system, open: @escaping ConnectionOpener = Connection.open) {
        self.settings = settings
        self.printer = printer
        self.current = Locked(connection)
        self.onInbound = onInbound
        self.pacing = pacing
        self.open = open
    }

    /// Connects, retrying `retries` more times one second apart (`-r`); a rejection (ACL, password)
    /// is final, since asking again gets the same answer.
    package static func connect(_ settings: Settings, retries: Int, printer: Printer, onInbound: (@Sendable () -> Void)? = nil,
                                pacing: Pacing = .system, open: ConnectionOpener = Connection.open) throws(ConnectError) -> Connection {
        var attempt = 0
        while true {
            do throws(ConnectError) {
                return try open(settings.connect, onInbound)
            } catch {
                guard attempt < retries, !error.isRejection else { throw error }
                attempt += 1
                printer.note("\(error.description); retrying (\(attempt)/\(retries))")
                pacing.sleep(.seconds(1))
            }
        }
    }

    package func send(_ command: Command) throws(ConnectionError) -> Response {
        let response = try connection.send(command, timeout: settings.replyTimeout)
        if !response.isError, Self.isStateCommand(command) { state.append(command) }
        return response
    }

    package static func isStateCommand(_ command: Command) -> Bool {
        switch command {
        case .event, .nixevent, .noevents, .filter, .filterDelete, .log, .nolog, .myevents, .divertEvents: return true
        default: return false
        }
    }

    /// Reconnects with backoff (1 s doubling to 30 s; at most `maxAttempts` tries when given), sends the
    /// remembered state again and says so. False when it gave up.
    package func reconnect(maxAttempts: Int?, interrupted: () -> Bool = { false }) -> Bool {
        let lost = pacing.now()
        var delay = Duration.seconds(1)
        var attempt = 0
        while maxAttempts.map({ attempt < $0 }) ?? true {
            attempt += 1
            // In steps of 0.2 s, so that Ctrl-C ends a long pause at once.
            var remaining = delay
            while remaining > .zero, !interrupted() {
                let step = min(remaining, .milliseconds(200))
                pacing.sleep(step)
                remaining -= step
            }
            if interrupted() { return false }
            do throws(ConnectError) {
                let fresh = try open(settings.connect, onInbound)
                current.withLock { $0 = fresh }
                for command in state { _ = try? fresh.send(command, timeout: settings.replyTimeout) }
                let seconds = Double(pacing.now() - lost) / 1e9
                printer.note("reconnected after \(String(Int(seconds * 10) / 10)).\(Int(seconds * 10) % 10) s — events in between were missed")
                return true
            } catch {
                printer.note("reconnect attempt \(attempt) failed: \(error.description)")
                if error.isRejection { return false }
            }
            delay = min(delay * 2, .seconds(30))
        }
        return false
    }
}
