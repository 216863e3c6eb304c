import ConsoleUI
import ESLProtocol
import Foundation
import TestSupport
import Testing

@Suite struct StyleTests {
    @Test func colourDecision() {
        #expect(Style.resolve(.auto, isTerminal: true, noColor: nil).enabled)
        #expect(!Style.resolve(.auto, isTerminal: false, noColor: nil).enabled)
        #expect(!Style.resolve(.auto, isTerminal: true, noColor: "1").enabled)
        #expect(Style.resolve(.auto, isTerminal: true, noColor: "").enabled)
        #expect(Style.resolve(.always, isTerminal: false, noColor: "1").enabled)
        #expect(!Style.resolve(.never, isTerminal: true, noColor: nil).enabled)
    }

    @Test func logColoursAreFsClis() {
        let style = Style(enabled: true)
        #expect(style.log("boom\n", level: 3) == "\u{1B}[31mboom\u{1B}[0m\n")
        #expect(style.log("careful\n", level: 4) == "\u{1B}[35mcareful\u{1B}[0m\n")
        #expect(style.log("note", level: 5) == "\u{1B}[36mnote\u{1B}[0m")
        #expect(style.log("info\n", level: 6) == "\u{1B}[32minfo\u{1B}[0m\n")
        #expect(style.log("debug\n", level: 7) == "\u{1B}[33mdebug\u{1B}[0m\n")
        #expect(style.log("console\n", level: 0) == "console\n")
        #expect(Style.plain.log("plain\n", level: 3) == "plain\n")
    }
}

@Suite struct EventFormatterTests {
    let answer = Event(headers: Headers([
        Header("Event-Name", "CHANNEL_ANSWER"), Header("Event-Date-Timestamp", "1795739358134922"),
        Header("Channel-Name", "loopback/9196-a"), Header("Unique-ID", "2eaae6b8-f94e-4310-b468-4fe7e7e89bd1"),
        Header("Caller-Caller-ID-Name", "Outbound Call"), Header("Caller-Caller-ID-Number", "0000000000"),
        Header("Caller-Destination-Number", "9196"),
    ]))

    /// The clock is the viewer's local time: pinned to UTC here, where the recorded event's
    /// Event-Date-GMT reads "Fri, 27 Nov 2026 00:29:18 GMT".
    static func inUTC<T>(_ body: () throws -> T) rethrows -> T {
        let previous = getenv("TZ").map { String(cString: $0) }
        setenv("TZ", "UTC", 1)
        tzset()
        defer {
            if let previous { setenv("TZ", previous, 1) } else { unsetenv("TZ") }
            tzset()
        }
        return try body()
    }

    @Test func summaryIsOneReadableLine() {
        let line = Self.inUTC { EventFormatter().render(answer) }
        #expect(line == "00:29:18.134 CHANNEL_ANSWER loopback/9196-a Outbound Call <0000000000> → 9196 [2eaae6b8-f94e-4310-b468-4fe7e7e89bd1]\n")
        #expect(Self.inUTC { EventFormatter.clock(1_795_739_358_004_922, date: true) } == "2026-11-27 00:29:18.004")
        let job = Event(name: "BACKGROUND_JOB", headers: [Header("Job-UUID", "j"), Header("Job-Command", "status")], body: "UP 0 years\nmore")
        #expect(EventFormatter().render(job) == "BACKGROUND_JOB status [j] → UP 0 years\n")
    }

