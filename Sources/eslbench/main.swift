import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation

/// `make bench`: each figure of the performance goals as eslsh's number, a baseline measured in the
/// same run, and their ratio, one `name value unit` line each. Timing lives here, never in tests.
struct Bench {
    let captures: String
    let binaries: String
    /// The eslsh measured: the release build as shipped (`make release` links it statically).
    let eslshPath: String
    let quick: Bool

    func line(_ name: String, _ value: Double, _ unit: String) {
        print("\(name) \(String(format: "%.3f", value)) \(unit)")
        fflush(nil)  // every stream (Swift 6 rejects the C global stdout)
    }

    static func now() -> Double { Double(Deadline.now().nanoseconds) / 1e9 }

    // MARK: decoder

    func frames(_ name: String) -> [Frame] {
        var decoder = FrameDecoder()
        decoder.feed(Array(FileManager.default.contents(atPath: "\(captures)/\(name).recv") ?? Data()))
        var frames: [Frame] = []
        while let frame = try? decoder.next() { frames.append(frame) }
        return frames
    }

    /// The recorded events, repeated (with their sequence numbers varied) to `megabytes`.
    func corpus(_ format: EventFormat, megabytes: Int) -> [UInt8] {
        let events = frames("call-events-\(format.rawValue)").filter { $0.contentType == format.contentType }
        var corpus: [UInt8] = []
        corpus.reserveCapacity(megabytes << 20 + 1 << 20)
        var round = 0
        while corpus.count < megabytes << 20 {
            for frame in events {
                var bytes = frame.bytes
                // Vary a digit so no two copies are byte-identical.
                if let index = bytes.lastIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) { bytes[index] = 0x30 + UInt8(round % 10) }
                corpus += bytes
            }
            round += 1
        }
        return corpus
    }

    func decoder(formats: [EventFormat]) {
        for format in formats {
            let bytes = corpus(format, megabytes: quick ? 20 : (format == .plain ? 200 : 100))
            // Baseline: framing alone (the least any decoder must do).
            let framing = measure(bytes) { frame in _ = frame.body.count }
            let decoding = measure(bytes) { frame in
                if case .event(let event, _) = Message(frame: frame) { _ = event.headers.count } else { fatalError("not an event") }
            }
            // Headers are read lazily; this is the cost when every value is read (and URL-decoded).
            let everything = measure(bytes) { frame in
                if case .event(let event, _) = Message(frame: frame) { for header in event.headers { _ = header.value.utf8.count } }
            }
            line("decode.\(format.rawValue)", decoding, "MB/s")
            line("decode.\(format.rawValue).reading_every_value", everything, "MB/s")
            line("decode.\(format.rawValue).baseline_framing", framing, "MB/s")
            line("decode.\(format.rawValue).ratio", decoding / framing, "x")
        }
    }

    func measure(_ bytes: [UInt8], _ body: (Frame) -> Void) -> Double {
        let start = Bench.now()
        var decoder = FrameDecoder()
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + 256 * 1024, bytes.count)
            decoder.feed(bytes[offset..<end])
            offset = end
            while let frame = try? decoder.next() { body(frame) }
        }
        return Double(bytes.count) / (Bench.now() - start) / 1e6
    }

    // MARK: draining a flood

    /// A simulator on a free port that sends nothing unasked (no heartbeats); `change` adjusts the rest.
    static func simulator(_ change: (inout SimulatorConfiguration) -> Void = { _ in }) throws -> Simulator {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.heartbeatInterval = nil
        change(&configuration)
        return try Simulator(configuration)
    }

    func flooding(_ count: Int, _ run: (Int) throws -> Void) throws -> Double {
        let simulator = try Bench.simulator { $0.floodEvents = count }
        defer { simulator.stop() }
        let start = Bench.now()
        try run(simulator.port)
        return Double(count) / (Bench.now() - start)
    }

    /// The floor: a client that authenticates, subscribes and reads until the server closes.
    func readOnly(_ port: Int) throws {
        let socket = try Socket.connect(host: "127.0.0.1", port: port, timeoutMilliseconds: 2000)
        _ = socket.write(Array("auth ClueCon\n\nevent plain ALL\n\n".utf8))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while socket.read(into: buffer) > 0 {}
    }

    @discardableResult
    func eslsh(_ arguments: [String], output: String = "/dev/null") throws -> (status: Int32, maxRSS: Int) {
        try Bench.spawn(eslshPath, arguments, output: output)
    }

    /// posix_spawn and wait4: Foundation's Process costs tens of milliseconds per launch, which would
    /// drown the start-up figures, and wait4 gives this child's own peak memory.
    static func spawn(_ path: String, _ arguments: [String], output: String = "/dev/null") throws -> (status: Int32, maxRSS: Int) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = [strdup("ESLSH_CONFIG=/nonexistent"), nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw SpawnError(path: path, code: result) }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        return (status, usage.ru_maxrss)
    }

    struct SpawnError: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        var description: String { "cannot run \(path): \(String(cString: strerror(code)))" }
    }

    func drain() throws {
        let count = quick ? 100_000 : 500_000
        let formats = ["plain", "summary", "ndjson"]
        // Rounds of the floor and each format, one after another, and each format's ratio taken to the
        // floor of its own round: the machine's speed moves from one half-minute to the next (the floor
        // alone measured 230k and 470k events/s in two runs of a minute apart), and a ratio to a floor
        // measured earlier took that change for eslsh's. The figures are the medians over the rounds.
        let rounds = quick ? 3 : 5
        let file = NSTemporaryDirectory() + "eslbench-events.out"
        var floors: [Double] = []
        var rates = [String: [Double]]()
        var ratios = [String: [Double]]()
        for _ in 0..<rounds {
            let floor = try flooding(count) { try readOnly($0) }
            floors.append(floor)
            for format in formats {
                // Removed outside the clock: truncating the last run's gigabyte on open takes longer
                // than some runs.
                try? FileManager.default.removeItem(atPath: file)
                let rate = try flooding(count) { port in
                    try eslsh(["-P", "\(port)", "--events", "ALL", "--format", format, "--buffer", "100000"], output: file)
                }
                rates[format, default: []].append(rate)
                ratios[format, default: []].append(rate / floor)
            }
        }
        try? FileManager.default.removeItem(atPath: file)
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        line("drain.readonly_floor", median(floors), "events/s")
        for format in formats {
            line("drain.\(format)", median(rates[format] ?? [0]), "events/s")
            line("drain.\(format).ratio_to_floor", median(ratios[format] ?? [0]), "x")
        }
    }

    // MARK: start-up

    static let cClient = #"""
    #include <arpa/inet.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <unistd.h>
    /* connect, auth, api status, print the body: the least a one-shot client does */
    static char buf[1 << 16];
    static int readframe(int fd, int print) {
        int used = 0, len = 0; char *end = NULL;
        while (!(end = strstr(buf, "\n\n"))) { int n = read(fd, buf + used, sizeof buf - 1 - used); if (n <= 0) return -1; used += n; buf[used] = 0; }
        char *cl = strstr(buf, "Content-Length: "); if (cl && cl < end) len = atoi(cl + 16);
        int have = used - (int)(end + 2 - buf); char *body = end + 2;
        if (print) fwrite(body, 1, have, stdout);
        while (have < len) { int n = read(fd, buf, sizeof buf); if (n <= 0) return -1; if (print) fwrite(buf, 1, n, stdout); have += n; }
        memset(buf, 0, 16); return 0;
    }
    int main(int argc, char **argv) {
        int fd = socket(AF_INET, SOCK_STREAM, 0); struct sockaddr_in a = {0};
        a.sin_family = AF_INET; a.sin_port = htons(atoi(argv[1])); a.sin_addr.s_addr = inet_addr("127.0.0.1");
        if (connect(fd, (void *)&a, sizeof a)) return 3;
        readframe(fd, 0); write(fd, "auth ClueCon\n\n", 14); readframe(fd, 0);
        write(fd, "api status\n\n", 12); readframe(fd, 1); fputc('\n', stdout); return 0;
    }
    """#

    /// Compiles a C helper of the benchmark; nil when there is no C compiler.
    func compile(_ name: String, _ source: String) throws -> String? {
        let directory = NSTemporaryDirectory()
        try source.write(toFile: directory + name + ".c", atomically: true, encoding: .utf8)
        let compile = Process()
        compile.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
        compile.arguments = ["-O2", "-o", directory + name, directory + name + ".c"]
        try compile.run()
        compile.waitUntilExit()
        return compile.terminationStatus == 0 ? directory + name : nil
    }

    /// One-shot start-up: eslsh against the C client, their runs alternated so that the machine's
    /// changing load falls on both alike. Twice: against the simulator as it is (it answers at once), and
    /// against one that takes 300 µs per answer, as a real switch takes for `auth` and `api status`.
    /// Then three commands: one eslsh with three `-x` against three runs of the C client, which is what
    /// a script that starts fs_cli once per command pays.
    func startup() throws {
        guard let client = try compile("eslbench-client", Bench.cClient) else { print("startup.skipped 0 (no C compiler)"); return }
        let runs = quick ? 15 : 50
        func medians(_ first: () throws -> Void, _ second: () throws -> Void) rethrows -> (Double, Double) {
            var times: ([Double], [Double]) = ([], [])
            for _ in 0..<runs {
                var start = Bench.now()
                try first()
                times.0.append(Bench.now() - start)
                start = Bench.now()
                try second()
                times.1.append(Bench.now() - start)
            }
            return (times.0.sorted()[runs / 2] * 1000, times.1.sorted()[runs / 2] * 1000)
        }
        for (name, delay) in [("", nil), (".slow_switch", Duration.microseconds(300))] as [(String, Duration?)] {
            let simulator = try Bench.simulator { $0.answerDelay = delay }
            defer { simulator.stop() }
            let port = "\(simulator.port)"
            let (ours, c) = try medians({ _ = try eslsh(["-P", port, "-x", "status"]) }, { _ = try Bench.spawn(client, [port]) })
            line("startup\(name).eslsh_x_status", ours, "ms")
            line("startup\(name).c_client_baseline", c, "ms")
            line("startup\(name).ratio", ours / c, "x")
            guard delay == nil else { continue }
            let (three, threeC) = try medians({ _ = try eslsh(["-P", port, "-x", "status", "-x", "status", "-x", "status"]) },
                                              { for _ in 0..<3 { _ = try Bench.spawn(client, [port]) } })
            line("startup.eslsh_x_3_commands", three, "ms")
            line("startup.c_client_3_runs", threeC, "ms")
            line("startup.3_commands_ratio", three / threeC, "x")
        }
    }

    // MARK: memory

    /// Runs a program and writes its own peak RSS (KiB) to a file. Needed because posix_spawn starts the
    /// child in this process's address space (vfork), and Linux keeps that high-water mark across exec:
    /// a child of the benchmark, which holds hundreds of MB of corpus, would report the benchmark's peak.
    /// This small program's own fork starts from its own few hundred KB.
    static let rssWrapper = #"""
    #include <stdio.h>
    #include <sys/resource.h>
    #include <sys/wait.h>
    #include <unistd.h>
    int main(int argc, char **argv) {
        pid_t pid = fork();
        if (pid == 0) { execv(argv[2], argv + 2); _exit(127); }
        int status = 0; struct rusage usage;
        if (pid < 0 || wait4(pid, &status, 0, &usage) < 0) return 126;
        FILE *out = fopen(argv[1], "w"); if (!out) return 126;
        fprintf(out, "%ld\n", usage.ru_maxrss); fclose(out);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
    }
    """#

    func memory() throws {
        guard let wrapper = try compile("eslbench-rss", Bench.rssWrapper) else { print("rss.skipped 0 (no C compiler)"); return }
        let report = NSTemporaryDirectory() + "eslbench-rss.txt"
        var peaks: [Int] = []
        // The peak depends on how far the writer ever falls behind (a descheduled moment queues
        // events), so each size runs three times and the median counts.
        for count in [10_000, quick ? 200_000 : 1_000_000] {
            var runs: [Int] = []
            for _ in 0..<3 {
                _ = try flooding(count) { port in
                    _ = try Bench.spawn(wrapper, [report, eslshPath, "-P", "\(port)", "--events", "ALL", "--format", "plain"])
                }
                let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
                guard let peak = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), peak > 0 else {
                    print("rss.skipped 0 (no peak reported)")
                    return
                }
                runs.append(peak)
            }
            peaks.append(runs.sorted()[1])
        }
        line("rss.10k_events", Double(peaks[0]) / 1024, "MB")
        line("rss.\(quick ? "200k" : "1M")_events", Double(peaks[1]) / 1024, "MB")
        line("rss.ratio", Double(peaks[1]) / Double(peaks[0]), "x")
    }
}

let arguments = CommandLine.arguments
if let child = arguments.firstIndex(of: "--table-child") {
    Bench.tableChild(arguments[child + 1], rows: Int(arguments[child + 2]) ?? 0)
    exit(0)
}
let quick = arguments.contains("--quick")
let captures = arguments.firstIndex(of: "--captures").map { arguments[$0 + 1] } ?? "Tests/TestSupport/Fixtures"
let binaries = arguments.firstIndex(of: "--bin").map { arguments[$0 + 1] } ?? ".build/release"
signal(SIGPIPE, SIG_IGN)
let eslshPath = arguments.firstIndex(of: "--eslsh").map { arguments[$0 + 1] } ?? "\(binaries)/eslsh"
let bench = Bench(captures: captures, binaries: binaries, eslshPath: eslshPath, quick: quick)
let only = arguments.firstIndex(of: "--only").map { arguments[$0 + 1] }
do {
    // `--only decode.plain` (or .json, .xml) runs one decoder, for profiling.
    if only == nil || only!.hasPrefix("decode") {
        let formats = EventFormat.allCases.filter { only == nil || only == "decode" || only == "decode.\($0.rawValue)" }
        bench.decoder(formats: formats)
    }
    if only == nil || only == "drain" { try bench.drain() }
    if only == nil || only == "startup" { try bench.startup() }
    if only == nil || only == "memory" { try bench.memory() }
    if only == nil || only == "stall" { try bench.stall() }
    if only == nil || only == "console" { try bench.console() }
    if only == nil || only == "top" { bench.top() }
    if only == nil || only == "tables" { try bench.tables() }
} catch {
    FileHandle.standardError.write(Data("eslbench: \(error)\n".utf8))
    exit(1)
}
