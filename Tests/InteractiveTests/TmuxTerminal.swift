import Foundation
import Synchronization

/// A real terminal for the console: a private tmux server (its own socket, so tests never share one)
/// running a plain bash, driven with `send-keys` and read with `capture-pane`.
final class TmuxTerminal {
    let socket: String
    let home: String
    private static let counter = Atomic<Int>(0)

    init(columns: Int = 100, rows: Int = 40) throws {
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        socket = "eslsh-test-\(getpid())-\(number)"
        home = NSTemporaryDirectory() + socket
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        // A quiet shell with a fixed prompt and a private HOME (history file, no ~/.editrc).
        // The sanitizers' settings pass through (make sanitize: LeakSanitizer's suppressions).
        let sanitizers = ProcessInfo.processInfo.environment.filter { $0.key.hasSuffix("SAN_OPTIONS") && !$0.value.contains("'") }
            .map { "\($0.key)='\($0.value)' " }.sorted().joined()
        let shell = "env -i HOME=\(home) PATH=/usr/bin:/bin TERM=screen LANG=C.UTF-8 PS1='$ ' \(sanitizers)bash --norc --noprofile"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-x", String(columns), "-y", String(rows), shell], capture: false)
        _ = waitFor { $0.contains("$") }
    }

    deinit {
        _ = try? tmux(["kill-server"], capture: false)
        unlink("/tmp/tmux-\(getuid())/\(socket)")
        try? FileManager.default.removeItem(atPath: home)
        try? FileManager.default.removeItem(atPath: home + ".out")
    }

    /// Runs tmux (`-u`: UTF-8 whatever the test's locale) with posix_spawn and a clean signal state. Foundation's Process hands its children a
    /// blocked signal mask, which the tmux server inherits (it then never reaps its shell), and its
    /// waitUntilExit hung on the forking tmux client.
    @discardableResult
    func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
        let output = home + ".out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture ? output : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = (["/usr/bin/tmux", "-u", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/usr/bin/tmux", &actions, &attributes, argv, environ)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard capture else { return "" }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// Types text literally.
    func type(_ text: String) { _ = try? tmux(["send-keys", "-l", text], capture: false) }

    /// Presses keys by tmux name: Enter, Tab, C-c, C-d, F2 …
    func press(_ keys: String...) { _ = try? tmux(["send-keys"] + keys, capture: false) }

    /// The screen, wrapped lines joined (-J keeps trailing spaces: they are removed), trailing blank lines dropped.
    func screen() -> String {
        let text = (try? tmux(["capture-pane", "-p", "-J"])) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = String(line)
            while line.last == " " { line.removeLast() }
            return line
        }.reversed().drop(while: \.isEmpty).reversed().joined(separator: "\n")
    }

    /// Processes started by the terminal's shell (eslsh while it runs).
    func shellChildren() -> [Int32] {
        let shell = (try? tmux(["display-message", "-p", "#{pane_pid}"]))?.split(separator: "\n").first.flatMap { Int32($0) } ?? 0
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").compactMap { Int32($0) }
    }

    /// The screen with its colours as escape sequences.
    func screenWithEscapes() -> String { (try? tmux(["capture-pane", "-p", "-e"])) ?? "" }

    /// The screen and the scrollback.
    func everything() -> String { (try? tmux(["capture-pane", "-p", "-J", "-S", "-"])) ?? "" }

    /// The last non-blank line on the screen (the prompt, normally), trailing spaces removed.
    func lastLine() -> String {
        var line = screen().split(separator: "\n").last.map(String.init) ?? ""
        while line.last == " " { line.removeLast() }
        return line
    }

    /// Polls the screen until the condition holds or the time is up (generous: a check, not a benchmark).
    @discardableResult
    func waitFor(seconds: Double = 10, _ condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition(screen()) { return true }
            usleep(30_000)
        }
        return condition(screen())
    }

    func waitForLastLine(_ expected: String, seconds: Double = 10) -> Bool {
        waitFor(seconds: seconds) { _ in lastLine() == expected }
    }
}
