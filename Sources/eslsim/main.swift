import ArgumentParser
import ESLClient
import ESLProtocol
import ESLSimulator
#if canImport(Glibc)
import Glibc
#endif

/// A simulated FreeSWITCH event socket on loopback, for demos and tests without a switch.
struct SimulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eslsim",
        abstract: "A simulated FreeSWITCH event socket (mod_event_socket) for trying eslsh without a switch."
    )

    @Option(name: .long, help: "Address to listen on (loopback unless you mean otherwise).")
    var listen = "127.0.0.1"

    @Option(name: [.short, .long], help: "Port to listen on (0 picks a free one and prints it).")
    var port = 8021

    @Option(name: .long, help: "Password for auth.")
    var password = "ClueCon"

    @Option(name: .long, help: "The switch's host name (api hostname, switchname, events).")
    var hostname = "eslsim"

    @Option(name: .long, help: "Seconds between HEARTBEAT events (0: none).")
    var heartbeat = 20.0

    @Option(name: .long, help: "Start a simulated call every this many seconds (0: only on originate).")
    var calls = 0.0

    @Option(name: .long, help: "Seconds a simulated call lasts (0: until hung up).")
    var callDuration = 30.0

    @Option(name: .long, help: "A busy switch: keep about this many calls up (bridged and not, unicode callers, log lines), for eslsh --top and --trace (0: off).")
    var busy = 0

    @Flag(name: .long, help: "Refuse every client as an ACL would (text/rude-rejection).")
    var rejectAcl = false

    @Option(name: .long, help: "Benchmark flood: send each subscriber this many events as fast as it reads, then disconnect.")
    var flood: Int?

    @Option(name: .long, help: ArgumentHelp("Serve this recording (eslsh --record) to every client that subscribes, as if it were live.", valueName: "file"))
    var replay: String?

    @Option(name: .long, help: "With --replay: this many times faster than recorded (default 1).")
    var speed: Double?

    @Flag(name: .long, help: "With --replay: no pauses.")
    var fast = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("port must be 0-65535") }
        if replay == nil, speed != nil || fast { throw ValidationError("--speed and --fast go with --replay") }
        if let speed, !(speed > 0 && speed.isFinite) { throw ValidationError("--speed must be more than 0") }
        if speed != nil, fast { throw ValidationError("--speed and --fast cannot be combined") }
    }

    func run() throws {
        var configuration = SimulatorConfiguration()
        configuration.listenHost = listen
        configuration.port = port
        configuration.password = password
        configuration.hostname = hostname
        configuration.rejectByACL = rejectAcl
        configuration.heartbeatInterval = heartbeat > 0 ? .milliseconds(Int(heartbeat * 1000)) : nil
        configuration.callInterval = calls > 0 ? .milliseconds(Int(calls * 1000)) : nil
        configuration.callDuration = callDuration > 0 ? .milliseconds(Int(callDuration * 1000)) : nil
        configuration.floodEvents = flood
        configuration.busyCalls = busy > 0 ? busy : nil
        if let replay {
            do throws(RecordingError) {
                configuration.replay = RecordingReplay(try RecordingReader.readAll(path: replay), speed: fast ? nil : speed ?? 1)
            } catch {
                FileHandleWriter.standardError("eslsim: \(replay): \(error)\n")
                throw ExitCode(1)
            }
        }
        configuration.floodReport = { count, seconds in
            FileHandleWriter.standardError("eslsim: flooded \(count) events in \(seconds) s (\(Int(Double(count) / seconds)) events/s)\n")
        }
        let simulator: Simulator
        do {
            simulator = try Simulator(configuration)
        } catch {
            FileHandleWriter.standardError("eslsim: \(error)\n")
            throw ExitCode(1)
        }
        FileHandleWriter.standardOutput("eslsim listening on \(listen):\(simulator.port)\n")
        signal(SIGPIPE, SIG_IGN)
        while true { pause() }
    }
}

enum FileHandleWriter {
    static func standardOutput(_ text: String) { write(1, text) }
    static func standardError(_ text: String) { write(2, text) }
    private static func write(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}

// Start with no signal blocked (test runners hand blocked masks down): SIGTERM must end the simulator.
var unblocked = sigset_t()
sigemptyset(&unblocked)
pthread_sigmask(SIG_SETMASK, &unblocked, nil)
SimulatorCommand.main()
