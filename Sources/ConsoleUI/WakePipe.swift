import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe that wakes the main thread's `poll()`: the reader thread writes `WakePipe.inbound` when it
/// queues something, signal handlers write the signal number. Nobody but the main thread touches the
/// terminal; everyone else only writes a byte here.
public final class WakePipe: Sendable {
    public static let inbound: UInt8 = 0
    public let readFD: Int32
    public let writeFD: Int32

    public init() {
        var fds: [Int32] = [-1, -1]
        _ = pipe(&fds)
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        if WakePipe.signalFD.load(ordering: .relaxed) == writeFD { WakePipe.signalFD.store(-1, ordering: .relaxed) }
        close(readFD)
        close(writeFD)
    }

    /// Never blocks: a full pipe already holds a wake-up.
    public func wake(_ byte: UInt8 = WakePipe.inbound) {
        var byte = byte
        _ = write(writeFD, &byte, 1)
    }

    /// Everything written so far (signal numbers and inbound wake-ups), without waiting.
    public func drain() -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = read(readFD, &buffer, buffer.count)
            if count > 0 { out += buffer[0..<count] } else if count < 0, errno == EINTR { continue } else { break }
        }
        return out
    }

    /// Waits up to `milliseconds` (-1: forever) for something to be written, then drains it.
    public func wait(milliseconds: Int32) -> [UInt8] {
        var descriptor = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, milliseconds)
        return drain()
    }

    // MARK: - Signals

    /// Where the handlers write; an atomic because a handler may run on any thread at any time.
    static let signalFD = Atomic<Int32>(-1)

    /// The signals the console turns into wake-ups instead of dying with the terminal left raw.
    public static let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGQUIT]

    /// Routes the handled signals to this pipe. libedit's own handling (`EL_SIGNAL`) is never used: it
    /// re-raises with `kill(0, sig)`, which hits the whole process group.
    public func installSignalHandlers() {
        WakePipe.signalFD.store(writeFD, ordering: .relaxed)
        for signal in WakePipe.handledSignals { WakePipe.install(signal) }
    }

    static func install(_ signal: Int32) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            let saved = errno
            var byte = UInt8(truncatingIfNeeded: number)
            let fd = WakePipe.signalFD.load(ordering: .relaxed)
            if fd >= 0 { _ = write(fd, &byte, 1) }
            errno = saved
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(signal, &action, nil)
    }

    /// Back to the default dispositions (after the console ends).
    public static func restoreSignals() {
        signalFD.store(-1, ordering: .relaxed)
        for number in handledSignals { signal(number, SIG_DFL) }
    }

    /// Stops the process as Ctrl-Z would (the caller puts the terminal back first); returns once continued.
    public static func suspend() {
        signal(SIGTSTP, SIG_DFL)
        if !ForegroundGroup.stopWithParent() { raise(SIGTSTP) }
        install(SIGTSTP)
    }
}
