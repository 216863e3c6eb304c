import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// Outbound mode: the simulator's `socket` application connects to `eslsh --listen`.
@Suite(.timeLimit(.minutes(1))) struct ListenModeTests {
    /// A port nobody listens on (taken and released).
    static func freePort() -> Int {
        let server = ScriptedServer(accept: false)
        return server.port
    }

    @Test func aScriptRunsOnEachCall() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let port = Self.freePort()
        let step = BackgroundStep()
        Thread.detachNewThread {
            guard waitUntilListening(port: port) else { return }
            step.run("originate") {
                _ = try Connection.open(ConnectOptions(port: simulator.port)).send(.api("originate loopback/9196/default &socket(127.0.0.1:\(port) async full)"))
            }
        }
        let script = "# an IVR check\nanswer\n/getvar channel_name\nplayback /tmp/hello.wav\n/hangup USER_BUSY\n"
        let run = try EslshTests.run(["--listen", "127.0.0.1:\(port)", "--calls", "1", "-t", "5s"], stdin: script)
        #expect(step.error == nil)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map { String($0.drop { $0 != "]" }.dropFirst(2)) }
        #expect(lines.first?.hasPrefix("call ") == true)
        #expect(lines.first?.hasSuffix(" to 9196 on loopback/9196-a (answered)") == true)
        #expect(Array(lines.dropFirst()) == [
            "> answer", "+OK", "answer done", "> /getvar channel_name", "loopback/9196-a",
            "> playback /tmp/hello.wav", "+OK", "playback done → FILE PLAYED", "> /hangup USER_BUSY", "+OK",
        ])
        #expect(run.stderr == "eslsh: listening on port \(port) for FreeSWITCH's socket application\n")
    }

    /// `--debug 1` traces each call's commands and frames, as in the other modes (it once printed nothing).
    @Test func debugTracesTheCallsCommands() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let port = Self.freePort()
        Thread.detachNewThread {
            guard waitUntilListening(port: port) else { return }
            _ = try? Connection.open(ConnectOptions(port: simulator.port)).send(.api("originate loopback/9196/default &socket(127.0.0.1:\(port) async full)"))
        }
        let run = try EslshTests.run(["--listen", "127.0.0.1:\(port)", "--calls", "1", "-t", "5s", "-d", "1"], stdin: "answer\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("eslsh: trace: > connect\n"), "\(run.stderr)")
        #expect(run.stderr.contains("eslsh: trace: > myevents\n"))
        #expect(run.stderr.contains("eslsh: trace: > sendmsg"))
        #expect(run.stderr.contains("eslsh: trace: < command/reply"))
    }

    @Test func connectionsFromOtherNetworksAreRefused() throws {
        let port = Self.freePort()
        let eslsh = try LiveProcess(["--listen", "127.0.0.1:\(port)", "--allow", "10.0.0.0/8", "--calls", "1"])
        eslsh.closeInput()  // no script: an empty one
        #expect(waitUntilListening(port: port))
        let client = try RawClient(port: port)
        #expect(client.receiveUntilClosed().isEmpty)
        #expect(eslsh.waitForOutput("eslsh: refused a connection from 127.0.0.1: not in --allow\n", onStderr: true))
        eslsh.signal(SIGTERM)
        let text = eslsh.finish().stderr
        #expect(text.contains("eslsh: refused a connection from 127.0.0.1: not in --allow\n"))
    }

    @Test func thePromptTemplateIsNotForTheOutboundConsole() throws {
        let run = try EslshTests.run(["--listen", "127.0.0.1:\(Self.freePort())", "--prompt", "%s"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--prompt is for the inbound console; with --listen the prompt names the current call"))
    }

    @Test func allowListsMatchNetworks() throws {
        let list = try AllowList(["10.0.0.0/8", "192.0.2.7", "fd00::/8"])
        #expect(list.allows("10.1.2.3"))
        #expect(!list.allows("11.0.0.1"))
        #expect(list.allows("192.0.2.7"))
        #expect(!list.allows("192.0.2.8"))
        #expect(list.allows("fd12::1"))
        #expect(!list.allows("fe80::1"))
        #expect(list.allows("::ffff:10.9.9.9"))
        #expect(AllowList.loopback.allows("127.0.0.1"))
        #expect(AllowList.loopback.allows("::1"))
        #expect(!AllowList.loopback.allows("192.0.2.1"))
        #expect(throws: AllowList.Invalid.self) { try AllowList(["10.0.0.0/33"]) }
        #expect(throws: AllowList.Invalid.self) { try AllowList(["pbx1"]) }
    }

    @Test(arguments: [("127.0.0.1", "127.0.0.1", "127.0.0.1"), ("::1", "[::1]", "::1"), ("[::1]", "::1", "::1")])
    func listenersBindEitherFamilyAndNameTheirPeers(listen: String, connect: String, peer: String) throws {
        let listener = try Listener(host: listen, port: 0)
        #expect(listener.port > 0)
        let client = try Socket.connect(host: connect, port: listener.port, timeoutMilliseconds: 2000)
        let accepted = try #require(listener.accept())
        #expect(accepted.1 == peer)
        #expect(client.write(Array("ping\n".utf8)))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        #expect(accepted.0.read(into: buffer) == 5)
    }

    @Test func aListenerNeedsANumericAddressAndAFreePort() throws {
        for bad in ["localhost", "010.0.0.1", "127.1", "fe80::zz"] {
            #expect(throws: Listener.Failure.self, "\(bad)") { try Listener(host: bad, port: 0) }
        }
        #expect(throws: Listener.Failure.self) { try Listener(host: "127.0.0.1", port: 65536) }
        let taken = try Listener(host: "127.0.0.1", port: 0)
        do {
            _ = try Listener(host: "127.0.0.1", port: taken.port)
            Issue.record("a second listener on port \(taken.port)")
        } catch {
            #expect("\(error)".hasPrefix("cannot listen on 127.0.0.1:\(taken.port): "), "\(error)")
        }
    }
}

/// Script mode with calls running at the same time: every line says whose it is.
@Suite(.timeLimit(.minutes(1))) struct ListenModeConcurrencyTests {
    @Test func linesOfCallsRunningAtOnceArePrefixedPerCall() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let port = ListenModeTests.freePort()
        let uuids = Locked<[String]>([])
        Thread.detachNewThread {
            guard waitUntilListening(port: port) else { return }
            for destination in ["9196", "5000"] {
                let uuid = simulator.originate(destination: destination, socket: "127.0.0.1:\(port)")
                uuids.withLock { $0.append(uuid) }
            }
        }
        // `/api status` answers with several lines: each of them carries the tag.
        let script = "answer\n/api status\nplayback /tmp/hello.wav\n/hangup\n"
        let run = try EslshTests.run(["--listen", "127.0.0.1:\(port)", "--calls", "2", "-t", "5s"], stdin: script)
        #expect(run.status == 0, "\(run.stderr)")
        let started = uuids.withLock { $0 }
        #expect(started.count == 2)
        var perCall: [String: [String]] = [:]
        for line in run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else {
                Issue.record("a line without its call's tag: \(line)")
                continue
            }
            perCall[String(line[line.index(after: line.startIndex)..<close]), default: []].append(String(line[line.index(close, offsetBy: 2)...]))
        }
        #expect(Set(perCall.keys) == Set(started.map { String($0.prefix(8)) }))
        for (tag, lines) in perCall {
            let commands = lines.filter { $0.hasPrefix("> ") || $0.contains(" done") || $0 == "+OK" }
            #expect(commands == ["> answer", "+OK", "answer done", "> /api status", "> playback /tmp/hello.wav", "+OK",
                                 "playback done → FILE PLAYED", "> /hangup", "+OK"], "call \(tag)")
            #expect(lines.contains { $0.hasPrefix("UP 0 years") } && lines.contains { $0.hasPrefix("Current Stack Size") }, "call \(tag): \(lines)")
        }
    }
}
