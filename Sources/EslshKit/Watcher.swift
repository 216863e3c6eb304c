import ESLClient
import ESLProtocol

/// A second connection, private to eslsh, that receives the events which tell how call control
/// commands turned out: BACKGROUND_JOB for `/bg` and `bgapi`, CHANNEL_EXECUTE/CHANNEL_EXECUTE_COMPLETE
/// for `/execute`, CHANNEL_CREATE/CHANNEL_DESTROY for the channel list. Being separate, it never
/// changes what the user subscribed to or filtered on the main connection, and a `/myevents` there
/// (which locks that connection onto one call) does not starve it. Its server-side filters keep the
/// traffic small: every job result and channel creation/destruction, but only the executions of
/// applications started here (one `Application-UUID` filter each, removed when they finish).
package final class Watcher: Sendable {
    package let connection: Connection
    package static let timeout = Duration.seconds(5)
    package static let events = ["BACKGROUND_JOB", "CHANNEL_CREATE", "CHANNEL_DESTROY", "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE"]

    private init(_ connection: Connection) { self.connection = connection }

    /// Connects, subscribes and sets the base filters; the error says why it could not.
    package static func open(_ options: ConnectOptions, onInbound: (@Sendable () -> Void)? = nil) -> Result<Watcher, WatcherError> {
        var options = options
        options.trace = nil  // the user's `--debug` trace is about the user's connection
        options.reading = .thread  // its events are waited for through the queue, which only a reader thread fills
        let connection: Connection
        do throws(ConnectError) { connection = try Connection.open(options, onInbound: onInbound) } catch { return .failure(.connect(error)) }
        let setup: [Command] = [.event(.plain, events)] + ["BACKGROUND_JOB", "CHANNEL_CREATE", "CHANNEL_DESTROY"].map { .filter(header: "Event-Name", value: $0) }
        for command in setup {
            do throws(ConnectionError) {
                let response = try connection.send(command, timeout: timeout)
                if response.isError {
                    connection.close()
                    return .failure(.refused(command.redactedLine, response.text))
                }
            } catch {
                connection.close()
                return .failure(.connection(error))
            }
        }
        return .success(Watcher(connection))
    }

    /// Lets this application's CHANNEL_EXECUTE/CHANNEL_EXECUTE_COMPLETE through (before it is started).
    package func follow(application uuid: String) throws(WatcherError) {
        let response: Response
        do throws(ConnectionError) {
            response = try connection.send(.filter(header: "Application-UUID", value: uuid), timeout: Self.timeout)
        } catch {
            throw .connection(error)
        }
        if response.isError { throw .refused("filter Application-UUID", response.text) }
    }

    /// Removes the application's filter, in the background: nobody waits for the answer.
    package func unfollow(application uuid: String) {
        let connection = self.connection
        _ = startThread { _ = try? connection.send(.filterDelete(.value(header: "Application-UUID", value: uuid)), timeout: Self.timeout) }
    }

    package func close() { connection.close() }
}

package enum WatcherError: Error, CustomStringConvertible {
    case connect(ConnectError)
    case connection(ConnectionError)
    case refused(String, String)

    package var description: String {
        switch self {
        case .connect(let error): return error.description
        case .connection(let error): return error.description
        case .refused(let command, let reply): return "\(command): \(reply.trimmingWhitespace)"
        }
    }
}
