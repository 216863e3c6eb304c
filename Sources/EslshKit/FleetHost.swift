import ESLClient
import ESLProtocol

/// One switch of a fleet: the name shown in its `[name]` tags (as the user wrote it) and where to
/// connect, read as `HostPort` reads hosts.
package struct FleetHost: Equatable, Sendable {
    package var label: String
    package var host: String
    /// nil: the port the settings resolved (-P, ESL_PORT, the profile, 8021).
    package var port: Int?

    package struct Invalid: Error, CustomStringConvertible {
        package var description: String
    }

    package init(label: String, host: String, port: Int?) {
        self.label = label
        self.host = host
        self.port = port
    }

    /// `text` read by `HostPort`'s rules for hosts; `place` (`-H`, `file:line`) starts the error.
    package init(parsing text: String, place: String) throws(Invalid) {
        let trimmed = text.trimmingWhitespace
        do throws(HostPort.Problem) {
            let parsed = try HostPort.parse(trimmed, .fleetHost)
            label = trimmed
            host = parsed.host ?? trimmed
            port = parsed.port
        } catch {
            switch error {
            case .empty: throw Invalid(description: "\(place): an empty host name")
            case .malformed: throw Invalid(description: "\(place): '\(trimmed.escapedForDisplay)' is not host[:port]")
            case .badPort: throw Invalid(description: "\(place): '\(trimmed.escapedForDisplay)' has no valid port (1-65535)")
            }
        }
    }

    /// The lines of a hosts file: one host a line, `#` starts a comment, blank lines skipped.
    package static func list(file path: String) throws(Invalid) -> [FleetHost] {
        guard let bytes = FileBytes.read(path) else { throw Invalid(description: "cannot read the hosts file \(path)") }
        // "\r\n" is one Swift character: make CRLF files LF before splitting.
        let lines = String(decoding: bytes, as: UTF8.self).replacing("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var hosts: [FleetHost] = []
        for (offset, line) in lines.enumerated() {
            let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !text.trimmingWhitespace.isEmpty else { continue }
            hosts.append(try FleetHost(parsing: text, place: "\(path):\(offset + 1)"))
        }
        return hosts
    }

    /// A profile's `hosts = pbx1, pbx2:8022` (commas or spaces between).
    package static func list(profileValue text: String, place: String) throws(Invalid) -> [FleetHost] {
        var hosts: [FleetHost] = []
        for word in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
            hosts.append(try FleetHost(parsing: String(word), place: place))
        }
        return hosts
    }
}

extension Settings {
    /// The hosts to run on, by the usual order: the command line (`-H`, repeatable, then `--hosts-file`),
    /// else ESL_HOST (as before: one host), else the profile's `hosts` list. One host is the plain
    /// single-switch mode (with its `host:port` taken apart); several make a fleet.
    package mutating func resolveHosts(options: [String], hostsFile: String?, environmentHost: String?, profileHosts: (String, String)?) throws(FleetHost.Invalid) {
        var hosts: [FleetHost] = []
        for text in options { hosts.append(try FleetHost(parsing: text, place: "-H")) }
        if let hostsFile {
            let listed = try FleetHost.list(file: hostsFile)
            if listed.isEmpty { throw FleetHost.Invalid(description: "\(hostsFile) lists no hosts") }
            hosts += listed
        }
        if hosts.isEmpty, (environmentHost ?? "").isEmpty, let (text, place) = profileHosts {
            hosts = try FleetHost.list(profileValue: text, place: place)
        }
        // The same host twice would run everything twice under one tag.
        var seen = Set<String>()
        hosts = hosts.filter { seen.insert($0.label).inserted }
        if hosts.count == 1 {
            connect.host = hosts[0].host
            if let port = hosts[0].port { connect.port = port }
        } else if hosts.count > 1 {
            fleet = hosts
            connect.host = hosts[0].host
        }
    }

    /// The connect options for one host of the fleet.
    package func connect(to host: FleetHost) -> ConnectOptions {
        var options = connect
        options.host = host.host
        if let port = host.port { options.port = port }
        return options
    }
}
