/// Who gets each frame of an inbound connection, as a pure state machine: no socket, no lock, no clock.
/// The connection feeds it what it sends and what it receives (under its own lock) and acts on what it
/// says; tests feed it frames straight from the captures.
///
/// The server answers strictly one command at a time, so order is the correlation: every command
/// written takes a place in line (`commandSent`), and each `command/reply` or `api/response` (or the
/// head of a streamed one) answers the oldest place. A waiter that gave up (timed out, cancelled)
/// keeps its place, so its late answer is discarded instead of being taken for the next command's.
/// A BACKGROUND_JOB goes to the job registered under its Job-UUID before its `bgapi` was sent (so even
/// an instant result finds it); other clients' jobs, events, log lines and notices go to the consumer.
///
/// What every command passes through (`init`, `commandSent`, `route`, `streamBegins`) is `@inlinable`,
/// so that the connection runs it specialised for its waiter types. Called across the module boundary
/// unspecialised, it instantiated this type's and its arrays' generic metadata at run time and went
/// through the generic `removeFirst`: a seventh of a one-shot run's instructions (callgrind).
public struct ReplyCorrelation<Waiter, JobWaiter> {
    /// A command's place in line.
    public struct Ticket: Hashable, Sendable {
        @usableFromInline let number: UInt64
        @usableFromInline init(number: UInt64) { self.number = number }
    }

    /// Where a received message goes.
    public enum Delivery {
        /// The answer to the oldest command still in line, for this waiter.
        case answer(Waiter, Response)
        /// The answer to a command whose waiter gave up: drop it.
        case late
        /// The BACKGROUND_JOB of a job started here (which is then no longer pending).
        case job(JobWaiter, Event)
        /// The BACKGROUND_JOB of a job started here could not be decoded (its inner `Content-Length`
        /// lies): the job's result is malformed, said so, not left to wait for the timeout.
        case malformedJob(JobWaiter, reason: String)
        /// For the consumer's queue.
        case inbound
    }

    @usableFromInline struct Place {
        @usableFromInline let ticket: Ticket
        /// Nil once the waiter gave up.
        @usableFromInline var waiter: Waiter?
        @usableFromInline init(ticket: Ticket, waiter: Waiter?) {
            self.ticket = ticket
            self.waiter = waiter
        }
    }

    /// The line: its oldest place, then the others (none while `oldest` is nil). Kept apart so that
    /// one command at a time, as a one-shot run and the console send them, never allocates `later`:
    /// the first use of `[Place]` had the Swift runtime instantiate its storage type (35k of a
    /// one-shot run's 369k instructions, callgrind).
    @usableFromInline var oldest: Place?
    @usableFromInline var later: [Place] = []
    @usableFromInline var nextNumber: UInt64 = 0
    @usableFromInline var jobs: [String: JobWaiter] = [:]
    /// The last goodbye (a disconnect notice that is not a linger notice): why the peer will close.
    public private(set) var goodbye: DisconnectNotice?
    /// The linger notice, once one came: the call's last events follow, for at most its `lingerTime`.
    public private(set) var lingering: DisconnectNotice?
    public private(set) var isClosed = false

    @inlinable public init() {}

    /// A command was written: its waiter takes the next place. Nil once closed (nothing will answer).
    @inlinable public mutating func commandSent(_ waiter: Waiter) -> Ticket? {
        guard !isClosed else { return nil }
        let ticket = Ticket(number: nextNumber)
        nextNumber += 1
        let place = Place(ticket: ticket, waiter: waiter)
        if oldest == nil { oldest = place } else { later.append(place) }
        return ticket
    }

    /// The waiter behind `ticket` gave up (timeout, cancellation); its place stays for its late answer.
    /// Returns the waiter if it was still waiting.
    @discardableResult
    public mutating func abandon(_ ticket: Ticket) -> Waiter? {
        if oldest?.ticket == ticket {
            defer { oldest?.waiter = nil }
            return oldest?.waiter
        }
        guard let index = later.firstIndex(where: { $0.ticket == ticket }) else { return nil }
        defer { later[index].waiter = nil }
        return later[index].waiter
    }

