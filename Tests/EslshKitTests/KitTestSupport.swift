#if canImport(Glibc)
import Glibc
#endif
import ESLProtocol
import Synchronization
@testable import EslshKit

/// A printer whose stdout and stderr are pipes the test reads, so a mode runner's output is checked
/// byte for byte without launching the binary.
final class CapturedOutput {
    private let out: [Int32]
    private let err: [Int32]
    let printer: Printer

    init(quiet: Bool = false) {
        var o: [Int32] = [-1, -1], e: [Int32] = [-1, -1]
        _ = pipe(&o)
        _ = pipe(&e)
        for fd in [o[0], e[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        // Room for everything a test prints without a reader: the write ends never block.
        for fd in [o[1], e[1]] { _ = fcntl(fd, 1031 /* F_SETPIPE_SZ */, 1 << 20) }
        out = o
        err = e
        printer = Printer(quiet: quiet, output: o[1], errors: e[1])
    }

    deinit { for fd in out + err { close(fd) } }

    /// What was written to stdout so far (after flushing the printer).
    var stdout: String {
        printer.finish()
        return Self.drain(out[0])
    }

    var stderr: String { Self.drain(err[0]) }

    private static func drain(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count > 0 { bytes += buffer[0..<count] } else { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A clock that moves only when slept on: every sleep is recorded and advances `now`.
final class FakeClock: Sendable {
    private let state = Mutex<(now: UInt64, sleeps: [Duration])>((0, []))

    var pacing: Pacing {
        Pacing(now: { self.state.withLock { $0.now } }, sleep: { duration in
            self.state.withLock { state in
                state.sleeps.append(duration)
                let (seconds, attoseconds) = duration.components
                state.now += UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
            }
        })
    }

    var sleeps: [Duration] { state.withLock { $0.sleeps } }
    /// Seconds since the start, on this clock.
    var seconds: Double { Double(state.withLock { $0.now }) / 1e9 }
}

/// Settings that reach a simulator on loopback.
func settings(port: Int, password: String = "ClueCon") -> Settings {
    var settings = Settings()
    settings.connect.host = "127.0.0.1"
    settings.connect.port = port
    settings.connect.password = password
    settings.connect.connectTimeoutMilliseconds = 5000
    settings.replyTimeout = .seconds(5)
    return settings
}

/// A fresh path in the temporary directory (nothing there yet).
func temporaryPath(_ name: String) -> String {
    "/tmp/eslsh-kit-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
}

struct WriteFailed: Error {}

func write(_ text: String, to path: String, mode: mode_t = 0o600) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
    guard fd >= 0 else { throw WriteFailed() }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    guard Glibc.write(fd, bytes, bytes.count) == bytes.count else { throw WriteFailed() }
}

/// The description of the error `body` throws ("no error" when it throws none).
func errorText<T>(_ body: () throws -> T) -> String {
    do { _ = try body(); return "no error" } catch { return "\(error)" }
}
