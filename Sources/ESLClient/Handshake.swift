import ESLProtocol

/// The start of an inbound session, run before the reader thread exists: wait for `auth/request`, send
/// `auth`/`userauth`, check the reply. Each way it can fail becomes its own `ConnectError`.
///
/// One deadline bounds it all (with the TCP connect before it: `-T`): a peer that keeps sending
/// frames other than the one awaited (events, junk) must not restart the clock with each.
struct Handshake {
    let socket: Socket
    let options: ConnectOptions
    var decoder: FrameDecoder

    init(socket: Socket, options: ConnectOptions) {
        self.socket = socket
        self.options = options
        self.decoder = FrameDecoder(limits: options.limits)
    }

    mutating func run(until deadline: Deadline) throws(ConnectError) -> Reply {
        let peer = socket.peer
        let timeout = options.connectTimeoutMilliseconds
        // One read buffer for the whole handshake, not zeroed: only the bytes a read wrote are fed on.
        // (A zeroed [UInt8] per wait was a tenth of a one-shot run's instructions, and its pages faulted in.)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        // Wait for auth/request. Frames of any other kind before it are skipped (a confused proxy's
        // banner), but a rude rejection ends the attempt with the server's own words.
        waitForRequest: while true {
            switch try nextMessage(until: deadline, reading: chunk) {
            case .authRequest?:
                break waitForRequest
            case .rudeRejection(let text)?:
                throw .rejectedByACL(peer: peer, text: text)
            case .disconnect?:
                throw .closedBeforeAuth(peer: peer)
            case .some:
                continue
            case nil:
                throw .noAuthRequest(peer: peer, milliseconds: timeout)
            }
        }
        let command: Command = options.user.map { .userauth(user: $0, password: options.password) } ?? .auth(password: options.password)
        let bytes: [UInt8]
        do throws(CommandError) { bytes = try command.encode() } catch { throw .invalidCredentials(error) }
        options.trace?("> \(command.redactedLine)")
        guard socket.write(bytes) else { throw .closedBeforeAuth(peer: peer) }
        while true {
            switch try nextMessage(until: deadline, reading: chunk) {
            case .reply(let reply)?:
                guard reply.text.lowercasedASCII == "+ok accepted" else {
                    throw .authenticationFailed(peer: peer, replyText: reply.text)
                }
                return reply
            case .rudeRejection(let text)?:
                throw .rejectedByACL(peer: peer, text: text)
            case .some:
                continue
            case nil:
                throw .authTimedOut(peer: peer, milliseconds: timeout)
            }
        }
    }

    /// The next message, nil on timeout; a close before it is `closedBeforeAuth`. `chunk`: where reads go.
    private mutating func nextMessage(until deadline: Deadline, reading chunk: UnsafeMutableRawBufferPointer) throws(ConnectError) -> Message? {
        while true {
            do throws(DecodeError) {
                if let frame = try decoder.next() {
                    options.trace?("< \(Frame.traceSummary(frame))")
                    return Message(frame: frame)
                }
            } catch {
                throw .protocolError(peer: socket.peer, error)
            }
            guard socket.waitReadable(until: deadline) else { return nil }
            let count = socket.read(into: chunk)
            if count <= 0 { throw .closedBeforeAuth(peer: socket.peer) }
            decoder.feed(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
    }
}
