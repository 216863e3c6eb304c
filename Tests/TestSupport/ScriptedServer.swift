#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import Synchronization

/// A one-connection TCP server on loopback whose behaviour is a script: for servers that misbehave
/// in ways the simulator does not (never speaking, closing mid-frame, replying late).
public final class ScriptedServer: Sendable {
    public let port: Int
    private let listener: Int32

    /// `script` runs on its own thread with the accepted connection.
    public init(backlog: Int32 = 8, accept: Bool = true, _ script: @escaping @Sendable (Peer) -> Void = { _ in }) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, backlog)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        guard accept else { return }
        _ = startThread {
            let connection = Glibc.accept(fd, nil, nil)
            guard connection >= 0 else { return }
            let peer = Peer(fd: connection)
            script(peer)
            peer.close()
        }
    }

    /// Serves `connections` connections one after another, each with `script` on its own thread, which
    /// is told the connection's number (0 first): for a client that opens a second one (the watcher)
    /// or retries (`-r`).
    public convenience init(connections: Int, _ script: @escaping @Sendable (Peer, Int) -> Void) {
        self.init(accept: false)
        let fd = listener
        _ = startThread {
            for number in 0..<connections {
                let connection = Glibc.accept(fd, nil, nil)
                guard connection >= 0 else { return }
                let peer = Peer(fd: connection)
                _ = startThread {
                    script(peer, number)
                    peer.close()
                }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// The accepted connection, as the script sees it.
    public final class Peer: Sendable {
        public let fd: Int32
        private let closed = Atomic<Bool>(false)
        public init(fd: Int32) { self.fd = fd }

        public func send(_ text: String) { send(Array(text.utf8)) }

        public func send(_ bytes: [UInt8]) {
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }

        /// Reads until a blank line (one command); nil when the client closed.
        public func readCommand() -> String? {
            var bytes: [UInt8] = []
            var byte: UInt8 = 0
            while recv(fd, &byte, 1, 0) == 1 {
                bytes.append(byte)
                if bytes.count >= 2, bytes.suffix(2) == [10, 10] { return String(decoding: bytes, as: UTF8.self) }
            }
            return nil
        }

        /// auth/request, the auth command, +OK accepted.
        public func acceptAuth() {
            send("Content-Type: auth/request\n\n")
            _ = readCommand()
            send("Content-Type: command/reply\nReply-Text: +OK accepted\n\n")
        }

        /// Keeps the connection open until the client closes it (a server that never answers); gives up
        /// at the hang bound so a hung client cannot hold the test's thread forever.
        public func holdUntilClosed(within bound: Duration = HangCheck.step) {
            let deadline = Deadline.after(bound)
            var byte: UInt8 = 0
            while !deadline.hasPassed {
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 50) >= 0 else { return }
                if descriptor.revents != 0, recv(fd, &byte, 1, 0) <= 0 { return }
            }
        }

        /// Sends `frame` every `milliseconds` (and reads and drops whatever the client writes) until the
        /// client closes the connection or `bound` passes: a peer that keeps talking but never says what
        /// the client waits for. The bound is far past any timeout under test, so a client whose clock
        /// restarts with each frame is still waiting when it ends.
        public func keepSending(_ frame: String, everyMilliseconds milliseconds: Int, within bound: Duration = .seconds(30)) {
            let deadline = Deadline.after(bound)
            var scratch = [UInt8](repeating: 0, count: 4096)
            while !deadline.hasPassed {
                send(frame)
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, Int32(milliseconds)) >= 0 else { return }
                if descriptor.revents != 0, recv(fd, &scratch, scratch.count, 0) <= 0 { return }
            }
        }

        public func close() {
            if !closed.exchange(true, ordering: .relaxed) { Glibc.close(fd) }
        }
    }
}

public func pause(milliseconds: Int) { usleep(UInt32(milliseconds * 1000)) }
