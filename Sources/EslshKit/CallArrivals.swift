import ConsoleUI
import ESLProtocol

/// The outbound console's intake. An accept thread takes FreeSWITCH's connections and checks them
/// against `--allow`; a short-lived thread per connection sends `connect` (whose reply describes the
/// call) and `myevents`; what comes of it is queued here and the console's main thread is woken through
/// its pipe. Nothing here touches the terminal.
package final class CallArrivals: Sendable {
    package enum Arrival {
        /// A call ready for the shell: its connection (subscribed to its events) and its channel data.
        case call(Connection, Event)
        /// Something to tell the user (a refused peer, a connection that described no call).
        case notice(String)
        /// `--calls N` were accepted: the listener is closed.
        case limitReached(Int)
    }

    private let listener: Listener
    private let allow: AllowList
    private let limit: Int?
    private let replyTimeout: Duration?
    private let wake: WakePipe
    private let queue = Locked<[Arrival]>([])
    /// Introductions under way, and the `--calls` limit once reached: the limit is announced after the
    /// last of them, so the console never ends while a call it accepted is still being introduced.
    private let pending = Locked<(introducing: Int, limit: Int?)>((0, nil))

    package init(listener: Listener, allow: AllowList, limit: Int?, replyTimeout: Duration?, wake: WakePipe) {
        self.listener = listener
        self.allow = allow
        self.limit = limit
        self.replyTimeout = replyTimeout
        self.wake = wake
    }

    /// Starts the accept thread (detached: `stop()` ends it).
    package func start() -> Bool {
        startThread { [self] in acceptLoop() } != nil
    }

    /// Stops accepting; a blocked `accept` returns.
    package func stop() { listener.shutdown() }

    /// Everything queued since the last call, oldest first (main thread).
    package func take() -> [Arrival] {
        queue.withLock { items in
            defer { items = [] }
            return items
        }
    }

    private func post(_ arrival: Arrival) {
        queue.withLock { $0.append(arrival) }
        wake.wake()
    }

    private func acceptLoop() {
        var accepted = 0
        while limit.map({ accepted < $0 }) ?? true, let (socket, address) = listener.accept() {
            guard allow.allows(address) else {
                post(.notice("refused a connection from \(address): not in --allow"))
                continue
            }
            accepted += 1
            let connection = Connection.outbound(socket, onInbound: { [wake] in wake.wake() })
            pending.withLock { $0.introducing += 1 }
            if startThread({ [self] in
                introduce(connection)
                introduced()
            }) == nil {
                connection.close()
                post(.notice("cannot start a thread for the call from \(address)"))
                introduced()
            }
        }
        if let limit, accepted >= limit {
            listener.shutdown()
            let now = pending.withLock { state in
                state.limit = limit
                return state.introducing == 0
            }
            if now { post(.limitReached(limit)) }
        }
    }

    private func introduced() {
        let limit = pending.withLock { state -> Int? in
            state.introducing -= 1
            return state.introducing == 0 ? state.limit : nil
        }
        if let limit { post(.limitReached(limit)) }
    }

    /// `connect` and `myevents`, off the main thread: a peer that answers slowly holds up nobody.
    private func introduce(_ connection: Connection) {
        let peer = connection.socket.peer
        do {
            let reply = try connection.send(.connect, timeout: replyTimeout ?? .seconds(10))
            guard case .reply(let connected) = reply, let channel = connected.channelData else {
                connection.close()
                return post(.notice("\(peer) did not describe a call (reply: \(reply.text.escapedForDisplay))"))
            }
            let subscribed = try connection.send(.myevents(uuid: nil), timeout: replyTimeout ?? .seconds(10))
            if subscribed.isError {
                post(.notice("myevents for \(peer): \(subscribed.text.escapedForDisplay); the call's events will not be shown"))
            }
            post(.call(connection, channel))
        } catch {
            connection.close()
            post(.notice("\(peer): \(error.description)"))
        }
    }
}
