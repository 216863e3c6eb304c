import ConsoleUI
import ESLClient
import ESLProtocol

/// The outbound console's intake. An accept thread takes FreeSWITCH's connections, a short-lived
/// thread per connection introduces the call (`CallIntroduction`); what comes of it is queued here and the console's main thread is woken through
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
        let accepted = CallIntroduction.accept(from: listener, allow: allow, limit: limit, refused: { address in
            post(.notice("refused a connection from \(address): not in --allow"))
        }, accepted: { socket, address in
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
        })
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
        switch CallIntroduction.introduce(connection, replyTimeout: replyTimeout) {
        case .call(let channel, .success(let subscribed)):
            if subscribed.isError {
                post(.notice("myevents for \(peer): \(subscribed.text.escapedForDisplay); the call's events will not be shown"))
            }
            post(.call(connection, channel))
        case .call(_, .failure(let error)), .failed(let error):
            connection.close()
            post(.notice("\(peer): \(error.description)"))
        case .noCall(let reply):
            connection.close()
            post(.notice("\(peer) did not describe a call (reply: \(reply.text.escapedForDisplay))"))
        }
    }
}
