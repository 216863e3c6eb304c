import ESLProtocol
import EslshKit
import Foundation
import Testing
import ESLFuzzing
import TestSupport

/// The parser fuzz target's inputs in the normal suite: the seeds of every kind and the hostile cases
/// issue 14 names, each checked by the target's own invariants (a broken one stops the test run).
@Suite struct ParserFuzzTargetTests {
    static func run(_ selector: UInt8, _ text: String) {
        let bytes = [selector] + Array(text.utf8)
        bytes.withUnsafeBufferPointer { ParserFuzzTarget.run($0) }
    }

    @Test(arguments: [
        "[default]\nhost => 127.0.0.1\n", "host => outside\n", "[a]\n" + String(repeating: "k", count: 100_000) + " => v\n",
        "[\n", "[]\n", "[x]\n=>\n", "[x]\nport => 99999999999999999999\n", "[x]\r\nkey\r\n", "__END__\n[x]\n",
    ])
    func configFiles(_ text: String) { Self.run(0, text) }

    @Test(arguments: [UInt8(1), 6, 11, 16, 21])
    func recordingsAtEverySpeed(_ selector: UInt8) {
        let line = { (time: String) in
            "{\"time\":\"\(time)\",\"headers\":[[\"Content-Type\",\"text/event-plain\"]],\"body\":\"Event-Name: HEARTBEAT\\n\\n\"}\n"
        }
        Self.run(selector, line("0001-01-01T00:00:00Z") + line("9999-12-31T23:59:59.999999Z") + line("0000-00-00T00:00:00Z")
                 + line("9999-99-99T99:99:99.999999Z") + line("2026-01-01T00:00:00.1Z"))
    }

    @Test(arguments: [
        #"{"row_count":1,"rows":[{"a":"1","a":"2"}]}"#, #"{"row_count":1,"rows":[{"a":[[[[[]]]]]}]}"#,
        #"{"row_count":2,"rows":[{"a":"x"},{"b":"y"}]}"#, #"{"rows":[{"a":"\u0000\u001b[31m"}],"row_count":1}"#, "{",
    ])
    func showJSON(_ text: String) { Self.run(2, text) }

    @Test(arguments: [
        "status\r\n/event plain ALL\r\n", "api \r", "/sendevent CUSTOM\nContent-Length: 99999999\n\nx\n",
        "/sendevent CUSTOM\nA: b\nContent-Length: 2\n\nx\n", "/sendmsg\nexecute-app-name: x\u{0D}y\n\n", "/filter a\u{0D}\u{0A}b c\n",
        "bgapi \u{85}status\n", "/hangup", "/execute", "/myevents a b c", "...\n",
    ])
    func scriptLines(_ text: String) { Self.run(3, text) }

    @Test(arguments: ["a,b\n1,2\n\n1 total.\n", "a|b\n1|2|3\n\n1 total.\n", "\n5 total.\n", "x\n\n0 total.\n"])
    func delimitedTables(_ text: String) { Self.run(4, text) }

    /// `ESLFUZZ_TARGET`'s names for a run held to one parser, in the selector's order; the mixed target
    /// and the decoders are not kinds.
    @Test func kindsByName() {
        #expect(["config", "recording", "show", "script", "tables"].map { ParserFuzzTarget.Kind(name: $0)?.rawValue } == [0, 1, 2, 3, 4])
        #expect(ParserFuzzTarget.Kind(name: "parsers") == nil && ParserFuzzTarget.Kind(name: "decoders") == nil && ParserFuzzTarget.Kind(name: "") == nil)
    }

    /// A script is split at line feeds by bytes, as `LineFile` reads it: a CRLF script's lines each end
    /// in a carriage return the grammar trims, and a NUL ends a line. Held to the script parser, a
    /// selector that would pick another parser still goes to the script's.
    @Test(arguments: [UInt8(0), 1, 2, 3, 4])
    func scriptHeldToItsParser(_ selector: UInt8) {
        let bytes = [selector] + Array("/sendevent CUSTOM\r\nContent-Length: 3\r\n\r\nab\r\nstatus\0\r\n/bg\r\n".utf8)
        bytes.withUnsafeBufferPointer { ParserFuzzTarget.run($0, only: .script) }
    }

    /// The target reads a script's lines as `LineFile` reads them from a file, so what it checks is what
    /// a script run sends: the same lines for LF and CRLF ends, a missing or doubled last line feed, a
    /// NUL inside a line, bytes that are not UTF-8.
    @Test(arguments: ["", "\n", "a", "a\n", "a\n\n", "a\r\nb\r\n", "a\0b\nc", "\0\n\n", "/sendevent A\nContent-Length: 4\n\nab\n"].map { Array($0.utf8) }
          + [[0x78, 0xFF, 0x0A, 0xC3, 0x0A, 0x79]])
    func scriptLinesAsLineFileReadsThem(_ bytes: [UInt8]) throws {
        let path = temporaryPath("script")
        defer { unlink(path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let read = try #require(LineFile(path: path))
        #expect(bytes.withUnsafeBufferPointer(ParserFuzzTarget.scriptLines) == Array(read))
    }

    /// Whatever the long runs found (none so far: docs/RELIABILITY.md), replayed.
    @Test func findings() throws {
        let directory = Fixtures.directory + "/fuzz-regressions-parsers"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            Fixtures.bytes("fuzz-regressions-parsers/\(name)").withUnsafeBufferPointer { ParserFuzzTarget.run($0) }
        }
    }
}
