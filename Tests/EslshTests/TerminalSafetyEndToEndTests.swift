import ESLProtocol
import Foundation
import TestSupport
import Testing

/// Issue 14, class 5, through the binary: a caller whose name writes the clipboard (OSC 52), clears
/// the screen, starts a C1 CSI, deletes and returns the cursor, and an event body that does the same,
/// sent by a scripted server and printed by `--events` in each format, to a pipe and to a terminal
/// (a pty from util-linux's `script`, which records the bytes eslsh wrote to it).
@Suite(.timeLimit(.minutes(2))) struct TerminalSafetyEndToEndTests {
    static let hostile = "Mallory\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}\u{1B}[2J\u{9B}31m\u{7F}x\rFAKE"
    static let shown = #"Mallory\x1B]52;c;ZWNobyBwd25lZA==\x07\x1B[2J\x9B31m\x7Fx\rFAKE"#

    /// A CHANNEL_CREATE with the hostile caller (percent-encoded on the wire, as FreeSWITCH sends it)
    /// and a body with raw control bytes (a body is sent as it is); then a hostile disconnect notice.
    static func server(api: String? = nil) -> ScriptedServer {
        ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            if let api {
                peer.send("Content-Type: api/response\nContent-Length: \(api.utf8.count)\n\n\(api)")
            } else {
                peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
                let event = Event(name: "CHANNEL_CREATE", headers: [
                    Header("Unique-ID", "8f7a2f6e-0000-4000-8000-000000000001"), Header("Channel-Name", "sofia/internal/1000@example.com"),
                    Header("Caller-Caller-ID-Name", hostile), Header("Caller-Caller-ID-Number", "1000"), Header("Caller-Destination-Number", "9196"),
                ], body: "raw body \u{1B}]0;retitled\u{07} then\rPAINT\u{9B}2J\n")
                peer.send(event.frame(as: .plain).bytes)
            }
            let notice = "Disconnected \u{1B}]0;pwned\u{07}\u{1B}[2J.\n"
            peer.send("Content-Type: text/disconnect-notice\nContent-Length: \(notice.utf8.count)\n\n\(notice)")
        }
    }

    /// Bytes a terminal obeys: C0 but tab, LF and CRLF, DEL, C1 (as UTF-8).
    static func controls(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var found: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { continue }
            if (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F { found.append(byte) }
            if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) { found.append(bytes[index + 1]) }
        }
        return found
    }

    static func events(_ format: String, _ extra: [String] = []) throws -> EslshTests.Run {
        let server = server()
        return try EslshTests.run(["-P", "\(server.port)", "--events", "ALL", "--format", format] + extra)
    }

    /// eslsh with its standard output (and input and error) on a terminal: `script` runs it on a pty
    /// and copies what it wrote there to the pipe read here. A pty turns LF into CRLF.
    static func atTerminal(_ arguments: [String]) throws -> EslshTests.Run {
        let quoted = ([EslshTests.binary] + arguments).map { "'" + $0.replacing("'", with: #"'\''"#) + "'" }.joined(separator: " ")
        var run = try EslshTests.run(["-q", "-e", "-c", quoted, "/dev/null"], executable: "/usr/bin/script")
        run.stdout = run.stdout.replacing("\r\n", with: "\n")
        return run
    }

    @Test(arguments: ["summary", "headers"])
    func formatsForPeopleShowEscapesEvenToAPipe(_ format: String) throws {
        let run = try Self.events(format)
        #expect(run.stdout.contains(Self.shown), "\(run.stdout.debugDescription)")
        #expect(Self.controls(run.stdout).isEmpty, "\(run.stdout.debugDescription)")
        #expect(Self.controls(run.stderr).isEmpty, "\(run.stderr.debugDescription)")
        #expect(run.stderr.contains(#"Disconnected \x1B]0;pwned\x07\x1B[2J."#), "\(run.stderr.debugDescription)")
    }

    @Test(arguments: ["json", "ndjson"])
    func jsonIsEscapedByItsEncoding(_ format: String) throws {
        let run = try Self.events(format)
        #expect(run.stdout.contains(#"\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2J\u009b31m\u007fx\rFAKE"#), "\(run.stdout.debugDescription)")
        #expect(Self.controls(run.stdout).isEmpty, "\(run.stdout.debugDescription)")
    }

    @Test(arguments: ["plain", "xml"])
    func rawFormatsStayRawToAPipeUnlessAlwaysIsAsked(_ format: String) throws {
        let raw = try Self.events(format)
        #expect(raw.stdout.contains("raw body \u{1B}]0;retitled\u{07} then\rPAINT\u{9B}2J"), "\(raw.stdout.debugDescription)")
        let escaped = try Self.events(format, ["--escape", "always"])
        #expect(escaped.stdout.contains(#"raw body \x1B]0;retitled\x07 then\rPAINT\x9B2J"#), "\(escaped.stdout.debugDescription)")
        #expect(Self.controls(escaped.stdout).isEmpty, "\(escaped.stdout.debugDescription)")
    }

    @Test(arguments: ["summary", "headers", "plain", "xml", "json"])
    func aTerminalGetsNoControlCharacterInAnyFormat(_ format: String) throws {
        let server = Self.server()
        let run = try Self.atTerminal(["-n", "-P", "\(server.port)", "--events", "ALL", "--format", format])
        #expect(run.stdout.contains("8f7a2f6e"), "\(run.stdout.debugDescription)")
        #expect(Self.controls(run.stdout).isEmpty, "\(run.stdout.debugDescription)")
    }

    @Test func neverGivesTheRawBytesAtATerminal() throws {
        let server = Self.server()
        let run = try Self.atTerminal(["-n", "-P", "\(server.port)", "--events", "ALL", "--format", "plain", "--escape", "never"])
        #expect(run.stdout.contains("raw body \u{1B}]0;retitled\u{07} then\rPAINT\u{9B}2J"), "\(run.stdout.debugDescription)")
    }

    @Test func apiOutputIsRawToAPipeAndEscapedAtATerminal() throws {
        let output = "UP \u{1B}]52;c;eA==\u{07}\u{1B}[2J\n"
        let servers = (0..<3).map { _ in Self.server(api: output) }
        let piped = try EslshTests.run(["-P", "\(servers[0].port)", "-x", "status"])
        #expect(piped.stdout == output)
        let shown = try Self.atTerminal(["-P", "\(servers[1].port)", "-x", "status"])
        #expect(shown.stdout == #"UP \x1B]52;c;eA==\x07\x1B[2J"# + "\n", "\(shown.stdout.debugDescription)")
        let raw = try Self.atTerminal(["-P", "\(servers[2].port)", "-x", "status", "--escape", "never"])
        #expect(raw.stdout == output, "\(raw.stdout.debugDescription)")
    }
}
