/// The one reading of `host[:port]`, for `-H`, `--hosts-file`, a profile's `hosts` and `--listen`:
/// - `name`, `192.0.2.1`: a host (IPv4 or a name) without a port; `name:8022`: with one (one colon);
/// - `[2001:db8::1]`, `[2001:db8::1]:8022`: an IPv6 address in brackets, with or without a port (the
///   brackets stay in `host`; the socket code takes them off);
/// - `2001:db8::1`, `::1`: two colons or more without brackets are an IPv6 address, never a port: an
///   IPv6 address with a port needs the brackets (as in URLs), since `::1:8022` is itself an address;
/// - surrounding blanks are ignored; blanks inside are an error.
/// What differs per use is in `Rules`: whether a bare word is a host (`-H pbx1`) or a port
/// (`--listen 8084`, as fs_cli's socket examples write it), whether an empty host or port means the
/// default (`--listen :8084`, `--listen 127.0.0.1:`), and the port range (`--listen 0` picks a free one).
package struct HostPort: Equatable, Sendable {
    /// As written (brackets kept); nil when not given.
    package var host: String?
    package var port: Int?

    package init(host: String?, port: Int?) {
        self.host = host
        self.port = port
    }

    package struct Rules: Sendable {
        package enum BareWord: Sendable { case host, port }
        package var bareWord: BareWord
        package var ports: ClosedRange<Int>
        /// `:8084` and `host:` are the default host and port rather than errors.
        package var emptyPartsAreDefaults: Bool

        /// `-H`, `--hosts-file`, a profile's `hosts`: the port defaults to the resolved one (8021 …).
        package static let fleetHost = Rules(bareWord: .host, ports: 1...65535, emptyPartsAreDefaults: false)
        /// `--listen [ip:]port`: defaults 127.0.0.1 and 8084 (see `Invocation.startListening`).
        package static let listenAddress = Rules(bareWord: .port, ports: 0...65535, emptyPartsAreDefaults: true)
    }

    package enum Problem: Error, Equatable, Sendable {
        case empty
        /// Not host[:port] at all (blanks inside, text after `]`, `[]` …).
        case malformed
        /// A port that is not a number in the rules' range.
        case badPort
    }

    package static func parse(_ text: String, _ rules: Rules) throws(Problem) -> HostPort {
        let trimmed = text.trimmingWhitespace
        if trimmed.isEmpty {
            guard rules.emptyPartsAreDefaults else { throw .empty }
            return HostPort(host: nil, port: nil)
        }
        var host: Substring?
        var port: Substring?
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw .malformed }
            host = trimmed[...close]
            let rest = trimmed[trimmed.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { throw .malformed }
                port = rest.dropFirst()
            }
        } else {
            let colons = trimmed.count { $0 == ":" }
            if colons == 1, let colon = trimmed.firstIndex(of: ":") {
                host = trimmed[..<colon]
                port = trimmed[trimmed.index(after: colon)...]
            } else if colons == 0, rules.bareWord == .port {
                port = Substring(trimmed)
            } else {
                host = Substring(trimmed)  // a name, an IPv4 address or a bare IPv6 address
            }
        }
        if host?.isEmpty == true || port?.isEmpty == true {
            guard rules.emptyPartsAreDefaults else { throw host?.isEmpty == true ? .malformed : .badPort }
            if host?.isEmpty == true { host = nil }
            if port?.isEmpty == true { port = nil }
        }
        var number: Int?
        if let port {
            guard let parsed = Int(port), rules.ports.contains(parsed) else { throw .badPort }
            number = parsed
        }
        if let host {
            guard host != "[]", !host.contains(where: { $0 == " " || $0 == "\t" }) else { throw .malformed }
        }
        return HostPort(host: host.map(String.init), port: number)
    }
}
