import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation

/// The console under a stream: eslsh in a tmux terminal, subscribed to every event while the simulator
/// fires 10,000 a second; a key is typed and the time until the terminal shows it is taken, against the
/// same with no stream. The terminal is read with `tmux capture-pane`, which itself takes a few
/// milliseconds: both figures include it, so their ratio is what matters.
extension Bench {
    func console() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            print("console.skipped 0 (no tmux)")
            return
        }
        let simulator = try Bench.simulator()
        defer { simulator.stop() }
        let session = "eslbench-\(getpid())"
        let tmux = Tmux(session: session)
        try tmux.start(["new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                      "ESLSH_CONFIG=/nonexistent \(eslshPath) -P \(simulator.port) --color never --no-history"])
        defer { _ = try? tmux.run(["kill-session", "-t", session]) }
        guard tmux.wait(for: { $0.hasSuffix("> ") || $0.hasSuffix(">") }) else {
            print("console.skipped 0 (no prompt)")
            return
        }
        let rounds = quick ? 10 : 30
        let idle = tmux.echoMilliseconds(rounds: rounds)

        tmux.type("/event plain ALL")
        tmux.press("Enter")
        let streaming = Locked(true)
        let firer = startThread(joinable: true) {
            let event = Event(name: "CUSTOM", subclass: "eslbench::load", headers: [Header("X-Load", String(repeating: "x", count: 200))])
            var next = Deadline.now().nanoseconds
            while streaming.withLock({ $0 }) {
                for _ in 0..<10 { simulator.fire(event) }  // 10 per millisecond
                next += 1_000_000
                let now = Deadline.now().nanoseconds
                if next > now { usleep(UInt32((next - now) / 1000)) }
            }
        }
        Thread.sleep(forTimeInterval: 0.5)
        let busy = tmux.echoMilliseconds(rounds: rounds)
        // The stream must really be on screen while the keys were timed.
        let shown = ((try? tmux.run(["capture-pane", "-p", "-t", session])) ?? "").components(separatedBy: "eslbench::load").count - 1
        streaming.withLock { $0 = false }
        if let firer { pthread_join(firer, nil) }
        guard shown > 0 else {
            print("console.skipped 0 (the events did not reach the screen)")
            return
        }
        line("console.echo_idle", idle, "ms")
        line("console.echo_while_10k_events_per_s", busy, "ms")
        line("console.echo_ratio", busy / idle, "x")
    }
}

/// Just enough tmux for the console figure.
struct Tmux {
    let session: String

    /// Starts the session (posix_spawn: Foundation's Process waited forever for the tmux client whose
    /// server it forks).
    func start(_ arguments: [String]) throws {
        _ = try Bench.spawn("/usr/bin/tmux", arguments)
    }

    /// A tmux command's output (its arguments are simple words: no quoting needed beyond single quotes).
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let command = "/usr/bin/tmux " + arguments.map { "'\($0)'" }.joined(separator: " ") + " 2>/dev/null"
        guard let pipe = popen(command, "r") else { return "" }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        pclose(pipe)
        return String(decoding: output, as: UTF8.self)
    }

    func type(_ text: String) { _ = try? run(["send-keys", "-t", session, "-l", text]) }
    func press(_ key: String) { _ = try? run(["send-keys", "-t", session, key]) }

    /// The row the cursor is on (the prompt and what is typed).
    func cursorRow() -> String {
        let row = (try? run(["display-message", "-p", "-t", session, "#{cursor_y}"]))?.trimmingCharacters(in: .whitespacesAndNewlines)
        let lines = ((try? run(["capture-pane", "-p", "-t", session])) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
        guard let index = row.flatMap(Int.init), lines.indices.contains(index) else { return "" }
        return String(lines[index])
    }

    func wait(seconds: Double = 10, for condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition(cursorRow().trimmingCharacters(in: .newlines)) { return true }
        }
        return false
    }

    /// Median time from typing a word to seeing it on the cursor's row, then the line is cleared.
    func echoMilliseconds(rounds: Int) -> Double {
        var times: [Double] = []
        for round in 0..<rounds {
            let word = "echo\(round)z"
            let start = Date()
            type(word)
            if wait(for: { $0.hasSuffix(word) }) { times.append(Date().timeIntervalSince(start) * 1000) }
            press("C-u")
            _ = wait(for: { !$0.contains(word) })
        }
        guard !times.isEmpty else { return .infinity }
        return times.sorted()[times.count / 2]
    }
}
