import Foundation
import ESLClient
import ESLProtocol
import TestSupport
import Testing

@Suite struct EventDecodingTests {
    static func events(_ name: String) throws -> [Event] {
        try Fixtures.messages(name).compactMap { message in
            switch message {
            case .event(let event, _): return event
            case .malformed(_, let reason): Issue.record("malformed event: \(reason)"); return nil
            default: return nil
            }
        }
    }

    /// The call's own events: the XML recording also caught a HEARTBEAT and its RE_SCHEDULE.
    static func callEvents(_ format: String) throws -> [Event] {
        try events("call-events-\(format)").filter { $0.name != "HEARTBEAT" && $0.name != "RE_SCHEDULE" }
    }

    @Test("every event of every capture decodes", arguments: ["call-events-plain", "call-events-json", "call-events-xml", "bgapi", "sendevent", "myevents-sendmsg", "outbound-session"])
    func allEventsDecode(name: String) throws {
        let messages = try Fixtures.messages(name)
        for message in messages {
            if case .malformed(_, let reason) = message { Issue.record("\(name): \(reason)") }
            if case .raw(let frame) = message { Issue.record("\(name): raw frame \(frame.contentType ?? "")") }
            // Each a name FreeSWITCH has (its event list), with the Content-Type's format.
            if case .event(let event, let format) = message {
                #expect(Names.eventName(event.name) == event.name, "\(name): \(event.name)")
                #expect([EventFormat.plain, .json, .xml].contains(format))
            }
        }
    }

    @Test func plainJSONAndXMLGiveTheSameEvents() throws {
        let plain = try Self.callEvents("plain")
        let json = try Self.callEvents("json")
        let xml = try Self.callEvents("xml")
        #expect(plain.count == 45)
        #expect(plain.map(\.name).sorted() == json.map(\.name).sorted())
        #expect(plain.map(\.name).sorted() == xml.map(\.name).sorted())
        // Each recording is a different call, so compare header *sets* per event kind.
        func headerSets(_ events: [Event]) -> [String: Set<String>] {
            var sets: [String: Set<String>] = [:]
            for event in events {
                let key = "\(event.name) \(event["Channel-State"] ?? "") \(event["Channel-Name"]?.hasSuffix("-a") == true)"
                sets[key, default: []].formUnion(event.headers.map(\.name))
            }
            return sets
        }
        let plainSets = headerSets(plain)
        #expect(plainSets == headerSets(json))
        #expect(plainSets == headerSets(xml))
        // And the same values for the headers that do not depend on the call or the time.
        let a = try #require(plain.first { $0.name == "CHANNEL_CREATE" })
        let b = try #require(json.first { $0.name == "CHANNEL_CREATE" })
        let c = try #require(xml.first { $0.name == "CHANNEL_CREATE" })
        for header in ["Core-UUID", "FreeSWITCH-IPv6", "Caller-Caller-ID-Name", "Channel-Name", "Event-Calling-Function"] {
            #expect(a[header] == b[header], "\(header)")
            #expect(a[header] == c[header], "\(header)")
        }
        #expect(a["FreeSWITCH-IPv6"] == "fd00::2")
    }

    @Test func jsonKeepsTheServersHeaderOrder() throws {
        let plain = try Self.callEvents("plain")
        let json = try Self.callEvents("json")
        #expect(json[0].headers.prefix(5).map(\.name) == ["Event-Name", "Core-UUID", "FreeSWITCH-Hostname", "FreeSWITCH-Switchname", "FreeSWITCH-IPv4"])
        #expect(json[2].headers.map(\.name) == plain[2].headers.map(\.name))
    }

    @Test func sendeventKeepsTheUsersContentLengthAndTheBody() throws {
        let event = try #require(try Self.events("sendevent").first)
        #expect(event.name == "CUSTOM")
        #expect(event.subclass == "eslsh::test")
        #expect(event["X-Test"] == "hello world: 100% ok")
        #expect(event.body == "line one\nline two\n")
        #expect(event.headers.values("Content-Length") == ["18"])
    }

    @Test(arguments: [HeaderIndexing.atOnce, .onFirstLook])
    func thePlainBodysLengthIsTheLastContentLengthWhereverItStands(indexing: HeaderIndexing) throws {
        let middle = try Event.decode(Array("Event-Name: X\nContent-Length: 3\nX-After: y%20z\n\nabc".utf8), format: .plain, indexing: indexing)
        #expect(middle.headers.map(\.name) == ["Event-Name", "X-After"])
        #expect(middle["X-After"] == "y z")
        #expect(middle.body == "abc")
        let twice = try Event.decode(Array("Event-Name: X\ncontent-length: 9\nContent-Length: 2\r\n\nab".utf8), format: .plain, indexing: indexing)
        #expect(twice.headers.values("Content-Length") == ["9"])
        #expect(twice.body == "ab")
        let array = try Event.decode(Array("Event-Name: X\nContent-Length: ARRAY::1|:2\n\n".utf8), format: .plain, indexing: indexing)
        #expect(array.headers.values("Content-Length") == ["1", "2"])
        #expect(array.body == nil)
        let noBlankLine = try Event.decode(Array("Event-Name: X\nContent-Length: 0".utf8), format: .plain, indexing: indexing)
        #expect(noBlankLine.headers.map(\.name) == ["Event-Name"])
        #expect(noBlankLine.body == "")
    }