    /// Every waiter gives up (Ctrl-C); returned so they can be told. Their places stay.
    public mutating func abandonAll() -> [Waiter] {
        var waiters: [Waiter] = []
        if let waiter = oldest?.waiter { waiters.append(waiter) }
        oldest?.waiter = nil
        for index in later.indices {
            if let waiter = later[index].waiter { waiters.append(waiter) }
            later[index].waiter = nil
        }
        return waiters
    }

    /// Commands written and not yet answered, including those whose waiter gave up.
    public var placesInLine: Int { (oldest == nil ? 0 : 1) + later.count }

    /// Registers a job before its `bgapi` is sent.
    public mutating func registerJob(uuid: String, _ job: JobWaiter) {
        guard !isClosed else { return }
        jobs[uuid] = job
    }

    /// Forgets a job (its `bgapi` failed or was refused).
    @discardableResult
    public mutating func forgetJob(uuid: String) -> JobWaiter? { jobs.removeValue(forKey: uuid) }

    /// Whether any job started here still waits for its BACKGROUND_JOB.
    @inlinable public var hasPendingJobs: Bool { !jobs.isEmpty }

    /// Jobs whose result has not arrived.
    public var pendingJobs: [JobWaiter] { Array(jobs.values) }

    /// Routes one whole received message.
    @inlinable public mutating func route(_ message: Message) -> Delivery {
        switch message {
        case .reply(let reply):
            return answerOldest(with: .reply(reply)) ?? .inbound
        case .apiResponse(let response):
            return answerOldest(with: .api(response)) ?? .inbound
        // Jobs are registered before their bgapi is sent, so with none waiting no event needs its headers
        // read: a plain event's lines are then never scanned on the reader thread.
        case .event(let event, _) where !jobs.isEmpty && event.name == "BACKGROUND_JOB":
            if let uuid = event.jobUUID, let job = jobs.removeValue(forKey: uuid) { return .job(job, event) }
            return .inbound
        case .malformed(_, let reason) where !jobs.isEmpty:
            if let uuid = message.malformedJobUUID, let job = jobs.removeValue(forKey: uuid) { return .malformedJob(job, reason: reason) }
            return .inbound
        case .disconnect(let notice):
            noteDisconnect(notice)
            return .inbound
        default:
            return .inbound
        }
    }

    /// A disconnect notice: the last goodbye, or the linger notice. Not inlinable: it sets properties
    /// whose setters are private, and a notice comes once per session.
    @usableFromInline mutating func noteDisconnect(_ notice: DisconnectNotice) {
        if notice.disposition == .linger { lingering = notice } else { goodbye = notice }
    }

    /// The head of a streamed `api/response` arrived: it answers the oldest command like a whole one.
    /// `.inbound` here means nobody asked for it (the stream is then read and dropped).
    @inlinable public mutating func streamBegins(_ stream: any BodyStream) -> Delivery {
        answerOldest(with: .apiStream(stream)) ?? .inbound
    }

    /// How the connection ended when the peer closed it between frames: with its goodbye if it sent one.
    public func peerClosedCause(peer: String) -> CloseCause {
        goodbye.map(CloseCause.goodbye) ?? .peerClosed(peer: peer)
    }

    /// The connection ended: nothing will be answered. Returns the waiters still waiting and the jobs
    /// still pending, to be told why.
    public mutating func close() -> (waiters: [Waiter], jobs: [JobWaiter]) {
        isClosed = true
        defer { oldest = nil; later = []; jobs = [:] }
        // A closure, not `\.waiter`: a key path into a generic type is built at run time, on every
        // one-shot run's way out (a third of its instructions, callgrind).
        let waiting = (oldest?.waiter).map { [$0] } ?? []
        return (waiting + later.compactMap { $0.waiter }, Array(jobs.values))
    }

    @inlinable mutating func answerOldest(with response: Response) -> Delivery? {
        guard let place = oldest else { return nil }
        oldest = later.isEmpty ? nil : later.removeFirst()
        guard let waiter = place.waiter else { return .late }
        return .answer(waiter, response)
    }
}
