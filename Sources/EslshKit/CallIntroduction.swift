import ESLClient
import ESLProtocol

/// The first steps with every call FreeSWITCH's `socket` application hands over, for `--listen`
/// scripts and the outbound console alike: take connections until `--calls N` were taken (peers
/// outside `--allow` are refused and do not count), then on each one `connect`, whose reply
/// describes the call, and `myevents`, which subscribes to the call's events.
package enum CallIntroduction {
    /// What `connect` and `myevents` came to.
    package enum Outcome {
        /// The call's channel data, and how `myevents` went (a `-ERR` leaves the call usable, without events).
        case call(Event, subscription: Result<Response, ConnectionError>)
        /// The peer answered `connect` with something that describes no call.
        case noCall(Response)
        /// `connect` got no answer.
        case failed(ConnectionError)
    }

    /// Both steps wait this long for their answer when no reply timeout (`-t`) was given: a peer that
    /// never answers must not hold a call's thread forever.
    package static let defaultTimeout = Duration.seconds(10)

    /// Accepts until `limit` calls were taken or the listener is closed; `refused` hears of each peer
    /// outside `allow`, `accepted` gets the others (it must not block: start a thread). The number taken.
    @discardableResult
    package static func accept(from listener: Listener, allow: AllowList, limit: Int?,
                               refused: (String) -> Void, accepted: (Socket, String) -> Void) -> Int {
        var taken = 0
        while limit.map({ taken < $0 }) ?? true, let (socket, address) = listener.accept() {
            guard allow.allows(address) else {
                refused(address)
                continue
            }
            taken += 1
            accepted(socket, address)
        }
        return taken
    }

    /// `connect`, then `myevents` (on the call's own thread: a slow peer holds up nobody else).
    package static func introduce(_ connection: Connection, replyTimeout: Duration?) -> Outcome {
        let timeout = replyTimeout ?? defaultTimeout
        let reply: Response
        do throws(ConnectionError) {
            reply = try connection.send(.connect, timeout: timeout)
        } catch {
            return .failed(error)
        }
        guard case .reply(let connected) = reply, let channel = connected.channelData else { return .noCall(reply) }
        let subscription: Result<Response, ConnectionError>
        do throws(ConnectionError) {
            subscription = .success(try connection.send(.myevents(uuid: nil), timeout: timeout))
        } catch {
            subscription = .failure(error)
        }
        return .call(channel, subscription: subscription)
    }
}
