#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import ESLProtocol

/// An authenticated event socket connection.
///
/// One reader thread decodes everything the server sends. Who gets each frame is decided by a
/// `ReplyCorrelation` (ESLProtocol), kept under `state`: replies go to commands in the order the
/// commands were written, BACKGROUND_JOB events to the `Job` that waits for them; everything else
/// (events, log lines, notices) goes to `inbound`, which never blocks the reader.
public final class Connection: @unchecked Sendable {
    public let socket: Socket
    /// The `+OK accepted` reply (with `Allowed-*` headers after userauth).
    public let authReply: Reply
    public let inbound: InboundQueue

    private let state = Monitor()
    private var correlation = ReplyCorrelation<Promise<Response>, Job>()
    private var ended: ConnectionError?
    /// `close()` was called: an end of stream after it is this side's doing.
    private var closedLocally = false
    private let writeLock = Monitor()

    private let trace: (@Sendable (String) -> Void)?
    private let onFrame: (@Sendable (FramePart) -> Void)?
    private let streamPolicy: FrameDecoder.StreamPolicy
    private let headerIndexing: HeaderIndexing
    private let plainEventRuns: Bool
    /// Plain events of the current read waiting to join `pending` as one run (reader only).
    private var run = PlainEventRun()
    /// The streamed API output being received, if any (reader thread only).
    private var streaming: APIStream?
    /// With no reader thread: the decoder and buffer of whichever waiter reads (one at a time).
    private let waiterReading: Locked<WaiterReader>?

    private struct WaiterReader {
        var decoder: FrameDecoder
        var buffer: UnsafeMutableRawBufferPointer?
    }
    /// What promises and streams read through; nil with a reader thread.
    private var readingForWaiters: WaiterReading? { waiterReading == nil ? nil : self }

    init(socket: Socket, authReply: Reply, decoder: FrameDecoder, inbound: InboundQueue, trace: (@Sendable (String) -> Void)?, streamPolicy: FrameDecoder.StreamPolicy,
         onFrame: (@Sendable (FramePart) -> Void)? = nil, headerIndexing: HeaderIndexing = .atOnce, reading: ConnectOptions.Reading = .thread, plainEventRuns: Bool = false) {
        self.waiterReading = reading == .waiter ? Locked(WaiterReader(decoder: decoder)) : nil
        self.headerIndexing = headerIndexing
        self.plainEventRuns = plainEventRuns
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
        if let waiterReading {
            waiterReading.withLock { $0.decoder = reader }
            inbound.reading = self
        } else {
            let start = reader
            _ = startThread { [self] in self.readLoop(start) }
        }
    }

    /// Connects, authenticates and starts the reader. `onInbound` runs on the reader thread after each
    /// inbound item (to wake a poll loop); keep it short.
    public static func open(_ options: ConnectOptions, onInbound: (@Sendable () -> Void)? = nil) throws(ConnectError) -> Connection {
        let socket: Socket
        // `-T` bounds the connect and the whole handshake together.
        let deadline = Deadline.after(milliseconds: options.connectTimeoutMilliseconds)
        do throws(SocketError) {
            socket = try Socket.connect(host: options.host, port: options.port, until: deadline, timeoutMilliseconds: options.connectTimeoutMilliseconds)
        } catch {
            throw .socket(error)
        }
        var handshake = Handshake(socket: socket, options: options)
        let reply = try handshake.run(until: deadline)
        return Connection(socket: socket, authReply: reply, decoder: handshake.decoder,
                          inbound: InboundQueue(capacity: options.queueCapacity, bytes: options.queueBytes, onPush: onInbound), trace: options.trace,
                          streamPolicy: options.streamPolicy, onFrame: options.onFrame, headerIndexing: options.headerIndexing,
                          reading: options.reading, plainEventRuns: options.plainEventRuns)
    }

