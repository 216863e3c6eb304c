import ESLProtocol
import Foundation
import TestSupport
import Testing

/// A server that misbehaves: each case must end in a clear one-line error (or correct output), the
/// documented exit code, within two seconds, without a crash.
@Suite(.timeLimit(.minutes(1))) struct HostileServerTests {
    /// Authenticates, reads one command, then answers with `answer`; with `hold`, keeps the connection
    /// open until eslsh closes it (so eslsh must end on what it received, not on the server's close).
    static func answering(_ answer: [UInt8], hold: Bool = false) -> ScriptedServer {
        ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send(answer)
            if hold { peer.holdUntilClosed() }
        }
    }

    static func answering(_ answer: String, hold: Bool = false) -> ScriptedServer {
        answering(Array(answer.utf8), hold: hold)
    }

    /// Runs eslsh with a hang check (every case ends by itself in well under a second; servers that
    /// hold the connection would keep a hung eslsh waiting) and checks the one-line stderr.
    func run(_ arguments: [String], oneLineError: Bool = true) throws -> EslshTests.Run {
        let (run, inTime) = try HangCheck.run { try EslshTests.run(arguments) }
        #expect(inTime, "eslsh hung")
        if oneLineError, !run.stderr.isEmpty {
            #expect(run.stderr.hasPrefix("eslsh: "))
            #expect(run.stderr.filter { $0 == "\n" }.count == 1, "not one line: \(run.stderr)")
        }
        return run
    }

    @Test func truncatedFrameThenClose() throws {
        let server = Self.answering("Content-Type: api/response\nContent-Length: 50\n\nonly this")
        let run = try run(["-P", "\(server.port)", "-x", "status"])
        #expect(run.status == 6)
        #expect(run.stderr == "eslsh: connection to 127.0.0.1:\(server.port) closed in the middle of a frame\n")
    }

    @Test(arguments: [
        ("api/response", "-5", "protocol error: invalid Content-Length '-5'"),
        ("api/response", "abc", "protocol error: invalid Content-Length 'abc'"),
        // API output streams, so its limit is far larger than a buffered frame's.
        ("api/response", "99999999999999999999999", "protocol error: Content-Length 9223372036854775807 exceeds the 1099511627776-byte limit"),
        ("log/data", "20000000", "protocol error: Content-Length 20000000 exceeds the 16777216-byte limit"),
    ])
    func badContentLength(type: String, value: String, message: String) throws {
        let server = Self.answering("Content-Type: \(type)\nContent-Length: \(value)\n\nabc", hold: true)
        let run = try run(["-P", "\(server.port)", "-x", "status"])
        #expect(run.status == 6)
        #expect(run.stderr == "eslsh: \(message)\n")
    }

    @Test func conflictingContentLengths() throws {
        let server = Self.answering("Content-Type: api/response\nContent-Length: 3\nContent-Length: 4\n\nabcd", hold: true)
        let run = try run(["-P", "\(server.port)", "-x", "status"])
        #expect(run.status == 6)
        #expect(run.stderr == "eslsh: protocol error: conflicting Content-Length headers (3, 4)\n")
    }

    @Test func contentLengthWithSpacesAndAHeaderWithoutColon() throws {
        let server = Self.answering("Content-Type: api/response\nthis line has no colon\nContent-Length:   12  \n\nhello world!")
        let run = try run(["-P", "\(server.port)", "-x", "status"])
        #expect(run.status == 0)
        #expect(run.stdout == "hello world!\n")
    }

    @Test func nulBytesAndInvalidUTF8() throws {
        let body: [UInt8] = [0x61, 0x00, 0x62, 0xFF, 0x63]
        let server = Self.answering(Array("Content-Type: api/response\nX-Odd: a\u{0}b".utf8) + [0xFE] + Array("\nContent-Length: 5\n\n".utf8) + body)
        let run = try run(["-P", "\(server.port)", "-x", "status"])
        #expect(run.status == 0)
        #expect(run.stdout == "a\u{0}b\u{FFFD}c\n")
    }

    @Test func aTwentyMegabyteHeaderBlock() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nX-Huge: ")
            let chunk = [UInt8](repeating: 0x61, count: 1 << 20)
            for _ in 0..<20 { peer.send(chunk) }
        }
        let run = try run(["-P", "\(server.port)", "-x", "status"])
        #expect(run.status == 6)
        #expect(run.stderr == "eslsh: protocol error: header block larger than 10485760 bytes\n")
    }

    static func streaming(_ frames: [String]) -> ScriptedServer {
        ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
            for frame in frames { peer.send(frame) }
            peer.holdUntilClosed()
        }
    }

    static func event(_ type: String, _ body: String) -> String {
        "Content-Length: \(body.utf8.count)\nContent-Type: \(type)\n\n\(body)"
    }

    @Test func invalidPercentEscapesAreKeptAsTheyAre() throws {
        let server = Self.streaming([Self.event("text/event-plain", "Event-Name: CUSTOM\nX-Odd: %zz%4%\n\n")])
        let run = try run(["-P", "\(server.port)", "--events", "ALL", "--format", "headers", "--count", "1"])
        #expect(run.status == 0)
        #expect(run.stdout == "Event-Name: CUSTOM\nX-Odd: %zz%4%\n\n")
    }

    @Test func invalidJSONAndXMLEventsAreReportedAndSkipped() throws {
        let server = Self.streaming([
            Self.event("text/event-json", "{\"Event-Name\": \"CUSTOM\", "),
            Self.event("text/event-xml", "<event><headers><Event-Name>X</headers>"),
            Self.event("text/event-plain", "Event-Name: HEARTBEAT\n\n"),
        ])
        let run = try run(["-P", "\(server.port)", "--events", "ALL", "--format", "headers", "--count", "1"], oneLineError: false)
        #expect(run.status == 0)
        #expect(run.stdout == "Event-Name: HEARTBEAT\n\n")
        let errors = run.stderr.split(separator: "\n")
        #expect(errors.count == 3)
        #expect(errors[0].hasPrefix("eslsh: malformed json event: "))
        #expect(errors[1].hasPrefix("eslsh: malformed xml event: mismatched closing tag"))
        #expect(errors.last == "eslsh: 2 malformed events were skipped in all")
    }

    @Test func unknownContentTypesAreNotErrors() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            peer.send("Content-Type: text/x-future\nContent-Length: 2\n\nhi")
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: 2\n\nvm")
            peer.holdUntilClosed()
        }
        let run = try EslshTests.run(["-P", "\(server.port)"], stdin: "hostname\n")
        #expect(run.status == 0)
        #expect(run.stdout == "vm\n")
        #expect(run.stderr == "eslsh: unknown frame from the server: text/x-future, 2 bytes\n")
    }

    @Test func garbageBeforeAuthRequest() throws {
        let server = ScriptedServer { peer in
            peer.send("SSH-2.0-OpenSSH_9.2\nnot: an event socket\n\n")
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: 2\n\nvm")
        }
        let run = try run(["-P", "\(server.port)", "-x", "hostname"])
        #expect(run.status == 0)
        #expect(run.stdout == "vm\n")
    }

    @Test func neverSendingAuthRequest() throws {
        let server = ScriptedServer { peer in peer.holdUntilClosed() }
        let run = try run(["-P", "\(server.port)", "-T", "500ms", "-x", "status"])
        #expect(run.status == 3)
        #expect(run.stderr == "eslsh: 127.0.0.1:\(server.port) accepted the connection but sent no auth/request within 500 ms (is this a FreeSWITCH event socket?)\n")
    }

    @Test func oneBytePerSecond() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            for byte in Array("Content-Type: api/response\nContent-Length: 2\n\nvm".utf8) {
                peer.send([byte])
                pause(milliseconds: 1000)
            }
        }
        let run = try run(["-P", "\(server.port)", "-t", "500ms", "-x", "status"])
        #expect(run.status == 5)
        #expect(run.stderr == "eslsh: no reply to 'api status' within 500 ms\n")
    }

    @Test func closingWhileACommandWaits() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
        }
        let run = try run(["-P", "\(server.port)", "-x", "status"])
        #expect(run.status == 6)
        #expect(run.stderr == "eslsh: connection closed by 127.0.0.1:\(server.port)\n")
    }

    @Test func anUnsolicitedReplyIsNotTakenForTheAnswer() throws {
        let server = ScriptedServer { peer in
            peer.send("Content-Type: auth/request\n\n")
            _ = peer.readCommand()
            // The accept and a stray reply in one write, before any command.
            peer.send("Content-Type: command/reply\nReply-Text: +OK accepted\n\nContent-Type: command/reply\nReply-Text: -ERR stray\n\n")
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: 2\n\nvm")
        }
        let run = try run(["-P", "\(server.port)", "-x", "hostname"])
        #expect(run.status == 0)
        #expect(run.stdout == "vm\n")
    }
}

