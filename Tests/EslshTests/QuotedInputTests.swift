import Foundation
import Testing

/// Issue 14, class 5 (the part outside the renderer): what a config file or the environment says is
/// quoted in an error bounded in length and with its control characters shown, never raw.
@Suite(.serialized, .timeLimit(.minutes(1))) struct QuotedInputTests {
    static func config(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "eslsh-\(UUID().uuidString).conf"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A 5 MB key outside any section: one short line, not a 5 MB one.
    @Test func aHugeKeyMakesAShortLine() throws {
        let path = try Self.config(String(repeating: "k", count: 5 << 20) + " => v\n")
        defer { unlink(path) }
        let run = try EslshTests.run(["-x", "status"], environment: ["ESLSH_CONFIG": path])
        #expect(run.status == 2)
        #expect(run.stderr.hasSuffix("' is outside any [profile] section\n"))
        #expect(run.stderr.utf8.count < 300, "\(run.stderr.utf8.count) bytes")
    }

    /// An escape sequence (retitle the window, write the clipboard) in a config value, an unknown key
    /// and the environment reaches stderr as visible text.
    @Test func controlCharactersAreShownNotSent() throws {
        let osc = "\u{1B}]52;c;aGk=\u{07}\u{9B}2J"
        let path = try Self.config("[default]\nport => \(osc)\n")
        defer { unlink(path) }
        let port = try EslshTests.run(["-x", "status"], environment: ["ESLSH_CONFIG": path])
        #expect(port.status == 2)
        #expect(port.stderr.contains("\\x1B]52;c;aGk=\\x07\\x9B2J"), "\(port.stderr)")
        let unknown = try Self.config("[default]\n\(osc) => 1\nport => 1\n")
        defer { unlink(unknown) }
        let warned = try EslshTests.run(["-x", "status", "-P", "1"], environment: ["ESLSH_CONFIG": unknown])
        // The key ends at the sequence's own `=`.
        #expect(warned.stderr.contains("unknown key '\\x1B]52;c;agk' ignored"), "\(warned.stderr)")
        let environment = try EslshTests.run(["-x", "status"], environment: ["ESL_PORT": osc])
        #expect(environment.status == 2)
        for run in [port, warned, environment] {
            #expect(!run.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{9B}" || $0 == "\u{07}" })
        }
    }
}