    /// A connection FreeSWITCH made to us (outbound mode): there is no authentication; the first
    /// command is usually `connect`, whose reply describes the call.
    public static func outbound(_ socket: Socket, options: ConnectOptions = ConnectOptions(), onInbound: (@Sendable () -> Void)? = nil) -> Connection {
        Connection(socket: socket, authReply: Reply(text: "+OK outbound"), decoder: FrameDecoder(limits: options.limits),
                   inbound: InboundQueue(capacity: options.queueCapacity, bytes: options.queueBytes, onPush: onInbound), trace: options.trace,
                   streamPolicy: options.streamPolicy, onFrame: options.onFrame, headerIndexing: options.headerIndexing)
    }

    deinit { waiterReading?.withLock { $0.buffer?.deallocate() } }

    /// Why the connection ended, once it has.
    public var endReason: ConnectionError? { state.withLock { ended } }

    /// Sends a command and waits for its answer. On timeout or cancellation the command stays in line and
    /// its late answer is discarded, so the next command still gets its own reply. The timeout bounds
    /// the whole answer, a streamed body's last byte included, however the bytes trickle in.
    public func send(_ command: Command, timeout: Duration? = nil) throws(ConnectionError) -> Response {
        let deadline = timeout.map(Deadline.after)
        let (promise, ticket) = try enqueue(command)
        switch promise.wait(until: deadline) {
        case .success(let response)?:
            if let deadline, let timeout, case .apiStream(let stream as APIStream) = response {
                stream.bound(by: deadline, command: command.redactedLine, milliseconds: milliseconds(timeout))
            }
            return response
        case .failure(let error)?: throw error
        case nil:
            state.withLock { _ = correlation.abandon(ticket) }
            promise.resolve(.failure(.cancelled))
            throw .timedOut(command: command.redactedLine, milliseconds: timeout.map(milliseconds) ?? 0)
        }
    }

    /// Writes a command without waiting; the returned promise gets its answer.
    private func enqueue(_ command: Command) throws(ConnectionError) -> (Promise<Response>, ReplyCorrelation<Promise<Response>, Job>.Ticket) {
        let bytes: [UInt8]
        do throws(CommandError) { bytes = try command.encode() } catch { throw .encoding(error) }
        let promise = Promise<Response>(reading: readingForWaiters)
        trace?("> \(command.redactedLine)")
        // Registration and write happen under one lock so the reply order equals the write order.
        let placed: Result<ReplyCorrelation<Promise<Response>, Job>.Ticket, ConnectionError> = writeLock.withLock {
            let ticket = state.withLock { () -> Result<ReplyCorrelation<Promise<Response>, Job>.Ticket, ConnectionError> in
                if let ended { return .failure(ended) }
                guard let ticket = correlation.commandSent(promise) else { return .failure(.closed(.localShutdown(peer: socket.peer))) }
                return .success(ticket)
            }
            if case .success(let ticket) = ticket, !socket.write(bytes) {
                // The place stays in line: should an answer still come, it is dropped, not given to the next command.
                state.withLock { _ = correlation.abandon(ticket) }
                promise.resolve(.failure(.closed(.lostWhileSending(reason: errnoText()))))
            }
            return ticket
        }
        return (promise, try placed.get())
    }

    /// Abandons every command still waiting (Ctrl-C): their waiters get `.cancelled`, late replies are dropped.
    public func cancelWaiting() {
        let pending = state.withLock { correlation.abandonAll() }
        for promise in pending { promise.resolve(.failure(.cancelled)) }
    }

    /// Starts `bgapi` with a Job-UUID chosen here, registered before sending so that even an instant
    /// BACKGROUND_JOB finds its waiter.
    public func bgapi(_ command: String, timeout: Duration? = nil) throws(ConnectionError) -> Job {
        let job = Job(uuid: UUIDText.random(), command: command, reading: readingForWaiters)
        state.withLock { correlation.registerJob(uuid: job.uuid, job) }
        let response: Response
        do throws(ConnectionError) {
            response = try send(.bgapi(command, jobUUID: job.uuid), timeout: timeout)
        } catch {
            state.withLock { _ = correlation.forgetJob(uuid: job.uuid) }
            throw error
        }
        if response.isError { state.withLock { _ = correlation.forgetJob(uuid: job.uuid) } }
        job.reply = response
        return job
    }