@Suite(.timeLimit(.minutes(2))) struct HugeResponseTests {
    /// A 500 MB api response goes to stdout as it arrives; eslsh's memory stays far below its size.
    @Test func aFiveHundredMegabyteResponseIsStreamed() throws {
        let megabytes = 500
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: \(megabytes << 20)\n\n")
            var block = [UInt8](repeating: 0x61, count: 1 << 20)
            block[block.count - 1] = 0x0A
            for _ in 0..<megabytes { peer.send(block) }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EslshTests.binary)
        process.arguments = ["-P", "\(server.port)", "-x", "show everything"]
        // The sanitizers' settings pass through (make sanitize keeps ASan's quarantine of freed memory
        // small, or it would be counted here as eslsh's peak).
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key.hasSuffix("SAN_OPTIONS") }
            .merging(["ESLSH_CONFIG": "/nonexistent"]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var total = 0
        var lines = 0
        var peak = 0
        while true {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            total += data.count
            lines += data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            peak = max(peak, Self.highWaterKiB(process.processIdentifier) ?? 0)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(total == megabytes << 20)
        #expect(lines == megabytes)
        // eslsh's own peak (VmHWM, KiB), far less than the 500 MB that went through. Not getrusage's
        // ru_maxrss: a child started with vfork keeps its parent's peak across exec, so it reported the
        // test runner's memory.
        #expect(peak > 0)
        #expect(peak < 150 * 1024, "eslsh peaked at \(peak) KiB")
    }

    /// A running process's peak resident memory since its exec, from /proc.
    static func highWaterKiB(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init) ?? "")
    }
}
