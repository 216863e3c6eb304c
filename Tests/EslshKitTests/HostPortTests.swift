import Testing
@testable import EslshKit

@Suite struct HostPortTests {
    typealias Case = (text: String, host: String?, port: Int?)

    @Test(arguments: [
        ("pbx1", "pbx1", nil), ("pbx1:8022", "pbx1", 8022), ("192.0.2.1", "192.0.2.1", nil), ("192.0.2.1:8021", "192.0.2.1", 8021),
        ("[2001:db8::1]", "[2001:db8::1]", nil), ("[2001:db8::1]:8022", "[2001:db8::1]", 8022),
        ("2001:db8::1", "2001:db8::1", nil), ("::1", "::1", nil), ("  pbx2:9000\t", "pbx2", 9000),
    ] as [Case])
    func hosts(_ text: String, host: String?, port: Int?) throws {
        #expect(try HostPort.parse(text, .fleetHost) == HostPort(host: host, port: port))
    }

    @Test(arguments: [
        ("", HostPort.Problem.empty), ("   ", .empty), (":8022", .malformed), ("pbx:", .badPort), ("pbx:0", .badPort),
        ("pbx:65536", .badPort), ("pbx:http", .badPort), ("[::1]x", .malformed), ("[::1", .malformed), ("[]", .malformed),
        ("[]:8021", .malformed), ("[::1]:", .badPort), ("two words", .malformed),
    ])
    func badHosts(_ text: String, problem: HostPort.Problem) {
        #expect(throws: problem) { try HostPort.parse(text, .fleetHost) }
    }

    /// `--listen`: a bare word is a port; empty parts are the defaults; port 0 asks for a free one.
    @Test(arguments: [
        ("8084", nil, 8084), ("0", nil, 0), ("127.0.0.1:8085", "127.0.0.1", 8085), (":8086", nil, 8086),
        ("0.0.0.0:", "0.0.0.0", nil), ("", nil, nil), ("[::1]:8087", "[::1]", 8087), ("[::1]", "[::1]", nil),
        ("::1", "::1", nil),
        // Two colons or more without brackets are an address: `::1:8084` is itself an IPv6 address.
        ("::1:8084", "::1:8084", nil),
    ] as [Case])
    func listenAddresses(_ text: String, host: String?, port: Int?) throws {
        #expect(try HostPort.parse(text, .listenAddress) == HostPort(host: host, port: port))
    }

    @Test(arguments: ["http", "65536", "-1", "127.0.0.1:x", "[::1]8084"])
    func badListenAddresses(_ text: String) {
        #expect(throws: HostPort.Problem.self) { try HostPort.parse(text, .listenAddress) }
    }
}

@Suite struct FleetHostTests {
    @Test func keepsTheLabelAsWritten() throws {
        let host = try FleetHost(parsing: " [::1]:8022 ", place: "-H")
        #expect(host == FleetHost(label: "[::1]:8022", host: "[::1]", port: 8022))
        #expect(try FleetHost(parsing: "pbx1", place: "-H") == FleetHost(label: "pbx1", host: "pbx1", port: nil))
    }

    @Test func errorsNameThePlace() {
        func message(_ text: String) -> String { errorText { try FleetHost(parsing: text, place: "hosts.txt:3") } }
        #expect(message("") == "hosts.txt:3: an empty host name")
        #expect(message("pbx:99999") == "hosts.txt:3: 'pbx:99999' has no valid port (1-65535)")
        #expect(message("a b") == "hosts.txt:3: 'a b' is not host[:port]")
    }

    @Test func aProfileListTakesCommasAndBlanks() throws {
        let hosts = try FleetHost.list(profileValue: "pbx1, pbx2:8022\tpbx3", place: "conf:2")
        #expect(hosts.map(\.label) == ["pbx1", "pbx2:8022", "pbx3"])
        #expect(hosts.map(\.port) == [nil, 8022, nil])
    }

    @Test func aHostsFileSkipsCommentsAndBlankLinesAndNumbersItsLines() throws {
        let path = temporaryPath("hosts")
        try write("# the lab\r\npbx1\r\n\r\npbx2:8022  # second\r\n", to: path)
        #expect(try FleetHost.list(file: path).map(\.label) == ["pbx1", "pbx2:8022"])
        try write("pbx1\n\npbx2:x\n", to: path)
        #expect(errorText { try FleetHost.list(file: path) } == "\(path):3: 'pbx2:x' has no valid port (1-65535)")
        #expect(errorText { try FleetHost.list(file: "/nonexistent/hosts") } == "cannot read the hosts file /nonexistent/hosts")
    }
}
