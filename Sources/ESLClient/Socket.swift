#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ESLProtocol

/// Why a TCP connection could not be made. Each case says what the operator should look at.
public enum SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotResolve(host: String, reason: String)
    case refused(address: String)
    case timedOut(address: String, milliseconds: Int)
    case failed(address: String, reason: String)

    public var description: String {
        switch self {
        case .cannotResolve(let host, let reason):
            return "cannot resolve host '\(host)': \(reason)"
        case .refused(let address):
            return "connection refused by \(address) (is FreeSWITCH running with mod_event_socket listening there?)"
        case .timedOut(let address, let milliseconds):
            return "timed out after \(milliseconds) ms connecting to \(address)"
        case .failed(let address, let reason):
            return "cannot connect to \(address): \(reason)"
        }
    }
}

/// A connected TCP socket. Reads and writes are plain blocking calls; the owner decides threading.
public final class Socket: @unchecked Sendable {
    public let descriptor: Int32
    /// `host:port` as connected, for messages.
    public let peer: String

    init(descriptor: Int32, peer: String) {
        self.descriptor = descriptor
        self.peer = peer
    }

    deinit { Glibc.close(descriptor) }

    /// Resolves `host` and tries each of its addresses in turn (IPv6 and IPv4, in resolver order) until
    /// one connects, all within one overall timeout. libesl used only the first address, so a
    /// `localhost` that resolves to ::1 failed against a switch listening on 127.0.0.1.
    public static func connect(host: String, port: Int, timeoutMilliseconds: Int) throws(SocketError) -> Socket {
        try connect(host: host, port: port, until: .after(milliseconds: timeoutMilliseconds), timeoutMilliseconds: timeoutMilliseconds)
    }

    /// As above, by a deadline the caller holds (the handshake that follows spends the rest of it);
    /// `timeoutMilliseconds` is only for the message.
    public static func connect(host: String, port: Int, until deadline: Deadline, timeoutMilliseconds: Int) throws(SocketError) -> Socket {
        let name = Self.stripBrackets(host)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        // An address as written (127.0.0.1, ::1) needs no resolver: AI_NUMERICHOST keeps getaddrinfo from
        // asking the kernel for the machine's addresses (AI_ADDRCONFIG) and the name service (nscd),
        // six system calls of every one-shot run against a local switch.
        hints.ai_flags = AllowList.parse(name) != nil ? AI_NUMERICHOST | AI_NUMERICSERV : AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        var status = getaddrinfo(name, String(port), &hints, &list)
        if status == EAI_NONAME {
            hints.ai_flags = 0  // AI_ADDRCONFIG hides loopback-only hosts' families on some machines.
            status = getaddrinfo(name, String(port), &hints, &list)
        }
        guard status == 0, let first = list else {
            throw .cannotResolve(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }

        var errors: [SocketError] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor, !deadline.hasPassed || errors.isEmpty {
            cursor = info.pointee.ai_next
            let address = Self.describe(info.pointee.ai_addr, port: port)
            do throws(SocketError) {
                return try attempt(info.pointee, address: address, deadline: deadline, timeout: timeoutMilliseconds)
            } catch {
                errors.append(error)
            }
        }
        // A timeout says more than a refusal from another of the host's addresses.
        if errors.contains(where: { if case .timedOut = $0 { true } else { false } }) {
            throw .timedOut(address: "\(host):\(port)", milliseconds: timeoutMilliseconds)
        }
        throw errors.last ?? .failed(address: "\(host):\(port)", reason: "no usable address")
    }

    private static func attempt(_ info: addrinfo, address: String, deadline: Deadline, timeout: Int) throws(SocketError) -> Socket {
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else { throw .failed(address: address, reason: errnoText()) }
        var keep = false
        defer { if !keep { Glibc.close(fd) } }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw classify(errno, address: address) }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            while true {
                let ready = poll(&poller, 1, Int32(min(deadline.remainingMilliseconds, Int(Int32.max))))
                if ready > 0 { break }
                if ready == 0 { throw .timedOut(address: address, milliseconds: timeout) }
                if errno != EINTR { throw .failed(address: address, reason: errnoText()) }
            }
            // Writable does not mean connected: a refused connect is writable too (libesl missed this).
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            if soError != 0 { throw classify(soError, address: address) }
        }
        _ = fcntl(fd, F_SETFL, flags)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        keep = true
        return Socket(descriptor: fd, peer: address)
    }

    private static func classify(_ code: Int32, address: String) -> SocketError {
        switch code {
        case ECONNREFUSED: return .refused(address: address)
        case ETIMEDOUT: return .timedOut(address: address, milliseconds: 0)
        default: return .failed(address: address, reason: String(cString: strerror(code)))
        }
    }

    static func stripBrackets(_ host: String) -> String {
        if host.hasPrefix("["), host.hasSuffix("]") { return String(host.dropFirst().dropLast()) }
        return host
    }

    /// `1.2.3.4:8021` or `[::1]:8021`.
    static func describe(_ address: UnsafeMutablePointer<sockaddr>?, port: Int) -> String {
        guard let address, let host = numericHost(address) else { return "?:\(port)" }
        return address.pointee.sa_family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The address as digits (`1.2.3.4`, `::1`), no port.
    static func numericHost(_ address: UnsafeMutablePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let length = socklen_t(address.pointee.sa_family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes every byte (short writes and EINTR are retried). MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE.
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        return bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let sent = send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent > 0 { offset += sent } else if sent < 0, errno == EINTR { continue } else { return false }
            }
            return true
        }
    }

    /// Reads what is available into `buffer`: >0 bytes, 0 on orderly close, -1 on error.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            return count
        }
    }

    /// Waits until readable; false on timeout.
    public func waitReadable(until deadline: Deadline?) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let timeout = deadline.map { Int32(min($0.remainingMilliseconds, Int(Int32.max))) } ?? -1
            let ready = poll(&poller, 1, timeout)
            if ready > 0 { return true }
            if ready == 0 { return false }
            if errno != EINTR { return true }  // let the read report the error
        }
    }

    /// Ends both directions so a thread blocked in `read` returns.
    public func shutdown() { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }
}

func errnoText() -> String { String(cString: strerror(errno)) }
