#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import ESLSimulator
import TestSupport
import Testing

/// Simulator behaviour the captures do not show byte for byte: filters, heartbeats, call control.
@Suite(.timeLimit(.minutes(1))) struct SimulatorBehaviourTests {
    static func connect(_ simulator: Simulator) throws -> Connection {
        try Connection.open(ConnectOptions(port: simulator.port))
    }

    /// Events until none arrives for `quietMilliseconds`, for at most two seconds.
    static func events(_ connection: Connection, quietMilliseconds: Int = 300) -> [Event] {
        var events: [Event] = []
        let limit = Deadline.after(milliseconds: 2000)
        while !limit.hasPassed, let item = connection.inbound.next(until: min(limit, .after(milliseconds: quietMilliseconds))) {
            if case .message(.event(let event, _)) = item { events.append(event) }
        }
        return events
    }

    @Test func filtersLetOnlyMatchingEventsThrough() throws {
        let simulator = try SimulatorConformanceTests.simulator()
        defer { simulator.stop() }
        let connection = try Self.connect(simulator)
        defer { connection.close() }
        _ = try connection.send(.event(.plain, ["ALL"]))
        let first = simulator.originate(destination: "1000")
        _ = try connection.send(.filter(header: "Unique-ID", value: first))
        _ = try connection.send(.filter(header: "Event-Name", value: "-CHANNEL_STATE"))
        _ = Self.events(connection)
        let second = simulator.originate(destination: "2000")
        _ = try connection.send(.api("uuid_kill \(first)"))
        _ = try connection.send(.api("uuid_kill \(second)"))
        let seen = Self.events(connection)
        #expect(!seen.isEmpty)
        #expect(seen.allSatisfy { $0.uniqueID == first })
        #expect(!seen.contains { $0.name == "CHANNEL_STATE" })
        #expect(seen.contains { $0.name == "CHANNEL_HANGUP_COMPLETE" })
        // Deleting every filter lets everything through again.
        #expect(try connection.send(.filterDelete(.all)).text == "+OK filter deleted. [all][]")
        simulator.originate(destination: "3000")
        #expect(Set(Self.events(connection).map(\.name)).contains("CHANNEL_STATE"))
    }

    /// console_complete as switch_console.c parses it: spaces kept, one trailing space starts a new
    /// word, `c=<cursor>;` cuts the line, live uuids after uuid_kill.
    @Test func consoleCompleteKeepsSpacesAndTheCursor() throws {
        let simulator = try SimulatorConformanceTests.simulator()
        defer { simulator.stop() }
        let connection = try Self.connect(simulator)
        defer { connection.close() }
        let afterShow = try connection.send(.api("console_complete show ")).text
        #expect(afterShow.contains("[            channels]"))
        #expect(!afterShow.contains("write="))
        #expect(try connection.send(.api("console_complete show    ")).text == afterShow)
        #expect(try connection.send(.api("console_complete show")).text.hasSuffix("\n\nwrite=4:show "))
        #expect(try connection.send(.api("console_complete c=7;show chan")).text.hasSuffix("write=2:cha"))
        let uuid = simulator.originate(destination: "9196")
        let uuids = try connection.send(.api("console_complete uuid_kill \(uuid.prefix(4))")).text
        #expect(uuids.contains(uuid))
    }

    /// `created` is created_epoch in local time; `like X` filters; a call's caller number is the same
    /// in `show channels` and through uuid_getvar (as the call-control-replies capture shows).
    @Test func showChannelsAnswersLikeTheCaptures() throws {
        let simulator = try SimulatorConformanceTests.simulator()
        defer { simulator.stop() }
        let connection = try Self.connect(simulator)
        defer { connection.close() }
        let first = simulator.originate(destination: "1000")
        simulator.originate(destination: "2000")
        let rows = try connection.send(.api("show channels")).text.split(separator: "\n")
        let columns = rows[0].split(separator: ",", omittingEmptySubsequences: false)
        let row = rows[1].split(separator: ",", omittingEmptySubsequences: false)
        let value = { (name: String) in String(row[columns.firstIndex { $0 == name }!]) }
        var seconds = Int(value("created_epoch"))!
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        #expect(value("created") == String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        let like = try connection.send(.api("show channels like loopback/1000")).text
        #expect(like.hasSuffix("\n\n2 total.\n"))
        #expect(like.contains(first))
        #expect(!like.contains("loopback/2000"))
        #expect(try connection.send(.api("show channels like nobody-here")).text == "\n0 total.\n")
        #expect(!value("cid_num").isEmpty)
        #expect(try connection.send(.api("uuid_getvar \(value("uuid")) caller_id_number")).text == value("cid_num"))
        #expect(try connection.send(.api("uuid_getvar \(value("uuid")) no_such_variable")).text == "_undef_")
    }

    @Test func regexFilters() throws {
        let simulator = try SimulatorConformanceTests.simulator()
        defer { simulator.stop() }
        let connection = try Self.connect(simulator)
        defer { connection.close() }
        _ = try connection.send(.event(.json, ["ALL"]))
        _ = try connection.send(.filter(header: "Event-Name", value: "/^CHANNEL_(CREATE|DESTROY)$/"))
        let uuid = simulator.originate(destination: "1000")
        _ = try connection.send(.api("uuid_kill \(uuid)"))
        #expect(Self.events(connection).map(\.name).sorted() == ["CHANNEL_CREATE", "CHANNEL_CREATE", "CHANNEL_DESTROY", "CHANNEL_DESTROY"])
    }

    @Test func nixeventAndNoevents() throws {
        let simulator = try SimulatorConformanceTests.simulator()
        defer { simulator.stop() }
        let connection = try Self.connect(simulator)
        defer { connection.close() }
        _ = try connection.send(.event(.plain, ["ALL"]))
        _ = try connection.send(.nixevent(["CHANNEL_STATE", "CODEC"]))
        simulator.originate(destination: "1000")
        let names = Set(Self.events(connection).map(\.name))
        #expect(names.contains("CHANNEL_CREATE"))
        #expect(!names.contains("CHANNEL_STATE"))
        #expect(!names.contains("CODEC"))
        #expect(try connection.send(.noevents).text == "+OK no longer listening for events")
        simulator.originate(destination: "2000")
        #expect(Self.events(connection).isEmpty)
    }

    @Test func heartbeats() throws {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.heartbeatInterval = .milliseconds(50)
        let simulator = try Simulator(configuration)
        defer { simulator.stop() }
        let connection = try Self.connect(simulator)
        defer { connection.close() }
        _ = try connection.send(.event(.xml, ["HEARTBEAT"]))
        let beats = Self.events(connection, quietMilliseconds: 400)
        #expect(beats.count >= 1)
        #expect(beats.first?["Event-Info"] == "System Ready")
        #expect(beats.first?["FreeSWITCH-Hostname"] == "eslsim")
    }

    @Test func logLevelsFilterLines() throws {
        let simulator = try SimulatorConformanceTests.simulator()
        defer { simulator.stop() }
        let connection = try Self.connect(simulator)
        defer { connection.close() }
        _ = try connection.send(.log("notice"))
        simulator.originate(destination: "1000")
        var levels: [Int] = []
        while let item = connection.inbound.next(until: .after(milliseconds: 300)) {
            if case .message(.log(let line)) = item { levels.append(line.level) }
        }
        #expect(!levels.isEmpty)
        #expect(levels.allSatisfy { $0 <= 5 })
        #expect(try connection.send(.nolog).text == "+OK no longer logging")
        simulator.originate(destination: "2000")
        #expect(connection.inbound.next(until: .after(milliseconds: 300)) == nil)
    }

    @Test func callsComeAndGo() throws {
        let simulator = try SimulatorConformanceTests.simulator()
        defer { simulator.stop() }
        let connection = try Self.connect(simulator)
        defer { connection.close() }
        let answer = try connection.send(.api("originate loopback/9196/default &park")).text
        #expect(answer.hasPrefix("+OK "))
        let uuid = String(answer.dropFirst(4).prefix(36))
        #expect(try connection.send(.api("show calls count")).text == "\n1 total.\n")
        let channels = try connection.send(.api("show channels as json")).text
        #expect(channels.hasPrefix("{\"row_count\":2,\"rows\":[{\"uuid\":\"\(uuid)\""))
        #expect(try connection.send(.api("uuid_exists \(uuid)")).text == "true")
        #expect(try connection.send(.sendmsg(uuid: uuid, .hangup(cause: "USER_BUSY"))).text == "+OK")
        #expect(try connection.send(.api("show calls count")).text == "\n0 total.\n")
        #expect(try connection.send(.api("uuid_kill \(uuid)")).text == "-ERR No such channel!\n")
        #expect(try connection.send(.sendmsg(uuid: uuid, .hangup())).text == "-ERR invalid session id [\(uuid)]")
    }

    @Test func theSimulatorsOwnCallGenerator() throws {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.callInterval = .milliseconds(50)
        configuration.callDuration = .milliseconds(100)
        configuration.heartbeatInterval = nil
        let simulator = try Simulator(configuration)
        defer { simulator.stop() }
        let connection = try Self.connect(simulator)
        defer { connection.close() }
        _ = try connection.send(.event(.plain, ["CHANNEL_CREATE", "CHANNEL_HANGUP_COMPLETE"]))
        let names = Self.events(connection, quietMilliseconds: 600).map(\.name)
        #expect(names.contains("CHANNEL_CREATE"))
        #expect(names.contains("CHANNEL_HANGUP_COMPLETE"))
    }
}