    /// Jobs started here whose result has not arrived.
    public var pendingJobs: [Job] { state.withLock { correlation.pendingJobs }.sorted { $0.started < $1.started } }

    /// Closes the socket; the reader ends and everything waiting is released.
    public func close() {
        state.withLock { closedLocally = true }
        socket.shutdown()
    }

    // MARK: - Reader thread

    private func readLoop(_ start: FrameDecoder) {
        var decoder = start
        let size = 256 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        if let failure = drain(&decoder) {
            socket.shutdown()
            finish(.protocolError(failure))
            return
        }
        while awaitBytes(until: nil) != nil, readOnce(&decoder, into: buffer) {}
    }

    /// When a linger notice's time (and a grace) is over; under `state`.
    private var lingerEnds: Deadline?

    /// Waits for bytes until `deadline` (nil: the read that follows blocks), as long as a linger
    /// notice's time allows: true when there are bytes to read, false when the deadline passed, nil when
    /// the linger time ran out first. A linger notice keeps the session for the call's last events,
    /// not for as long as the peer likes: then it ends as for a goodbye.
    private func awaitBytes(until deadline: Deadline?) -> Bool? {
        let (lingering, ends) = state.withLock { () -> (DisconnectNotice?, Deadline?) in
            if lingerEnds == nil, let time = correlation.lingering?.lingerTime { lingerEnds = .after(time + Self.lingerGrace) }
            return (correlation.lingering, lingerEnds)
        }
        guard let lingering, let ends else { return deadline.map { socket.waitReadable(until: $0) } ?? true }
        if let deadline, deadline < ends { return socket.waitReadable(until: deadline) }
        if socket.waitReadable(until: ends) { return true }
        socket.shutdown()
        finish(.closed(.goodbye(lingering)))
        return nil
    }

    /// One read, decoded and routed; false once the connection has ended (and `finish` has run).
    private func readOnce(_ decoder: inout FrameDecoder, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let count = socket.read(into: buffer)
        if count <= 0 {
            let cause: CloseCause
            if !decoder.isIdle {
                cause = .closedMidFrame(peer: socket.peer)
            } else if count == 0 {
                cause = state.withLock {
                    let cause = correlation.peerClosedCause(peer: socket.peer)
                    if case .peerClosed = cause, closedLocally { return .localShutdown(peer: socket.peer) }
                    return cause
                }
            } else {
                cause = .lost(peer: socket.peer, reason: errnoText())
            }
            finish(.closed(cause))
            return false
        }
        decoder.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        if let failure = drain(&decoder) {
            socket.shutdown()
            finish(.protocolError(failure))
            return false
        }
        // A goodbye without linger ends the session at once, as libesl does, even when the peer
        // leaves the connection open: waiting for its close would hang a command on a peer that
        // has said it will answer nothing more.
        if let notice = state.withLock({ correlation.goodbye }) {
            socket.shutdown()
            finish(.closed(.goodbye(notice)))
            return false
        }
        return true
    }

    /// Messages for `inbound` from the current read, handed over together (see `InboundQueue.push`).
    /// Reader thread only.
    private var pending: [Message] = []

