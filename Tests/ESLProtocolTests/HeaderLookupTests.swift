import ESLProtocol
import TestSupport
import Testing

/// Looking a header up by name in a decoded event (the table over its bytes) answers as a plain list
/// of the same headers does, compared with `equalsIgnoringASCIICase`: for every name it has, for names
/// that differ only in case, in one letter, in length, and for the empty name.
@Suite struct HeaderLookupTests {
    static func questions(for headers: Headers) -> [String] {
        var names = Set(headers.map(\.name))
        for name in Array(names) {
            names.insert(name.uppercased())
            names.insert(name.lowercased())
            names.insert(String(name.dropFirst()))
            names.insert(name + "x")
            // The same length and first letter, another last letter: only a whole compare tells.
            if let last = name.utf8.last { names.insert(String(name.dropLast()) + (last == UInt8(ascii: "Q") ? "R" : "Q")) }
        }
        names.formUnion(["", "Event-Name", "Caller-Caller-ID-Name", "Nope", "É-Accent"])
        return names.sorted()
    }

    static func expectSameAnswers(_ table: Headers) {
        let list = Headers(Array(table))
        for name in questions(for: table) {
            #expect(table[name] == list[name], "\(name)")
            #expect(table.values(name) == list.values(name), "\(name)")
            #expect(table.contains(name) == list.contains(name), "\(name)")
        }
    }

    @Test("captured events", arguments: ["call-trace-plain", "call-events-plain", "sofia-register-plain", "busy-switch-json", "call-events-xml"])
    func capturedEvents(name: String) throws {
        var checked = 0
        // Twelve events of each, in a debug build's time.
        let events = try Fixtures.frames(Fixtures.received(name)).frames.filter { EventFormat(contentType: $0.contentType ?? "") != nil }
        for frame in events.prefix(12) {
            guard let format = EventFormat(contentType: frame.contentType ?? "") else { continue }
            for indexing in format == .plain ? [HeaderIndexing.atOnce, .onFirstLook] : [.atOnce] {
                let event = try Event.decode(frame.body, format: format, indexing: indexing)
                Self.expectSameAnswers(event.headers)
            }
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test func oddNames() throws {
        let body = Array(": no name\nA: 1\na: 2\nAB: 3\nBA: 4\nÉvent: 5\néVENT: 6\nx-y: 7\nX-Y: 8\n\n".utf8)
        let event = try Event.decode(body, format: .plain)
        Self.expectSameAnswers(event.headers)
        #expect(event.headers.values("a") == ["1", "2"])
        #expect(event.headers[""] == "no name")
        #expect(event.headers["ba"] == "4")
    }
}
