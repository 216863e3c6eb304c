import ESLProtocol

/// How to reach and authenticate to a switch.
public struct ConnectOptions: Sendable {
    public var host: String
    public var port: Int
    public var password: String
    /// With a user (`user@domain`), `userauth` is sent instead of `auth`.
    public var user: String?
    /// Bounds the TCP connect, the wait for `auth/request` and the wait for the auth reply, each.
    public var connectTimeoutMilliseconds: Int
    /// Events and log lines held for a slow consumer before the oldest are dropped (and counted).
    public var queueCapacity: Int
    /// The same queue's bound in bytes (`InboundQueue.byteBudget`): both bounds hold.
    public var queueBytes = InboundQueue.defaultBytes
    public var limits: FrameDecoder.Limits
    /// API outputs longer than this arrive as an `APIStream` rather than in one piece.
    public var streamPolicy = FrameDecoder.StreamPolicy()
    /// Protocol trace (`--debug`): called with each command line sent (secrets masked) and a summary of
    /// each frame received. Runs on the sending or the reader thread.
    public var trace: (@Sendable (String) -> Void)?
    /// Recording (`--record`): called on the reader thread with every frame, or piece of a streamed
    /// body, received after authentication, before it is routed. Keep it short: it must not slow the reader.
    public var onFrame: (@Sendable (FramePart) -> Void)?
    /// When plain events' header lines are found: `.onFirstLook` for a consumer that passes events on as
    /// received and never reads a header (the reader thread then does not index them).
    public var headerIndexing = HeaderIndexing.atOnce
    /// Plain events reach the consumer undecoded, as runs of their texts (`Message.plainEvents`), for a
    /// consumer that prints them as received (`--events --format plain`): the reader then only finds
    /// each frame. A BACKGROUND_JOB for a job started here is still routed to its job.
    public var plainEventRuns = false
    /// Who reads the socket after authentication.
    public var reading = Reading.thread

    /// `.thread`: a reader thread, which any number of threads may wait on, and which reads events
    /// while nobody waits. `.waiter`: no thread; whoever waits for an answer reads until it comes, and
    /// nothing is read while nobody waits. For one thread that sends and waits in turn, such as a
    /// one-shot run: it saves the thread, its stack and malloc arena, and two wake-ups per answer.
    public enum Reading: Sendable { case thread, waiter }

    public init(
        host: String = "127.0.0.1", port: Int = 8021, password: String = "ClueCon", user: String? = nil,
        connectTimeoutMilliseconds: Int = 5000, queueCapacity: Int = 10_000, limits: FrameDecoder.Limits = .init()
    ) {
        self.host = host
        self.port = port
        self.password = password
        self.user = user
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.queueCapacity = queueCapacity
        self.limits = limits
    }
}