    @Test(arguments: [HeaderIndexing.atOnce, .onFirstLook])
    func plainHeaderBlocksOfEveryShapeDecodeAsASimpleLineSplitWould(indexing: HeaderIndexing) throws {
        // Random blocks put newlines, colons, CRs and Content-Length lines at every offset within the
        // eight-byte words the scans read; a plain split of the lines is the oracle.
        for padding in 0..<48 {
            // The blank line and a Content-Length line at every offset within a word.
            let filler = "X: " + String(repeating: "a", count: padding)
            let plain = try Event.decode(Array((filler + "\n\nZ: not a header, and long enough that the word loop reads past the blank line\n\n").utf8), format: .plain, indexing: indexing)
            #expect(plain.headers.list == [Header("X", String(repeating: "a", count: padding))], "\(padding)")
            let body = String(repeating: "b", count: 40)
            let withBody = try Event.decode(Array((filler + "\nContent-Length: 40\n\n" + body).utf8), format: .plain, indexing: indexing)
            #expect(withBody.body == body, "\(padding)")
        }
        // A fixed seed, named in every failure: a failing block can be made again.
        let seed: UInt64 = 0x00E5_15E0_2026_1127
        var generator = SplitMix(state: seed)
        let pieces = ["Event-Name: X", "A: b", "Long-Header-Name: some value here", "no colon", "Content-Length: 3",
                      "content-length: 2", "Content-Length:  1\r", "V: a%20b", "Empty:", "X-Content-Length: 9", "C:\r",
                      "T:\t tabbed", "Content-Length: %32", "\r"]
        for _ in 0..<2000 {
            let lines = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
            var expected: [Header] = []
            var length: Int?
            var lengthIndex: Int?
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = String(line[..<colon])
                var value = String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
                if value.hasSuffix("\r") { value.removeLast() }
                value = value.replacing("%20", with: " ").replacing("%32", with: "2")
                if name.lowercased() == "content-length" { length = Int(value); lengthIndex = expected.count }
                expected.append(Header(name, value))
            }
            if let lengthIndex { expected.remove(at: lengthIndex) }
            let body = String(repeating: "b", count: length ?? 0)
            let text = lines.map { $0 + "\n" }.joined() + "\n" + (length == nil ? "" : body)
            let event = try Event.decode(Array(text.utf8), format: .plain, indexing: indexing)
            #expect(event.headers.list == expected, "seed \(seed): \(text.debugDescription)")
            #expect(event.body == (length == nil ? nil : body), "seed \(seed): \(text.debugDescription)")
        }
    }

    @Test func eventsIndexedOnFirstLookEqualThoseIndexedAtOnce() throws {
        for name in ["call-events-plain", "sendevent", "bgapi", "myevents-sendmsg"] {
            for frame in try Fixtures.frames(Fixtures.received(name)).frames where frame.contentType == "text/event-plain" {
                let atOnce = try Event.decode(frame.body, format: .plain, indexing: .atOnce)
                let onFirstLook = try Event.decode(frame.body, format: .plain, indexing: .onFirstLook)
                #expect(onFirstLook.headers.list == atOnce.headers.list)
                #expect(onFirstLook.body == atOnce.body)
                #expect(onFirstLook.encoded(as: .json) == atOnce.encoded(as: .json))
            }
        }
    }

    @Test func threadsReadingAFreshPlainEventAllSeeTheSameHeaders() throws {
        // The lines are found on first look, which may come from several threads at once.
        let bytes = try #require(try Self.events("call-events-plain").first).encoded(as: .plain)
        let expected = try Event.decode(bytes, format: .plain).headers.list
        for _ in 0..<50 {
            let event = try Event.decode(bytes, format: .plain, indexing: .onFirstLook)
            let seen = Locked<[[Header]]>([])
            let arrived = Locked(0)
            // Eight threads of their own (a pool could run them two at a time) start their first look
            // together, so several scan and one result is kept.
            let threads = (0..<8).map { _ in
                Thread {
                    arrived.withLock { $0 += 1 }
                    while arrived.withLock({ $0 }) < 8 {}
                    let list = event.headers.list
                    seen.withLock { $0.append(list) }
                }
            }
            threads.forEach { $0.start() }
            while seen.withLock({ $0.count }) < 8 { usleep(100) }
            #expect(seen.withLock { $0 } == Array(repeating: expected, count: 8))
        }
    }

    @Test func plainArrayValuesBecomeRepeatedHeaders() throws {
        let body = Array("Event-Name: CUSTOM\nX-List: ARRAY%3A%3Aone%7C%3Atwo%20words%7C%3Athree\n\n".utf8)
        let event = try Event.decode(body, format: .plain)
        #expect(event.headers.values("X-List") == ["one", "two words", "three"])
        let literal = try Event.decode(Array("Event-Name: CUSTOM\nX-List: ARRAY::a|:b\n\n".utf8), format: .plain)
        #expect(literal.headers.values("X-List") == ["a", "b"])
    }

    @Test func jsonArraysAndBody() throws {
        let json = #"{"Event-Name":"BACKGROUND_JOB","X-List":["a","b"],"Content-Length":"3","_body":"-OK"}"#
        let event = try Event.decode(Array(json.utf8), format: .json)
        #expect(event.headers.values("X-List") == ["a", "b"])
        #expect(event.body == "-OK")
        #expect(!event.headers.contains("Content-Length"))
        #expect(event.headers.map(\.name) == ["Event-Name", "X-List", "X-List"])
    }

    @Test func xmlBodyAndEncodedValues() throws {
        let xml = "<event>\n  <headers>\n    <Event-Name>BACKGROUND_JOB</Event-Name>\n    <Job-Command>status%20now</Job-Command>\n  </headers>\n  <Content-Length>5</Content-Length>\n  <body>a &lt; b</body>\n</event>\n"
        let event = try Event.decode(Array(xml.utf8), format: .xml)
        #expect(event["Job-Command"] == "status now")
        #expect(event.body == "a < b")
    }

    @Test("every format round-trips through its own encoder", arguments: EventFormat.allCases)
    func roundTrip(format: EventFormat) throws {
        let original = Event(name: "CUSTOM", subclass: "eslsh::test", headers: [
            Header("X-Text", "hello world: 100% ok & <tags> \"quoted\""), Header("X-Unicode", "café ☎"),
            Header("Multi", "one"), Header("Multi", "two"),
        ], body: "line one\nline two\n")
        let decoded = try Event.decode(original.encoded(as: format), format: format)
        #expect(decoded == original)
    }

    @Test func plainEncodingMatchesTheServers() throws {
        // The capture's first BACKGROUND_JOB, re-encoded, is byte-identical to what FreeSWITCH sent.
        let frames = try Fixtures.frames(Fixtures.received("bgapi")).frames.filter { $0.contentType == "text/event-plain" }
        let decoded = try Event.decode(frames[0].body, format: .plain)
        // A copy built from values (not the received bytes) must encode to the same bytes.
        let event = Event(headers: Headers(decoded.headers.list), body: decoded.body)
        #expect(event.encoded(as: .plain) == frames[0].body)
        #expect(event.frame(as: .plain) == frames[0])
        #expect(decoded.encoded(as: .plain) == frames[0].body)
    }

    @Test func xmlEncodingMatchesTheServers() throws {
        let frames = try Fixtures.frames(Fixtures.received("call-events-xml")).frames.filter { $0.contentType == "text/event-xml" }
        for frame in frames.prefix(5) {
            let event = try Event.decode(frame.body, format: .xml)
            #expect(event.frame(as: .xml) == frame)
        }
    }

    @Test func jsonEncodingMatchesTheServers() throws {
        let frames = try Fixtures.frames(Fixtures.received("call-events-json")).frames.filter { $0.contentType == "text/event-json" }
        for frame in frames {
            let event = try Event.decode(frame.body, format: .json)
            #expect(event.frame(as: .json) == frame)
        }
    }

    @Test("invalid bodies become malformed messages, not crashes", arguments: [
        ("text/event-json", "{\"Event-Name\": "), ("text/event-json", "[1,2]"), ("text/event-json", "{\"a\":{\"b\":1}}"),
        ("text/event-xml", "<event><headers><A>1</headers>"), ("text/event-xml", "not xml at all"),
        ("text/event-plain", "Event-Name: X\nContent-Length: 50\n\nshort"),
        // Shorter than the body: the bytes after it are not dropped in silence.
        ("text/event-plain", "Event-Name: X\nContent-Length: 2\n\nlonger"),
    ])
    func malformedBodies(type: String, body: String) {
        let frame = Frame(headers: ["Content-Type": type], body: Array(body.utf8))
        guard case .malformed(let kept, let reason) = Message(frame: frame) else {
            Issue.record("decoded \(type) body \(body)")
            return
        }
        #expect(kept == frame)
        #expect(reason.hasPrefix("malformed \(type.dropFirst("text/event-".count)) event: "), "\(reason)")
    }
}
