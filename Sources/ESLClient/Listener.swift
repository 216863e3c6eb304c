#if canImport(Glibc)
import Glibc
#endif

import ESLProtocol

/// A listening TCP socket for outbound mode: FreeSWITCH's `socket` application connects here, one
/// connection per call.
public final class Listener: @unchecked Sendable {
    public let descriptor: Int32
    public let port: Int

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `host` is an IPv4 or IPv6 address (default loopback); port 0 picks a free one.
    public init(host: String, port: Int) throws(Failure) {
        // getaddrinfo with numeric-only flags gives the socket address of either family (scope ids
        // included), so one bind path serves both.
        // The address must be what AllowList reads (inet_pton: no octal, short or hex IPv4 forms, which
        // getaddrinfo would accept), with an IPv6 scope allowed.
        let name = Socket.stripBrackets(host)
        guard AllowList.parse(String(name.prefix { $0 != "%" })) != nil else { throw Failure(description: "not an address: \(host)") }
        guard (0...65535).contains(port) else { throw Failure(description: "not a port: \(port)") }
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, String(port), &hints, &found)
        guard status == 0, let info = found?.pointee else {
            throw Failure(description: "not an address: \(host) (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(info.ai_family, info.ai_socktype, 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errnoText())") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.ai_addr, info.ai_addrlen) == 0, listen(fd, 64) == 0 else {
            let reason = errnoText()
            close(fd)
            throw Failure(description: "cannot listen on \(host):\(port): \(reason)")
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        descriptor = fd
        // sin_port and sin6_port both follow the two-byte family, in network order.
        self.port = Int(UInt16(bigEndian: withUnsafeBytes(of: &bound) { $0.load(fromByteOffset: 2, as: UInt16.self) }))
    }

    deinit { close(descriptor) }

    /// The next connection and the peer's address; nil when the listener was closed.
    public func accept() -> (Socket, String)? {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(descriptor, $0, &length) } }
            if fd < 0 {
                if errno == EINTR { continue }
                return nil
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            // Peers are named by address; the port FreeSWITCH connects from says nothing.
            let host = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Socket.numericHost($0) } } ?? "?"
            let peer = storage.ss_family == sa_family_t(AF_INET6) ? "[\(host)]" : host
            return (Socket(descriptor: fd, peer: peer), host)
        }
    }

    /// Stops accepting: a blocked `accept` returns nil.
    public func shutdown() { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }
}
