#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import Foundation
import TestSupport
import Testing

/// `--listen` script mode against the real switch's side of the outbound-session capture (the test plays
/// FreeSWITCH's `socket` application, frame for frame), its exit codes and its address forms.
@Suite(.timeLimit(.minutes(1))) struct ListenCornersTests {
    /// The capture's frames as FreeSWITCH sent them, byte for byte: 0 the `connect` reply, 1 myevents,
    /// 2 linger, 3 getvar, 4 answer's +OK, 5-6 its EXECUTE/EXECUTE_COMPLETE, 7 hangup's +OK, 8-15 the
    /// call's last events, 16 the disconnect notice with linger.
    static let frames: [[UInt8]] = {
        let bytes = Fixtures.received("outbound-session")
        var frames: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end + 1 < bytes.count, !(bytes[end] == 0x0A && bytes[end + 1] == 0x0A) { end += 1 }
            let head = String(decoding: bytes[start..<end], as: UTF8.self)
            let length = head.split(separator: "\n").first { $0.hasPrefix("Content-Length: ") }.flatMap { Int($0.dropFirst(16)) } ?? 0
            let stop = min(end + 2 + length, bytes.count)
            frames.append(Array(bytes[start..<stop]))
            start = stop
        }
        return frames
    }()

    /// The capture's Application-UUIDs: FreeSWITCH puts the Event-UUID a client sends there
    /// (myevents-sendmsg capture); the capture's client sent none, eslsh does.
    static let answerUUID = "647d5199-c857-4b85-845d-ab7ab305d20c"
    static let hangupUUID = "24b9bb77-36eb-4b5c-b483-0e83784ba46a"

    /// The test's side of one call: reads eslsh's commands, answers each from the capture.
    final class Switch {
        let client: RawClient
        private var buffer: [UInt8] = []

        init(port: Int, host: String = "127.0.0.1") throws {
            client = RawClient(socket: try Socket.connect(host: host, port: port, timeoutMilliseconds: 5000))
        }

        /// The next command eslsh sent (up to its blank line); "" when eslsh closed.
        func command() -> String {
            while true {
                if let end = (0..<max(buffer.count - 1, 0)).first(where: { buffer[$0] == 0x0A && buffer[$0 + 1] == 0x0A }) {
                    let text = String(decoding: buffer[0..<end + 2], as: UTF8.self)
                    buffer.removeFirst(end + 2)
                    return text
                }
                let more = client.receive(atLeast: 1)
                if more.isEmpty { return "" }
                buffer += more
            }
        }

        /// Sends capture frames, with the capture's Application-UUID `from` made eslsh's `to`.
        func send(_ indices: ClosedRange<Int>, replacing from: String? = nil, with to: String? = nil) {
            for index in indices {
                var text = String(decoding: ListenCornersTests.frames[index], as: UTF8.self)
                if let from, let to { text = text.replacingOccurrences(of: from, with: to) }
                client.send(text)
            }
        }

        /// The Event-UUID of a sendmsg execute.
        static func eventUUID(_ command: String) -> String? {
            command.split(separator: "\n").first { $0.hasPrefix("Event-UUID: ") }.map { String($0.dropFirst(12)) }
        }
    }

    @Test func theCaptureHasTheFramesTheTestsUse() {
        #expect(Self.frames.count == 17)
        #expect(String(decoding: Self.frames[2], as: UTF8.self) == "Content-Type: command/reply\nReply-Text: +OK will linger 5 seconds\n\n")
        #expect(String(decoding: Self.frames[16], as: UTF8.self).hasPrefix("Content-Type: text/disconnect-notice\n"))
    }

    /// eslsh listening with `script` on its input, and the test's switch connected to it past `connect`
    /// and `myevents` (answered from the capture).
    static func introducedCall(script: String) throws -> (eslsh: LiveProcess, fs: Switch, port: Int) {
        let port = ListenModeTests.freePort()
        let eslsh = try LiveProcess(["--listen", "127.0.0.1:\(port)", "--calls", "1", "-t", "5s"])
        eslsh.write(script)
        eslsh.closeInput()
        #expect(waitUntilListening(port: port))
        let fs = try Switch(port: port)
        #expect(fs.command() == "connect\n\n")
        fs.send(0...0)
        #expect(fs.command() == "myevents\n\n")
        fs.send(1...1)
        return (eslsh, fs, port)
    }

    /// The capture's conversation (`linger 5`, `getvar`, `answer`, `hangup`) as a script: each line, its
    /// reply and each application's outcome, written out by hand from the capture.
    @Test func aScriptDrivesTheCapturedCall() throws {
        let (eslsh, fs, port) = try Self.introducedCall(script: "/linger 5\n/getvar channel_name\nanswer\nhangup NORMAL_CLEARING\n")
        #expect(fs.command() == "linger 5\n\n")
        fs.send(2...2)
        #expect(fs.command() == "getvar channel_name\n\n")
        fs.send(3...3)
        let answer = fs.command()
        #expect(answer.hasPrefix("sendmsg\ncall-command: execute\nexecute-app-name: answer\n"), "\(answer)")
        let answerUUID = try #require(Switch.eventUUID(answer))
        fs.send(4...6, replacing: Self.answerUUID, with: answerUUID)
        let hangup = fs.command()
        #expect(hangup.hasPrefix("sendmsg\ncall-command: execute\nexecute-app-name: hangup\nexecute-app-arg: NORMAL_CLEARING\n"), "\(hangup)")
        let hangupUUID = try #require(Switch.eventUUID(hangup))
        fs.send(7...16, replacing: Self.hangupUUID, with: hangupUUID)
        #expect(fs.command() == "", "eslsh closes the call's socket at the script's end")
        let run = eslsh.finish()
        #expect(run.status == 0, "\(run.stderr)")
        let tag = "[cbb44022] "
        #expect(run.stdout == [
            "call cbb44022-4489-4d0f-8356-bd2a778606b9 from Outbound Call <default> to 9196 on loopback/9196-a (answered)",
            "> /linger 5", "+OK will linger 5 seconds", "> /getvar channel_name", "loopback/9196-a",
            "> answer", "+OK", "answer done", "> hangup NORMAL_CLEARING", "+OK", "hangup done",
        ].map { tag + $0 + "\n" }.joined())
        #expect(run.stderr == "eslsh: listening on port \(port) for FreeSWITCH's socket application\n")
    }

    /// The switch's disconnect notice with linger (the capture's) while an application is followed: the
    /// call has ended; the script says so instead of waiting on.
    @Test func aLingeringDisconnectEndsTheWaitForAnApplication() throws {
        let (eslsh, fs, _) = try Self.introducedCall(script: "answer\n")
        #expect(fs.command().hasPrefix("sendmsg\ncall-command: execute\nexecute-app-name: answer\n"))
        // The call is hung up before the application completes: +OK, then the notice.
        fs.send(4...4)
        fs.send(16...16)
        #expect(fs.command() == "")
        let run = eslsh.finish()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("[cbb44022] > answer\n[cbb44022] +OK\n[cbb44022] call ended; lingering 5 s\n"), "\(run.stdout)")
    }

    /// A peer that never answers `connect`: a reply timeout, 5, as every unanswered command's.
    @Test func anUnansweredConnectExitsFive() throws {
        let port = ListenModeTests.freePort()
        let eslsh = try LiveProcess(["--listen", "127.0.0.1:\(port)", "--calls", "1", "-t", "300ms"])
        eslsh.closeInput()
        #expect(waitUntilListening(port: port))
        let fs = try Switch(port: port)
        #expect(fs.command() == "connect\n\n")
        let run = eslsh.finish()
        #expect(run.status == 5, "\(run.stderr)")
        #expect(run.stderr.hasSuffix("eslsh: connect: no reply to 'connect' within 300 ms\n"), "\(run.stderr)")
    }

    /// A line the switch refuses (command-replies capture: an unknown command is `-ERR command not
    /// found`): shown, the script goes on, and the run ends with 1.
    @Test func aRefusedLineExitsOneAndTheScriptGoesOn() throws {
        let (eslsh, fs, _) = try Self.introducedCall(script: "/bogus\n/getvar channel_name\n")
        #expect(fs.command() == "bogus\n\n")
        fs.client.send("Content-Type: command/reply\nReply-Text: -ERR command not found\n\n")
        #expect(fs.command() == "getvar channel_name\n\n")
        fs.send(3...3)
        #expect(fs.command() == "")
        let run = eslsh.finish()
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.hasSuffix(["> /bogus", "-ERR command not found", "> /getvar channel_name", "loopback/9196-a"]
            .map { "[cbb44022] " + $0 + "\n" }.joined()), "\(run.stdout)")
    }

    /// The call's socket closing in the middle of the script: the connection was lost, 6, and the
    /// script's remaining lines are not tried.
    @Test func aCallWhoseSocketClosesMidScriptExitsSix() throws {
        let (eslsh, fs, _) = try Self.introducedCall(script: "/getvar channel_name\nanswer\n")
        #expect(fs.command() == "getvar channel_name\n\n")
        fs.client.socket.shutdown()
        let run = eslsh.finish()
        #expect(run.status == 6, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("[cbb44022] > /getvar channel_name\n"), "\(run.stdout)")
        #expect(run.stderr.contains("[cbb44022] connection closed by "), "\(run.stderr)")
    }

    /// `--listen [::1]:PORT`: the listener is on IPv6 loopback only (an IPv4 connection is refused), and
    /// the caller there is served.
    @Test func listenOnABracketedIPv6Address() throws {
        let port = ListenModeTests.freePort()
        let eslsh = try LiveProcess(["--listen", "[::1]:\(port)", "--calls", "1", "-t", "5s"])
        eslsh.closeInput()
        #expect(eslsh.waitForOutput("eslsh: listening on port \(port) for FreeSWITCH's socket application\n", onStderr: true), "\(eslsh.stderr)")
        #expect(throws: (any Error).self, "bound to ::1 only") { try Socket.connect(host: "127.0.0.1", port: port, timeoutMilliseconds: 2000) }
        let fs = try Switch(port: port, host: "::1")
        #expect(fs.command() == "connect\n\n")
        fs.send(0...0)
        #expect(fs.command() == "myevents\n\n")
        fs.send(1...1)
        #expect(fs.command() == "")
        let run = eslsh.finish()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "[cbb44022] call cbb44022-4489-4d0f-8356-bd2a778606b9 from Outbound Call <default> to 9196 on loopback/9196-a (answered)\n")
    }

    /// `--listen HOST:PORT` binds that address only: a caller to another loopback address is refused.
    @Test func listenOnAHostAndPortBindsThatAddressOnly() throws {
        let port = ListenModeTests.freePort()
        let eslsh = try LiveProcess(["--listen", "127.0.0.2:\(port)", "--calls", "1"])
        eslsh.closeInput()
        #expect(eslsh.waitForOutput("eslsh: listening on port \(port) for FreeSWITCH's socket application\n", onStderr: true), "\(eslsh.stderr)")
        #expect(throws: (any Error).self, "bound to 127.0.0.2 only") { try Socket.connect(host: "127.0.0.1", port: port, timeoutMilliseconds: 2000) }
        let fs = try Switch(port: port, host: "127.0.0.2")
        #expect(fs.command() == "connect\n\n")
        eslsh.signal(SIGTERM)
        _ = eslsh.finish()
    }
}
