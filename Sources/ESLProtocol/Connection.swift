#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The answer to one command: a `command/reply` or, for `api`, usually an `api/response`.
public enum Response: Sendable, Equatable {
    case reply(Reply)
    case api(APIResponse)
    /// An API output too large to hold: read it piece by piece.
    case apiStream(APIStream)

    /// `-ERR …` in either form (a streamed output is judged by whoever reads it).
    public var isError: Bool {
        switch self {
        case .reply(let reply): return reply.isError
        case .api(let response): return response.isError
        case .apiStream: return false
        }
    }

    /// The reply text or the API output (a streamed output is read whole: for tests and small uses).
    public var text: String {
        switch self {
        case .reply(let reply): return reply.text
        case .api(let response): return response.text
        case .apiStream(let stream):
            var bytes: [UInt8] = []
            while let chunk = try? stream.next() { bytes += chunk }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

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

/// A background job started with `bgapi`; its BACKGROUND_JOB event is its result.
public final class Job: Sendable {
    public let uuid: String
    public let command: String
    public let started: Deadline
    let promise = Promise<Event>()
    /// The server's answer to the `bgapi` itself (`+OK Job-UUID: …`, or `-ERR …` when it was refused).
    public nonisolated(unsafe) var reply: Response?

    init(uuid: String, command: String) {
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

/// An authenticated event socket connection.
///
/// One reader thread decodes everything the server sends. Replies are matched to commands in the order
/// the commands were written — the server answers strictly one command at a time, so order is the
/// correlation. BACKGROUND_JOB events go to the `Job` that waits for them; everything else (events, log
/// lines, notices) goes to `inbound`, which never blocks the reader.
public final class Connection: @unchecked Sendable {
    public let socket: Socket
    /// The `+OK accepted` reply (with `Allowed-*` headers after userauth).
    public let authReply: Reply
    public let inbound: InboundQueue

    private let state = Monitor()
    private var waiting: [Promise<Response>] = []
    private var jobs: [String: Job] = [:]
    private var ended: ConnectionError?
    private let writeLock = Monitor()

    private let trace: (@Sendable (String) -> Void)?
    private let onFrame: (@Sendable (FramePart) -> Void)?
    private let streamPolicy: FrameDecoder.StreamPolicy
    private let headerIndexing: HeaderIndexing
    /// The streamed API output being received, if any (reader thread only).
    private var streaming: APIStream?

    init(socket: Socket, authReply: Reply, decoder: FrameDecoder, inbound: InboundQueue, trace: (@Sendable (String) -> Void)?, streamPolicy: FrameDecoder.StreamPolicy,
         onFrame: (@Sendable (FramePart) -> Void)? = nil, headerIndexing: HeaderIndexing = .atOnce) {
        self.headerIndexing = headerIndexing
        self.socket = socket
        self.onFrame = onFrame
        self.authReply = authReply
        self.inbound = inbound
        self.trace = trace
        self.streamPolicy = streamPolicy
        // Frames that came with the auth reply are routed before anyone can send: an unsolicited reply
        // among them must not be taken for the answer to the first command.
        var reader = decoder
        if let failure = drain(&reader) {
            finish(.protocolError(failure))
            return
        }
        let start = reader
        _ = startThread { [self] in self.readLoop(start) }
    }

    /// Connects, authenticates and starts the reader. `onInbound` runs on the reader thread after each
    /// inbound item (to wake a poll loop); keep it short.
    public static func open(_ options: ConnectOptions, onInbound: (@Sendable () -> Void)? = nil) throws(ConnectError) -> Connection {
        let socket: Socket
        do throws(SocketError) {
            socket = try Socket.connect(host: options.host, port: options.port, timeoutMilliseconds: options.connectTimeoutMilliseconds)
        } catch {
            throw .socket(error)
        }
        var handshake = Handshake(socket: socket, options: options)
        let reply = try handshake.run()
        return Connection(socket: socket, authReply: reply, decoder: handshake.decoder,
                          inbound: InboundQueue(capacity: options.queueCapacity, onPush: onInbound), trace: options.trace,
                          streamPolicy: options.streamPolicy, onFrame: options.onFrame, headerIndexing: options.headerIndexing)
    }

    /// A connection FreeSWITCH made to us (outbound mode): there is no authentication; the first
    /// command is usually `connect`, whose reply describes the call.
    public static func outbound(_ socket: Socket, options: ConnectOptions = ConnectOptions(), onInbound: (@Sendable () -> Void)? = nil) -> Connection {
        Connection(socket: socket, authReply: Reply(text: "+OK outbound"), decoder: FrameDecoder(limits: options.limits),
                   inbound: InboundQueue(capacity: options.queueCapacity, onPush: onInbound), trace: options.trace,
                   streamPolicy: options.streamPolicy, onFrame: options.onFrame, headerIndexing: options.headerIndexing)
    }

    /// Why the connection ended, once it has.
    public var endReason: ConnectionError? { state.withLock { ended } }

    /// Sends a command and waits for its answer. On timeout or cancellation the command stays in line and
    /// its late answer is discarded, so the next command still gets its own reply.
    public func send(_ command: Command, timeout: Duration? = nil) throws(ConnectionError) -> Response {
        let promise = try enqueue(command)
        switch promise.wait(until: timeout.map(Deadline.after)) {
        case .success(let response)?: return response
        case .failure(let error)?: throw error
        case nil:
            promise.resolve(.failure(.cancelled))
            throw .timedOut(command: command.redactedLine, milliseconds: timeout.map(milliseconds) ?? 0)
        }
    }

    /// Writes a command without waiting; the returned promise gets its answer.
    func enqueue(_ command: Command) throws(ConnectionError) -> Promise<Response> {
        let bytes: [UInt8]
        do throws(CommandError) { bytes = try command.encode() } catch { throw .encoding(error) }
        let promise = Promise<Response>()
        trace?("> \(command.redactedLine)")
        // Registration and write happen under one lock so the reply order equals the write order.
        let refusal: ConnectionError? = writeLock.withLock {
            if let ended = state.withLock({ ended }) { return ended }
            state.withLock { waiting.append(promise) }
            if !socket.write(bytes) {
                promise.resolve(.failure(.closed(reason: "connection lost while sending (\(errnoText()))")))
            }
            return nil
        }
        if let refusal { throw refusal }
        return promise
    }

    /// Abandons every command still waiting (Ctrl-C): their waiters get `.cancelled`, late replies are dropped.
    public func cancelWaiting() {
        let pending = state.withLock { waiting }
        for promise in pending { promise.resolve(.failure(.cancelled)) }
    }

    /// Starts `bgapi` with a Job-UUID chosen here, registered before sending so that even an instant
    /// BACKGROUND_JOB finds its waiter.
    public func bgapi(_ command: String, timeout: Duration? = nil) throws(ConnectionError) -> Job {
        let job = Job(uuid: UUIDText.random(), command: command)
        state.withLock { jobs[job.uuid] = job }
        let response: Response
        do throws(ConnectionError) {
            response = try send(.bgapi(command, jobUUID: job.uuid), timeout: timeout)
        } catch {
            _ = state.withLock { jobs.removeValue(forKey: job.uuid) }
            throw error
        }
        if response.isError { _ = state.withLock { jobs.removeValue(forKey: job.uuid) } }
        job.reply = response
        return job
    }

    /// Jobs started here whose result has not arrived.
    public var pendingJobs: [Job] { state.withLock { Array(jobs.values) }.sorted { $0.started < $1.started } }

    /// Closes the socket; the reader ends and everything waiting is released.
    public func close() {
        socket.shutdown()
    }

    // MARK: - Reader thread

    private func readLoop(_ start: FrameDecoder) {
        var decoder = start
        let size = 256 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var failure = drain(&decoder)
        while failure == nil {
            let count = socket.read(into: buffer)
            if count <= 0 {
                let reason: String
                if !decoder.isIdle {
                    reason = "connection to \(socket.peer) closed in the middle of a frame"
                } else if count == 0 {
                    reason = state.withLock { notice } ?? "connection closed by \(socket.peer)"
                } else {
                    reason = "connection to \(socket.peer) lost: \(errnoText())"
                }
                finish(.closed(reason: reason))
                return
            }
            decoder.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            failure = drain(&decoder)
        }
        socket.shutdown()
        finish(.protocolError(failure!))
    }

    private var notice: String?

    /// Messages for `inbound` from the current read, handed over together (see `InboundQueue.push`).
    /// Reader thread only.
    private var pending: [Message] = []

    /// Routes every whole frame and streamed piece; returns the framing error that ends the stream, if any.
    private func drain(_ decoder: inout FrameDecoder) -> DecodeError? {
        defer { flushPending() }
        while true {
            do throws(DecodeError) {
                guard let part = try decoder.nextPart(streaming: streamPolicy) else { return nil }
                onFrame?(part)
                switch part {
                case .frame(let frame):
                    if let trace { trace("< \(Frame.traceSummary(frame))") }
                    route(Message(frame: frame, indexing: headerIndexing))
                case .head(let headers, let length):
                    trace?("< \(headers["Content-Type"] ?? "") [\(length) bytes, streamed]")
                    let stream = APIStream(length: length)
                    streaming = stream
                    let promise: Promise<Response>? = state.withLock { waiting.isEmpty ? nil : waiting.removeFirst() }
                    flushPending(pace: promise == nil)
                    if let promise { promise.resolve(.success(.apiStream(stream))) } else { stream.abandon() }
                case .chunk(let bytes):
                    streaming?.push(bytes)
                case .end:
                    streaming?.finish()
                    streaming = nil
                }
            } catch {
                return error
            }
        }
    }

    /// `pace: false` before resolving a waiting command: its thread may be the consumer, so pausing
    /// for it to take events would only delay the answer it waits for.
    private func flushPending(pace: Bool = true) {
        guard !pending.isEmpty else { return }
        inbound.push(pending, pace: pace)
        pending.removeAll(keepingCapacity: true)
    }

    /// Queues a message for the consumer, in order with everything else this read decoded.
    private func queueForConsumer(_ message: Message) {
        pending.append(message)
        if pending.count >= 256 { flushPending() }
    }

    private func route(_ message: Message) {
        switch message {
        case .reply(let reply):
            deliver(.reply(reply), else: message)
        case .apiResponse(let response):
            deliver(.api(response), else: message)
        // Jobs are registered before their bgapi is sent, so with none waiting no event needs its headers
        // read here: a plain event's lines are then never scanned on this thread.
        case .event(let event, _) where state.withLock({ !jobs.isEmpty }) && event.name == "BACKGROUND_JOB":
            if let uuid = event.jobUUID, let job = state.withLock({ jobs.removeValue(forKey: uuid) }) {
                flushPending(pace: false)
                job.promise.resolve(.success(event))
            } else {
                queueForConsumer(message)
            }
        case .disconnect(let disconnect):
            if disconnect.disposition != .linger {
                let text = disconnect.text.trimmingLineBreaks.split(separator: "\n").first.map(String.init)
                state.withLock { notice = "server closed the connection: \(text ?? "disconnect notice")" }
            }
            queueForConsumer(message)
        default:
            queueForConsumer(message)
        }
    }

    /// Hands a reply to the oldest waiting command; a reply nobody waits for goes to `inbound`.
    private func deliver(_ response: Response, else message: Message) {
        let promise: Promise<Response>? = state.withLock { waiting.isEmpty ? nil : waiting.removeFirst() }
        guard let promise else { return queueForConsumer(message) }
        flushPending(pace: false)  // what arrived before the reply reaches the consumer before the reply does
        promise.resolve(.success(response))
    }

    private func finish(_ reason: ConnectionError) {
        flushPending(pace: false)
        streaming?.finish(reason)
        streaming = nil
        let (pending, orphans) = state.withLock { () -> ([Promise<Response>], [Job]) in
            ended = reason
            defer { waiting = []; jobs = [:] }
            return (waiting, Array(jobs.values))
        }
        for promise in pending { promise.resolve(.failure(reason)) }
        for job in orphans { job.promise.resolve(.failure(reason)) }
        inbound.close(reason)
    }
}

func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
}

/// Random version-4 UUIDs as text, without Foundation.
public enum UUIDText {
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }
}

extension Frame {
    /// One line for a protocol trace: the content type and the first meaningful header or body line.
    public static func traceSummary(_ frame: Frame) -> String {
        let type = frame.contentType ?? "(no Content-Type)"
        if let reply = frame.headers["Reply-Text"] { return "\(type) \(reply.escapedForDisplay)" }
        let firstLine = frame.body.prefix { $0 != 0x0A }
        return "\(type) [\(frame.body.count) bytes] \(String(decoding: firstLine.prefix(60), as: UTF8.self).escapedForDisplay)"
    }
}
