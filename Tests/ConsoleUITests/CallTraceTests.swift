import ConsoleUI
import ESLProtocol
import TestSupport
import Testing

/// The per-call trace against the call-trace-plain capture: one bridged call, its log lines at DEBUG
/// and every event of the switch, as they arrived on one connection.
@Suite struct CallTraceTests {
    static let traced = "1d4806d3-f91d-44f3-9c91-dcf93c7da204"

    static func expected() -> [String] {
        String(decoding: Fixtures.bytes("expected/call-trace-plain.trace"), as: UTF8.self)
            .split(separator: "\n").map(String.init)
    }

    static func traceLines(_ uuid: String = traced, json: Bool = false) throws -> (lines: [String], trace: CallTrace) {
        var trace = CallTrace(uuid: uuid)
        let format = TraceFormat(json: json)
        var lines: [String] = []
        for message in try Fixtures.messages("call-trace-plain") {
            if let item = trace.take(message) { lines.append(String(format.render(item).dropLast())) }
        }
        lines.append(String(format.summary(trace).dropLast()))
        return (lines, trace)
    }

    /// The timeline written by hand from the capture (Fixtures/expected/call-trace-plain.trace).
    @Test func theCapturedCallGivesTheExpectedTimeline() throws {
        let (lines, trace) = try Self.traceLines()
        let expected = Self.expected()
        for (index, (got, want)) in zip(lines, expected).enumerated() where got != want {
            Issue.record("line \(index + 1):\n got \(got)\nwant \(want)")
            break
        }
        #expect(lines.count == expected.count)
        #expect(trace.isDone)
        #expect(trace.uuids == [Self.traced, "804c580a-0fb8-4130-9673-dcf5e6c6145f"])
    }

    /// The loopback partners (a62e…, e642…) are other channels, not legs of this call: none of their
    /// events or log lines (179 each) is in the trace.
    @Test func otherChannelsStayOut() throws {
        let (lines, _) = try Self.traceLines()
        #expect(!lines.contains { $0.contains("a62e3365") || $0.contains("e6424c81") })
        #expect(!lines.contains { $0.contains("echo") })
    }

    /// Tracing the B leg finds the A leg through Other-Leg-Unique-ID on B's first event.
    @Test func tracingTheOtherLegFindsTheFirst() throws {
        let (lines, trace) = try Self.traceLines("804C580A-0FB8-4130-9673-DCF5E6C6145F")
        #expect(trace.uuids.map { $0.lowercased() } == ["804c580a-0fb8-4130-9673-dcf5e6c6145f", Self.traced])
        #expect(trace.isDone)
        // Its own first events (CODEC) come before the one naming its originator.
        #expect(lines.first == "+0.000 A CODEC read L16/8000")
        #expect(lines[2] == "+0.000 A CHANNEL_OUTGOING outbound loopback/9196-a \"Outbound Call\" <default> → 9196 originator B")
    }

    @Test func notDoneWhileALegIsUp() throws {
        var trace = CallTrace(uuid: Self.traced)
        for message in try Fixtures.messages("call-trace-plain") {
            if case .event(let event, _) = message, event.name == "CHANNEL_DESTROY", event.uniqueID?.hasPrefix("804c") == true { break }
            _ = trace.take(message)
        }
        #expect(!trace.isDone)
        #expect(trace.summary.hasPrefix("call still up after 2.519 s: NORMAL_CLEARING"))
    }

    @Test func ndjsonHasOneObjectPerItem() throws {
        let (lines, _) = try Self.traceLines(json: true)
        #expect(lines.count == Self.expected().count)
        #expect(lines[0] == #"{"t":0.000,"leg":"A","uuid":"1d4806d3-f91d-44f3-9c91-dcf93c7da204","type":"event","name":"CODEC","detail":"read L16/8000"}"#)
        #expect(lines.allSatisfy { JSONValue.parse($0) != nil })
        #expect(lines.last?.hasPrefix(#"{"type":"summary","done":true,"text":"call ended after 2.539 s"#) == true)
    }

    /// A caller name is the caller's to choose: escapes and controls are shown, never sent.
    @Test func controlCharactersAreShownNotSent() {
        var trace = CallTrace(uuid: "u1")
        let event = Event(name: "CHANNEL_CREATE", headers: [
            Header("Unique-ID", "u1"), Header("Call-Direction", "inbound"), Header("Channel-Name", "sofia/x"),
            Header("Caller-Caller-ID-Name", "Eve\u{1B}[2J\u{9B}31m\r\nX"), Header("Caller-Caller-ID-Number", "1"),
            Header("Caller-Destination-Number", "2"),
        ])
        let item = trace.take(event)!
        let line = TraceFormat(json: false).render(item)
        #expect(line == "+0.000 A CHANNEL_CREATE inbound sofia/x \"Eve\\x1B[2J\\x9B31m\\r\\nX\" <1> → 2\n")
        let log = trace.take(LogLine(level: 3, userData: "U1", text: "no header \u{7}bell\n"))!
        #expect(TraceFormat(json: false).render(log) == "+0.000 A [ERR] no header \\x07bell\n")
    }

    @Test func switchTimesFromEventsAndLogLines() {
        // Event-Date-Local two hours ahead of UTC: the log line's local time lines up with it.
        let event = Event(name: "X", headers: [Header("Event-Date-Timestamp", "1796110919292850"), Header("Event-Date-Local", "2026-12-01 09:41:59")])
        let line = LogLine(level: 7, text: "2026-12-01 09:41:59.292850 92.93% [DEBUG] x.c:1 hello\n")
        #expect(SwitchClock.time(of: event) == SwitchClock.time(of: line))
        #expect(SwitchClock.message(of: line) == "x.c:1 hello\n")
        #expect(SwitchClock.time(of: LogLine(level: 7, text: "EXECUTE [depth=0] x\n")) == nil)
    }
}
