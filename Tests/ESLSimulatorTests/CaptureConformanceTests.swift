import ESLClient
import ESLProtocol
import ESLSimulator
import TestSupport
import Testing

/// The later captures (filters, call control, userauth, ACL, the outbound session) replayed against the
/// simulator: the same frames, and the same values wherever they do not depend on time or identifiers.
extension SimulatorConformanceTests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The capture's client bytes, one command (ending in a blank line) each.
    static func commands(_ name: String) -> [String] {
        text(Fixtures.sent(name)).split(separator: "\n\n").map { String($0) + "\n\n" }
    }

    @Test func aclRejectionIsByteIdentical() throws {
        let simulator = try testSimulator { $0.rejectByACL = true }
        defer { simulator.stop() }
        let client = try RawClient(port: simulator.port)
        #expect(Self.text(client.receiveUntilClosed()) == Self.text(Fixtures.received("acl-rejection")))
    }

    static let restrictedUser = SimulatorUser(password: "esl-secret-1000", allowedEvents: ["CHANNEL_CREATE", "HEARTBEAT"],
                                              allowedAPI: ["status", "show"], allowedLog: false)

    @Test func userauthRefusedIsByteIdentical() throws {
        let simulator = try testSimulator { $0.users = ["1000@127.0.0.1": Self.restrictedUser] }
        defer { simulator.stop() }
        let client = try RawClient(port: simulator.port)
        client.send(Fixtures.sent("userauth-bad"))
        #expect(Self.text(client.receiveUntilClosed()) == Self.text(Fixtures.received("userauth-bad")))
    }

    @Test func userauthAcceptedWithItsPermissions() throws {
        let simulator = try testSimulator { $0.users = ["1000@127.0.0.1": Self.restrictedUser] }
        defer { simulator.stop() }
        let client = try RawClient(port: simulator.port)
        client.send(Fixtures.sent("userauth-ok"))
        let ours = try Fixtures.frames(client.receiveUntilClosed()).frames
        let theirs = try Fixtures.frames(Fixtures.received("userauth-ok")).frames
        #expect(ours.count == theirs.count)
        for (index, (mine, real)) in zip(ours, theirs).enumerated() {
            #expect(mine.headers.map(\.name) == real.headers.map(\.name), "frame \(index)")
            switch index {
            case 2:  // status: uptime and counters differ, the lines do not
                #expect(mine.bodyText.hasPrefix("UP 0 years, 0 days, "))
                #expect(mine.bodyText.split(separator: "\n").count == real.bodyText.split(separator: "\n").count)
            case 3:  // show modules: the simulator's interfaces are a subset of the switch's, each row as it has it
                let rows = mine.bodyText.split(separator: "\n")
                let realRows = Set(real.bodyText.split(separator: "\n"))
                #expect(rows.first == "type,name,ikey,filename")
                #expect(rows.filter { $0.hasPrefix("api,") }.count > 150)
                #expect(rows.dropFirst().filter { !$0.hasSuffix(" total.") && !realRows.contains($0) }.isEmpty)
                #expect(mine.bodyText.hasSuffix("\n\n\(rows.count - 2) total.\n"))
            default:
                #expect(mine == real, "frame \(index): \(mine.headers) \(mine.bodyText.prefix(80))")
            }
        }
        #expect(ours.first { $0.headers["Reply-Text"] == "+OK accepted" }?.headers["Allowed-API"] == "status,show")
        // An API command outside esl-allowed-api (the captures README: `api version` was denied).
        let other = try RawClient(port: simulator.port)
        _ = try other.frames { $0.count >= 1 }
        let denied = try other.exchange("userauth 1000@127.0.0.1:esl-secret-1000\n\napi version\n\n", replies: 2)
        #expect(denied.compactMap { $0.headers["Reply-Text"] } == ["+OK accepted", "-ERR permission denied"])
    }

    // MARK: - Filters

    /// Events of one phase: everything until the reply that follows them.
    static func eventNames(_ frames: [Frame]) throws -> [String] {
        try frames.filter { $0.contentType == "text/event-plain" }.map { try Event.decode($0.body, format: .plain).name }
    }

    /// The capture's events of one phase (the event frames between two reply frames).
    static func recordedPhases(_ name: String) throws -> [[Event]] {
        var phases: [[Event]] = [[]]
        for frame in try Fixtures.frames(Fixtures.received(name)).frames {
            if frame.isReply {
                if !phases[phases.count - 1].isEmpty { phases.append([]) }
            } else if frame.contentType == "text/event-plain" {
                phases[phases.count - 1].append(try Event.decode(frame.body, format: .plain))
            }
        }
        return phases.filter { !$0.isEmpty }
    }

    /// Sends the capture's commands `range`, expects the capture's reply texts for them.
    static func sendCommands(_ client: RawClient, _ commands: ArraySlice<String>, expecting replies: ArraySlice<String>) throws {
        let frames = try client.exchange(commands.joined(), replies: commands.count)
        #expect(frames.filter(\.isReply).compactMap { $0.headers["Reply-Text"] } == Array(replies))
        #expect(frames.allSatisfy { $0.isReply }, "an event got through before the call")
    }

    /// Runs a call on the simulator and fires `extra` events, then asks for the host name: the events
    /// that arrive before its reply are the ones the filters let through.
    static func eventsThrough(_ client: RawClient, _ simulator: Simulator, extra: [Event]) throws -> [Event] {
        let uuid = simulator.originate(destination: "9196")
        for event in extra { simulator.fire(event) }
        let controller = try Connection.open(ConnectOptions(port: simulator.port))
        defer { controller.close() }
        _ = try controller.send(.api("uuid_kill \(uuid)"))
        let frames = try client.exchange("api hostname\n\n")
        #expect(frames.last?.bodyText == "vm")
        return try frames.filter { $0.contentType == "text/event-plain" }.map { try Event.decode($0.body, format: .plain) }
    }

    static func with(_ event: Event, _ name: String, _ value: String) -> Event {
        var copy = event
        copy.headers.set(name, value)
        return copy
    }

    @Test func filtersLetThroughWhatTheSwitchLetThrough() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let commands = Self.commands("filters-plain")
        let replies = try Fixtures.frames(Fixtures.received("filters-plain")).frames.compactMap { $0.headers["Reply-Text"] }
        let recorded = try Self.recordedPhases("filters-plain")
        #expect(recorded.count == 2)
        let client = try RawClient(port: simulator.port)
        _ = try client.frames { $0.count >= 1 }  // auth/request
        try Self.sendCommands(client, commands[0..<4], expecting: replies[0..<4])

        // Phase 1: two equality filters on one header: either value passes — both legs' CREATE and DESTROY.
        let first = try Self.eventsThrough(client, simulator, extra: [])
        #expect(first.map(\.name) == recorded[0].map(\.name))
        #expect(recorded[0].map(\.name) == ["CHANNEL_CREATE", "CHANNEL_CREATE", "CHANNEL_DESTROY", "CHANNEL_DESTROY"])

        // Phase 2: a regex on the name, an exclusion on the caller number. The recorded events pass
        // again; the same with the excluded caller do not, nor do names outside the regex.
        try Self.sendCommands(client, commands[4..<7], expecting: replies[4..<7])
        let excluded = recorded[1].map { Self.with($0, "Caller-Caller-ID-Number", "1001") }
        let second = try Self.eventsThrough(client, simulator, extra: recorded[1] + excluded + recorded[0])
        #expect(second.map(\.name) == ["CHANNEL_ANSWER", "CHANNEL_ANSWER", "CHANNEL_HANGUP", "CHANNEL_HANGUP"] + recorded[1].map(\.name)
            || second.map(\.name) == ["CHANNEL_ANSWER", "CHANNEL_ANSWER"] + recorded[1].map(\.name) + ["CHANNEL_HANGUP", "CHANNEL_HANGUP"])
        #expect(Array(second.map(\.uniqueID).filter { id in recorded[1].contains { $0.uniqueID == id } }) == recorded[1].map(\.uniqueID))
        #expect(!second.contains { $0["Caller-Caller-ID-Number"] == "1001" })

        // Phase 3: a filter no event matches: nothing passes, not even the call's own events.
        try Self.sendCommands(client, commands[7..<10], expecting: replies[7..<10])
        let third = try Self.eventsThrough(client, simulator, extra: recorded[0] + recorded[1])
        #expect(third.isEmpty)
    }

    @Test func nixeventAndNoeventsStopWhatTheyName() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let client = try RawClient(port: simulator.port)
        _ = try client.frames { $0.count >= 1 }
        let recorded = try Self.recordedPhases("filters-plain")
        _ = try client.exchange("auth ClueCon\n\nevent plain CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_ANSWER\n\nnixevent CHANNEL_CREATE\n\n", replies: 3)
        let nixed = try Self.eventsThrough(client, simulator, extra: recorded[0])
        #expect(nixed.map(\.name) == ["CHANNEL_ANSWER", "CHANNEL_ANSWER", "CHANNEL_DESTROY", "CHANNEL_DESTROY", "CHANNEL_DESTROY", "CHANNEL_DESTROY"])
        let off = try client.exchange("noevents\n\n")
        #expect(off.last?.headers["Reply-Text"] == "+OK no longer listening for events")
        #expect(try Self.eventsThrough(client, simulator, extra: recorded[0]).isEmpty)
    }

    // MARK: - Call control

    @Test func callControlRepliesMatch() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let recorded = "d07c3d2f-9eb0-4dfb-83a2-246006178ea2"
        let uuid = simulator.originate(destination: "9196")
        let client = try RawClient(port: simulator.port)
        _ = try client.frames { $0.count >= 1 }
        let commands = Self.commands("call-control-replies").map { $0.replacing(recorded, with: uuid) }
        let theirs = try Fixtures.frames(Fixtures.received("call-control-replies")).frames.dropFirst()
        var ours: [Frame] = []
        for command in commands { ours += try client.exchange(command) }
        #expect(ours.count == theirs.count)
        // The B leg's UUID: the second row of `show channels`.
        let other = ours.dropFirst().first.map { String($0.bodyText.split(separator: "\n").dropFirst(2).first?.prefix { $0 != "," } ?? "?") } ?? "?"
        let recordedOther = "14a5c686-2752-40da-9157-ca9e06f0dc90"
        // The recorded call was placed with a caller ID (Ctl Caller, 3001) the simulator's calls do not
        // carry; its creation time is the recording's. Those columns are compared by name only.
        let identityColumns: Set = ["created", "created_epoch", "cid_name", "cid_num", "callee_name", "callee_num",
                                    "initial_cid_name", "initial_cid_num", "call_created_epoch"]
        for (index, (mine, real)) in zip(ours, theirs).enumerated() {
            #expect(mine.headers.map(\.name) == real.headers.map(\.name), "frame \(index)")
            let mineText = mine.bodyText.replacing(uuid, with: recorded).replacing(other, with: recordedOther)
            let command = commands[index].split(separator: "\n").first ?? ""
            if command.hasPrefix("api show channels") && !command.hasSuffix("count") || command.hasPrefix("api show calls") {
                #expect(Self.table(mineText, masking: identityColumns) == Self.table(real.bodyText, masking: identityColumns), "\(command)")
            } else if command.hasPrefix("api uuid_dump") {
                let dump = try Event.decode(Array(mineText.utf8) + [10, 10], format: .plain)
                let real = try Event.decode(real.body + [10, 10], format: .plain)
                #expect(dump.name == "CHANNEL_DATA")
                #expect(dump["Event-Calling-Function"] == real["Event-Calling-Function"])
                #expect(dump.uniqueID == recorded)
                #expect(dump["Channel-State"] == real["Channel-State"])
                #expect(dump["Answer-State"] == real["Answer-State"])
            } else if command.hasPrefix("api uuid_getvar \(uuid)") {
                #expect(!mineText.hasPrefix("-ERR"), "\(command): \(mineText)")
            } else {
                #expect(mineText == real.bodyText && mine.headers["Reply-Text"]?.replacing(uuid, with: recorded) == real.headers["Reply-Text"],
                        "\(command): \(mineText) \(mine.headers["Reply-Text"] ?? "")")
            }
        }
    }

    /// A show table (CSV, JSON or XML) with the masked columns' values blanked, one line per row or element.
    static func table(_ text: String, masking masked: Set<String>) -> [String] {
        var text = text
        for column in masked {
            text = text.replacing(try! Regex("\"\(column)\":\"[^\"]*\""), with: "\"\(column)\":\"\"")
            text = text.replacing(try! Regex("<\(column)>[^<]*</\(column)>"), with: "<\(column)></\(column)>")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.first, header.hasPrefix("uuid,") else { return text.replacing("},{", with: "},\n{").split(separator: "\n").map(String.init) }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == columns.count else { return line }
            return zip(columns, cells).map { masked.contains($0) ? "" : $1 }.joined(separator: ",")
        }
    }

    // MARK: - Outbound

    @Test func outboundSessionMatches() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let listener = try Listener(host: "127.0.0.1", port: 0)
        defer { listener.shutdown() }
        let uuid = simulator.originate(destination: "9196", socket: "127.0.0.1:\(listener.port)")
        guard let (socket, _) = listener.accept() else { Issue.record("the switch did not connect"); return }
        let client = RawClient(socket: socket)
        let recorded = "cbb44022-4489-4d0f-8356-bd2a778606b9"
        let commands = Self.commands("outbound-session")
        let theirs = try Fixtures.frames(Fixtures.received("outbound-session")).frames
        var ours: [Frame] = []
        for command in commands.dropLast() { ours += try client.exchange(command) }
        client.send(commands.last!)
        ours += try client.frames { $0.last?.contentType == "text/disconnect-notice" }
        func summary(_ frames: [Frame]) -> [String] {
            frames.map { frame in
                if frame.contentType == "text/event-plain", let event = try? Event.decode(frame.body, format: .plain) {
                    return "event \(event.name) \(event.uniqueID == uuid || event.uniqueID == recorded)"
                }
                return "\(frame.contentType ?? "") \(frame.headers["Reply-Text"] ?? "")"
            }
        }
        #expect(summary(ours) == summary(theirs))
        // connect: the channel as the header block of a command/reply, values URL-encoded. The simulator's
        // channel comes from another recorded call (call-events-plain): its caller-profile headers differ,
        // so the names are compared as a set and the call's state values one by one.
        let names = Set(theirs.first?.headers.map(\.name) ?? []).union(["Caller-Callee-ID-Name"])
        #expect(ours.first?.headers.map(\.name).filter { !names.contains($0) } == [])
        #expect(ours.first?.headers.map(\.name).suffix(4) == ["Content-Type", "Reply-Text", "Socket-Mode", "Control"])
        for name in ["Event-Name", "Channel-State", "Channel-Call-State", "Answer-State", "Call-Direction", "Socket-Mode", "Control",
                     "Channel-Name", "variable_current_application"] {
            #expect(ours.first?.headers[name] == theirs.first?.headers[name], "\(name)")
        }
        #expect(ours.first?.headers["Unique-ID"] == uuid)
        let notice = ours.last?.headers.filter { $0.name != "Controlled-Session-UUID" }
        #expect(notice == theirs.last?.headers.filter { $0.name != "Controlled-Session-UUID" })
        #expect(ours.last?.headers["Controlled-Session-UUID"] == uuid)
    }
}