    /// Routes every whole frame and streamed piece; returns the framing error that ends the stream, if any.
    private func drain(_ decoder: inout FrameDecoder) -> DecodeError? {
        defer { flushPending() }
        // Plain events in FreeSWITCH's own header block need no `Frame`: their bytes join a run, or their
        // body is decoded at once. A trace or a recording sees every frame.
        let shortcut = trace == nil && onFrame == nil
        let takesRuns = shortcut && plainEventRuns
        while true {
            while takesRuns, !jobsWaiting, decoder.takePlainEvent(into: &run, streaming: streamPolicy) {
                if runIsFull { queueRun() }
            }
            if shortcut, let body = decoder.nextPlainEventBody(streaming: streamPolicy) {
                queueRun()
                route(Message(plainEventBody: body, indexing: headerIndexing))
                continue
            }
            do throws(DecodeError) {
                guard let part = try decoder.nextPart(streaming: streamPolicy) else { return nil }
                onFrame?(part)
                switch part {
                case .frame(let frame):
                    if let trace { trace("< \(Frame.traceSummary(frame))") }
                    if plainEventRuns, frame.isPlainEvent, !jobsWaiting {
                        run.append(frame.body)
                        if runIsFull { queueRun() }
                        continue
                    }
                    queueRun()
                    route(Message(frame: frame, indexing: headerIndexing))
                case .head(let headers, let length):
                    trace?("< \(headers["Content-Type"] ?? "") [\(length) bytes, streamed]")
                    let stream = APIStream(length: length, reading: readingForWaiters)
                    streaming = stream
                    switch state.withLock({ correlation.streamBegins(stream) }) {
                    case .answer(let promise, let response):
                        flushPending(pace: false)
                        promise.resolve(.success(response))
                    case .late:
                        // Its waiter gave up: read on and drop it, as a late whole answer is dropped.
                        flushPending(pace: false)
                        stream.abandon()
                    case .inbound, .job, .malformedJob:
                        flushPending(pace: true)
                        stream.abandon()
                    }
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
        queueRun()
        guard !pending.isEmpty else { return }
        // Without a reader thread the producer is the consumer: pausing for it would only stall it.
        inbound.push(pending, pace: pace && waiterReading == nil)
        pending.removeAll(keepingCapacity: true)
    }

    /// A run is bounded in events, so that it is a small part of the queue's capacity, and in bytes,
    /// below malloc's mmap threshold: larger runs were each mapped, zeroed and unmapped.
    private var runIsFull: Bool { run.bytes.count >= 64 * 1024 || run.count >= max(1, inbound.capacity / 4) }

    /// The plain events gathered so far go to the consumer, ahead of whatever follows them.
    private func queueRun() {
        guard !run.isEmpty else { return }
        pending.append(.plainEvents(run))
        run = PlainEventRun()
    }

    /// With jobs of ours running, a plain event is looked into in case it is one's result (the job
    /// waits for it). Asked per event, so that runs resume right after the last result; the check is
    /// one look at the table of jobs, not at the event.
    private var jobsWaiting: Bool { state.withLock { correlation.hasPendingJobs } }

    /// Queues a message for the consumer, in order with everything else this read decoded.
    private func queueForConsumer(_ message: Message) {
        pending.append(message)
        if pending.count >= 256 { flushPending() }
    }

    private func route(_ message: Message) {
        switch state.withLock({ correlation.route(message) }) {
        case .answer(let promise, let response):
            flushPending(pace: false)  // what arrived before the reply reaches the consumer before the reply does
            promise.resolve(.success(response))
        case .late:
            flushPending(pace: false)
        case .job(let job, let event):
            flushPending(pace: false)
            job.promise.resolve(.success(event))
        case .malformedJob(let job, let reason):
            flushPending(pace: false)
            job.promise.resolve(.failure(.malformedResult(job: job.uuid, reason: reason)))
        case .inbound:
            queueForConsumer(message)
        }
    }

    /// Past a linger notice's time: the peer's close may take a moment after its last event.
    static let lingerGrace = Duration.seconds(1)

    private func finish(_ reason: ConnectionError) {
        flushPending(pace: false)
        streaming?.finish(reason)
        streaming = nil
        let (pending, orphans) = state.withLock { () -> ([Promise<Response>], [Job]) in
            ended = reason
            return correlation.close()
        }
        for promise in pending { promise.resolve(.failure(reason)) }
        for job in orphans { job.promise.resolve(.failure(reason)) }
        inbound.close(reason)
    }
}

extension Connection: WaiterReading {
    /// Reading on the waiting thread (`.waiter`): the same decoding and routing as the reader thread's,
    /// one read at a time (a second waiting thread waits for the first one's read to end).
    func readForWaiter(until deadline: Deadline?) -> Bool {
        guard let waiterReading else { return false }
        return waiterReading.withLock { reader in
            if endReason != nil { return false }
            guard awaitBytes(until: deadline) == true else { return false }
            if reader.buffer == nil { reader.buffer = .allocate(byteCount: 64 * 1024, alignment: 16) }
            return readOnce(&reader.decoder, into: reader.buffer!)
        }
    }
}

func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
}
