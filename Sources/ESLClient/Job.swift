import ESLProtocol

/// A background job started with `bgapi`; its BACKGROUND_JOB event is its result.
public final class Job: Sendable {
    public let uuid: String
    public let command: String
    public let started: Deadline
    let promise: Promise<Event>
    /// The server's answer to the `bgapi` itself (`+OK Job-UUID: …`, or `-ERR …` when it was refused).
    public nonisolated(unsafe) var reply: Response?

    init(uuid: String, command: String, reading: WaiterReading? = nil) {
        self.promise = Promise(reading: reading)
        self.uuid = uuid
        self.command = command
        self.started = .now()
    }

    /// The BACKGROUND_JOB event (its body is the command's output). BACKGROUND_JOB events only arrive
    /// while the connection is subscribed to them.
    public func wait(timeout: Duration? = nil) throws(ConnectionError) -> Event {
        switch promise.wait(until: timeout.map(Deadline.after)) {
        case .success(let event)?: return event
        case .failure(let error)?: throw error
        case nil: throw .timedOut(command: "bgapi \(command)", milliseconds: timeout.map(milliseconds) ?? 0)
        }
    }

    public var isDone: Bool { promise.isResolved }
}
