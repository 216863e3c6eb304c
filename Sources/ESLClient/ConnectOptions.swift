import ESLProtocol

/// How to reach and authenticate to a switch.
public struct ConnectOptions: Sendable {
    public var host: String
    public var port: Int
    public var password: String
    /// With a user (`user@domain`), `userauth` is sent instead of `auth`.
    public var user: String?
    /// Bounds the TCP connect, the wait for `auth/request` and the wait for the auth reply together:
    /// one deadline for the whole, which no frame restarts.
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
