#if canImport(Glibc)
import Glibc
#endif

/// Networks allowed to connect to the outbound listener (`--allow CIDR`).
public struct AllowList: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        var address: [UInt8]
        var prefix: Int
    }

    private var networks: [Network]

    /// Loopback only: 127.0.0.0/8 and ::1.
    public static let loopback = try! AllowList(["127.0.0.0/8", "::1/128"])

    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String { "not an address or network: '\(text)' (use 10.0.0.0/8, 192.0.2.7 or fd00::/8)" }
    }

    public init(_ cidrs: [String]) throws(Invalid) {
        networks = []
        for text in cidrs {
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.parse(parts[0]) else { throw Invalid(text: text) }
            let prefix = parts.count > 1 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...(bytes.count * 8)).contains(prefix) else { throw Invalid(text: text) }
            networks.append(Network(address: bytes, prefix: prefix))
        }
    }

    /// The address's bytes (4 or 16); IPv4-mapped IPv6 addresses count as IPv4.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
            return bytes
        }
        return nil
    }

    public func allows(_ address: String) -> Bool {
        guard let bytes = Self.parse(address) else { return false }
        return networks.contains { network in
            guard network.address.count == bytes.count else { return false }
            var remaining = network.prefix
            for index in bytes.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if bytes[index] & mask != network.address[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }
}