    /// The sofia-register-plain capture (a SIP client registers, then unregisters): who, where from,
    /// for how long, in one line each. Expected lines written by hand from the capture.
    @Test func sofiaRegistrationsSayWhoAndFromWhere() throws {
        let events = try Fixtures.messages("sofia-register-plain").compactMap { message -> Event? in
            if case .event(let event, _) = message { return event }
            return nil
        }
        let lines = events.map { event in
            let line = EventFormatter().summary(event)
            return String(line.drop { $0 != " " }.dropFirst())  // the clock is local time
        }
        let contact = "<sip:1000@127.0.0.1:5999>"
        #expect(lines == [
            "CUSTOM sofia::pre_register 1000@127.0.0.1 on internal \(contact) from 127.0.0.1:5999/udp expires 60 Registered(UDP) ua \"unknown\"",
            "CUSTOM sofia::register_attempt 1000@127.0.0.1 on internal \(contact) from 127.0.0.1:5999/udp expires 60 Registered(UDP) auth RENEWED ua \"unknown\"",
            "CUSTOM sofia::register 1000@127.0.0.1 on internal \(contact) from 127.0.0.1:5999/udp expires 60 Registered(UDP) ua \"unknown\"",
            "CUSTOM sofia::pre_register 1000@127.0.0.1 on internal \(contact) from 127.0.0.1:5999/udp expires 0 Registered(UDP) ua \"unknown\"",
            "CUSTOM sofia::register_attempt 1000@127.0.0.1 on internal \(contact) from 127.0.0.1:5999/udp expires 0 Registered(UDP) auth RENEWED ua \"unknown\"",
            "CUSTOM sofia::unregister 1000@127.0.0.1 on internal \(contact) from 127.0.0.1:5999 expires 0 ua \"unknown\"",
        ])
    }

    @Test func conferenceMaintenanceAndOtherCustomEvents() {
        let join = Event(name: "CUSTOM", subclass: "conference::maintenance", headers: [
            Header("Conference-Name", "3000-vm"), Header("Action", "add-member"), Header("Member-ID", "4"),
            Header("Caller-Caller-ID-Name", "Alice"), Header("Caller-Caller-ID-Number", "1001"), Header("Unique-ID", "u1"),
        ])
        #expect(EventFormatter().summary(join) == "CUSTOM conference::maintenance 3000-vm add-member member 4 Alice <1001> [u1]")
        let contact = Event(name: "CUSTOM", subclass: "sofia::register", headers: [
            Header("username", "1002"), Header("realm", "pbx"), Header("contact", "\"Bob\" <sip:1002@192.0.2.9:5070;transport=tcp>"),
            Header("network-ip", "192.0.2.9"), Header("network-port", "5070"), Header("expires", "300"),
        ])
        #expect(EventFormatter().summary(contact) == "CUSTOM sofia::register 1002@pbx \"Bob\" <sip:1002@192.0.2.9:5070;transport=tcp> from 192.0.2.9:5070/tcp expires 300")
        // Any other CUSTOM event: its own first headers, not the core's stamps.
        let queue = Event(name: "CUSTOM", subclass: "callcenter::info", headers: [
            Header("Core-UUID", "c"), Header("FreeSWITCH-Hostname", "vm"), Header("CC-Queue", "support@default"),
            Header("CC-Action", "member-queue-start"), Header("CC-Member-CID-Name", "Carol Q"),
        ])
        #expect(EventFormatter().summary(queue) == "CUSTOM callcenter::info CC-Queue=support@default CC-Action=member-queue-start CC-Member-CID-Name=\"Carol Q\"")
    }

    @Test func headersFormatIsDecodedThenBody() {
        let event = Event(name: "CUSTOM", subclass: "a::b", headers: [Header("X", "a b")], body: "text")
        #expect(EventFormatter(format: .headers).render(event) == "Event-Name: CUSTOM\nEvent-Subclass: a::b\nX: a b\n\ntext\n\n")
    }

    @Test func ndjsonIsOneParsableObjectPerLine() throws {
        let event = Event(name: "CUSTOM", headers: [Header("X", "line\nbreak \"quoted\"")], body: "b")
        let text = EventFormatter(format: .ndjson, timestamps: true).render(event, received: 1_795_739_358_134_922)
        #expect(text.hasSuffix("}\n"))
        #expect(text.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
        #expect(object["X"] == "line\nbreak \"quoted\"")
        #expect(object["_body"] == "b")
        #expect(object["_received"]?.hasSuffix(" 00:29:18.134") == true || object["_received"]?.hasSuffix(".134") == true)
    }

    @Test func prettyJSONParsesToTheSameObject() throws {
        let event = Event(name: "CUSTOM", headers: [Header("M", "1"), Header("M", "2")], body: "b")
        let text = EventFormatter(format: .json).render(event)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["M"] as? [String] == ["1", "2"])
        #expect(text.split(separator: "\n").count == 5)
    }

    /// As the switch writes them (call-events-plain, -xml): values URL-encoded, in the same order.
    @Test func wireFormatsAreTheServers() throws {
        let plain = EventFormatter(format: .plain).render(answer)
        #expect(plain == """
            Event-Name: CHANNEL_ANSWER
            Event-Date-Timestamp: 1795739358134922
            Channel-Name: loopback/9196-a
            Unique-ID: 2eaae6b8-f94e-4310-b468-4fe7e7e89bd1
            Caller-Caller-ID-Name: Outbound%20Call
            Caller-Caller-ID-Number: 0000000000
            Caller-Destination-Number: 9196



            """)
        let xml = EventFormatter(format: .xml).render(answer)
        #expect(xml == """
            <event>
              <headers>
                <Event-Name>CHANNEL_ANSWER</Event-Name>
                <Event-Date-Timestamp>1795739358134922</Event-Date-Timestamp>
                <Channel-Name>loopback/9196-a</Channel-Name>
                <Unique-ID>2eaae6b8-f94e-4310-b468-4fe7e7e89bd1</Unique-ID>
                <Caller-Caller-ID-Name>Outbound%20Call</Caller-Caller-ID-Name>
                <Caller-Caller-ID-Number>0000000000</Caller-Caller-ID-Number>
                <Caller-Destination-Number>9196</Caller-Destination-Number>
              </headers>
            </event>

            """)
    }

    /// The text of a second is kept for the next event of that second (per form, with or without the
    /// date); another second, or the other form, is written anew.
    @Test func theClockOfEachSecondAndForm() {
        let base = 1_795_739_358_000_000
        let first = EventFormatter.clock(base, date: false)
        let later = EventFormatter.clock(base + 1_000_000, date: false)
        let dated = EventFormatter.clock(base, date: true)
        let again = EventFormatter.clock(base + 5_000, date: false)
        #expect(first.hasSuffix(".000"))
        #expect(first != later)
        #expect(later.hasSuffix(".000"))
        #expect(dated.hasSuffix(" " + first))
        #expect(dated.count == first.count + 11)
        #expect(again == String(first.dropLast(3)) + "005")
        #expect(EventFormatter.clock(base, date: false) == first)
    }
}
